package main

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image"
	"image/jpeg"
	"image/png"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/imagefmt"
	"golang.org/x/image/draw"
)

// thumbSide is the longest side of an image embedded in a report: enough
// for half a laptop screen at double density, small enough to keep a
// report of a hundred images to a few megabytes.
const thumbSide = 640

// reportImage is one side of a before/after pair.
type reportImage struct {
	Src     template.URL // data: URI or relative link; empty when there is no image
	Caption string
	Note    string // why there is no image, or what it will be
	Width   int
	Height  int
}

// imager finds the images a report shows, in the project or in the
// output cache, and embeds them (scaled down) or links them relatively.
type imager struct {
	dir    string // the project directory
	outDir string // where the report is written, for relative links
	link   bool
}

// cachePath is where the output cache keeps the bytes of sum.
func (im *imager) cachePath(sum string) string {
	if len(sum) < 3 {
		return ""
	}
	return filepath.Join(im.dir, engine.StateDir, "cache", "objects", sum[:2], sum)
}

// find shows ref: its output file when it still has those bytes (or when
// sum is empty), else the copy in the cache.
func (im *imager) find(ref imgRef, caption string) reportImage {
	path := filepath.Join(im.dir, filepath.FromSlash(ref.Output))
	if ref.Output != "" {
		if sum, _, err := fsx.HashFile(path); err == nil && (ref.SHA256 == "" || sum == ref.SHA256) {
			return im.show(path, caption)
		}
	}
	if p := im.cachePath(ref.SHA256); p != "" {
		if _, err := os.Stat(p); err == nil {
			return im.show(p, caption+" (from .easel/cache)")
		}
	}
	return reportImage{Caption: caption, Note: "not on disk and not in .easel/cache"}
}

// show embeds or links the image at path.
func (im *imager) show(path, caption string) reportImage {
	if im.link {
		return im.linked(path, caption)
	}
	src, w, h, err := embed(path)
	if err != nil {
		ri := im.linked(path, caption)
		ri.Note = "not embedded: " + err.Error()
		return ri
	}
	return reportImage{Src: src, Caption: caption, Width: w, Height: h}
}

// linked links path relative to the report.
func (im *imager) linked(path, caption string) reportImage {
	abs, err1 := filepath.Abs(path)
	base, err2 := filepath.Abs(im.outDir)
	rel, err3 := filepath.Rel(base, abs)
	if err1 != nil || err2 != nil || err3 != nil {
		return reportImage{Caption: caption, Note: "cannot link " + path}
	}
	segs := strings.Split(filepath.ToSlash(rel), "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	// #nosec: a relative path we built and escaped, never a scheme.
	return reportImage{Src: template.URL("./" + strings.Join(segs, "/")), Caption: caption}
}

// embed returns an image file as a data: URI, scaled down so that its
// longest side is at most thumbSide; small images keep their bytes, and
// so does an SVG, which scales as it is (an <img> runs none of its
// scripts).
func embed(path string) (template.URL, int, int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", 0, 0, err
	}
	format, w, h, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil {
		return "", 0, 0, err
	}
	if format != imagefmt.SVG && max(w, h) > thumbSide {
		img, _, err := imagefmt.Decode(bytes.NewReader(data))
		if err != nil {
			return "", 0, 0, err
		}
		if data, format, err = thumbnail(img); err != nil {
			return "", 0, 0, err
		}
	}
	uri := "data:" + imagefmt.MediaType(format) + ";base64," + base64.StdEncoding.EncodeToString(data)
	return template.URL(uri), w, h, nil // #nosec: base64 we encoded
}

// thumbnail scales img to thumbSide and encodes it: JPEG when it is
// opaque, PNG when it has transparency.
func thumbnail(img image.Image) ([]byte, string, error) {
	b := img.Bounds()
	scale := float64(thumbSide) / float64(max(b.Dx(), b.Dy()))
	dst := image.NewNRGBA(image.Rect(0, 0, max(1, int(float64(b.Dx())*scale)), max(1, int(float64(b.Dy())*scale))))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	var buf bytes.Buffer
	if dst.Opaque() {
		if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: 85}); err != nil {
			return nil, "", fmt.Errorf("encoding a thumbnail: %w", err)
		}
		return buf.Bytes(), imagefmt.JPEG, nil
	}
	if err := png.Encode(&buf, dst); err != nil {
		return nil, "", fmt.Errorf("encoding a thumbnail: %w", err)
	}
	return buf.Bytes(), imagefmt.PNG, nil
}
