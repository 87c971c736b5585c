package fsx

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestHashFile(t *testing.T) {
	big := make([]byte, 3<<20+17) // several copy buffers, odd tail
	for i := range big {
		big[i] = byte(i * 7)
	}
	bigSum := sha256.Sum256(big)
	tests := []struct {
		name    string
		data    []byte
		wantSum string
	}{
		{name: "empty", data: nil, wantSum: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{name: "hello", data: []byte("hello\n"), wantSum: "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"},
		{name: "large", data: big, wantSum: hex.EncodeToString(bigSum[:])},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			sum, size, err := HashFile(path)
			if err != nil {
				t.Fatalf("HashFile: %v", err)
			}
			if sum != tt.wantSum || size != int64(len(tt.data)) {
				t.Errorf("HashFile = %s, %d; want %s, %d", sum, size, tt.wantSum, len(tt.data))
			}
		})
	}
}

func TestHashFileMissing(t *testing.T) {
	_, _, err := HashFile(filepath.Join(t.TempDir(), "absent"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("err = %v, want fs.ErrNotExist", err)
	}
}
