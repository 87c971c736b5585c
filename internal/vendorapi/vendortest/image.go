package vendortest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/gif"
	"io"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
)

// Image is a real, opaque w x h image in format ("png", "jpeg", "webp",
// "gif"): a gradient, so that its pixels differ and a damaged file shows.
// An "svg" is a w x h document of a gradient-filled rectangle.
func Image(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	if format == imagefmt.SVG {
		return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#00c8c8"/><stop offset="1" stop-color="#c8c8ff"/></linearGradient></defs>
  <rect width="%d" height="%d" fill="url(#g)"/>
</svg>
`, w, h, w, h, w, h)
	}
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	var err error
	if format == imagefmt.GIF {
		err = gif.Encode(&buf, m, nil)
	} else {
		err = imagefmt.Encode(&buf, m, format, 0)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// FileRef is a project file reference holding data, with its SHA-256 and
// the media type easel gave it ("" when easel did not know it). Its
// dimensions are unset, as when easel could not read them: see Sized and
// Measured.
func FileRef(name, mediaType string, data []byte) sdk.Reference {
	return ref("file", name, mediaType, data)
}

// ImageRef is another image's output as a reference: easel gives no media
// type.
func ImageRef(address string, data []byte) sdk.Reference { return ref("image", address, "", data) }

func ref(kind, name, mediaType string, data []byte) sdk.Reference {
	sum := sha256.Sum256(data)
	return sdk.NewReference(kind, name, hex.EncodeToString(sum[:]), mediaType, int64(len(data)),
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
}

// PlanRef is a file reference as validation and estimates see it: a size
// and a media type, no bytes.
func PlanRef(name, mediaType string, size int64) sdk.Reference {
	return sdk.NewReference("file", name, "", mediaType, size, nil)
}

// URLRef is a URL reference as validation and estimates see it: no bytes.
func URLRef(u string) sdk.Reference { return sdk.NewReference("url", u, "", "", 0, nil) }

// FetchedURLRef is a URL reference at apply: the bytes easel fetched and
// pinned, with the media type easel read from them.
func FetchedURLRef(u, mediaType string, data []byte) sdk.Reference {
	return ref("url", u, mediaType, data)
}

// Sized gives r the dimensions easel read from it.
func Sized(r sdk.Reference, w, h int) sdk.Reference {
	r.Width, r.Height = w, h
	return r
}

// Measured gives r the dimensions its bytes' header says, as easel does
// for a file it can read; r is unchanged when it has no readable image.
func Measured(r sdk.Reference) sdk.Reference {
	rc, err := r.Open()
	if err != nil {
		return r
	}
	defer rc.Close()
	if _, w, h, err := imagefmt.Sniff(rc); err == nil {
		r.Width, r.Height = w, h
	}
	return r
}

// WithRefs sets req's references and returns req.
func WithRefs(req *sdk.Request, refs ...sdk.Reference) *sdk.Request {
	req.References = refs
	return req
}

// ReadImage reads a response's image.
func ReadImage(t testing.TB, r *sdk.Response) []byte {
	t.Helper()
	data, err := io.ReadAll(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
