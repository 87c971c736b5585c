// Command statonly is the baseline for the no-op plan benchmark: it does
// the least any tool must do to know nothing changed, stat every file a
// no-op plan depends on (configuration, lockfile, reference, outputs), and
// nothing else. With -hash it also reads and hashes (sha256) every one of
// them, one at a time: the floor of a plan on a fresh clone, which has no
// stat cache to trust.
//
//	go run ./bench/statonly -dir /tmp/noop-10000 [-hash]
package main

import (
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", ".", "project directory")
	hash := flag.Bool("hash", false, "also read and sha256 every file")
	flag.Parse()
	var paths []string
	for _, sub := range []string{"assets", "brand"} {
		filepath.WalkDir(filepath.Join(*dir, sub), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				paths = append(paths, p)
			}
			return nil
		})
	}
	entries, err := os.ReadDir(*dir)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".hcl") {
			paths = append(paths, filepath.Join(*dir, e.Name()))
		}
	}
	var size int64
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			log.Fatal(err)
		}
		size += fi.Size()
		if *hash {
			hashFile(p)
		}
	}
	fmt.Printf("%d files, %d bytes\n", len(paths), size)
}

func hashFile(path string) {
	f, err := os.Open(path)
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if _, err := io.Copy(sha256.New(), f); err != nil {
		log.Fatal(err)
	}
}
