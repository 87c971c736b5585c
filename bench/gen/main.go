// Command gen writes a benchmark project: N placeholder images, each
// referencing one shared file, spread over output directories of 100.
//
//	go run ./bench/gen -n 10000 -dir /tmp/noop-10000
package main

import (
	"bufio"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log"
	"os"
	"path/filepath"
)

func main() {
	n := flag.Int("n", 1000, "number of images")
	dir := flag.String("dir", "", "project directory to create")
	size := flag.String("size", "16x16", "image size")
	provider := flag.String("provider", "placeholder", "provider of every image")
	flag.Parse()
	if *dir == "" {
		log.Fatal("gen: -dir is required")
	}
	if err := write(*dir, *n, *size, *provider); err != nil {
		log.Fatal(err)
	}
}

func write(dir string, n int, size, provider string) error {
	if err := os.MkdirAll(filepath.Join(dir, "brand"), 0o755); err != nil {
		return err
	}
	if err := writeRef(filepath.Join(dir, "brand", "ref.png")); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "main.easel.hcl"))
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintf(w, "locals {\n  style = \"flat vector illustration, brand blue\"\n}\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(w, "image \"p%05d\" {\n  provider   = %s\n  prompt     = \"Product shot %d, ${local.style}\"\n  references = [\"brand/ref.png\"]\n  size       = %q\n  output     = \"assets/%03d/p%05d.png\"\n}\n\n",
			i, provider, i, size, i/100, i)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

func writeRef(path string) error {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+2], img.Pix[i+3] = 0, 0xff, 0xff
	}
	img.Set(3, 3, color.White)
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		return err
	}
	return f.Close()
}
