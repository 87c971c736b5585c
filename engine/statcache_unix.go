//go:build linux

package engine

import (
	"os"
	"syscall"
)

func idOf(fi os.FileInfo) fileID {
	id := fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.ctime = st.Ctim.Sec*1e9 + st.Ctim.Nsec
		id.ino = st.Ino
	}
	return id
}
