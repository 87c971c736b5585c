// Command statonly is the baseline for the no-op plan benchmark: it does
// the least any tool must do to know nothing changed, stat every file a
// no-op plan depends on (configuration, lockfile, reference, outputs), and
// nothing else.
//
//	go run ./bench/statonly -dir /tmp/noop-10000
package main

import (
	"flag"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	dir := flag.String("dir", ".", "project directory")
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
	}
	fmt.Printf("%d files, %d bytes\n", len(paths), size)
}
