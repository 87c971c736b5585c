//go:build !linux

package engine

import "os"

// idOf uses size and mtime only where ctime and inode are not read.
func idOf(fi os.FileInfo) fileID {
	return fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
}
