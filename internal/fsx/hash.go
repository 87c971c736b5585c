package fsx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"sync"
)

// hashBufs are HashFile's read buffers: a plan hashes thousands of small
// files on a fresh clone, and a new 32 KiB buffer for each (io.Copy's) was
// most of its garbage.
var hashBufs = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// HashFile returns the hex SHA-256 and the size of the file at path,
// streaming it through a fixed buffer so memory stays bounded. It is safe
// for concurrent use.
func HashFile(path string) (sum string, size int64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, fmt.Errorf("hashing: %w", err)
	}
	defer f.Close()
	buf := hashBufs.Get().(*[]byte)
	defer hashBufs.Put(buf)
	h := sha256.New()
	// Hide File.WriteTo, which would ignore buf and allocate its own.
	size, err = io.CopyBuffer(h, struct{ io.Reader }{f}, *buf)
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), size, nil
}
