package transform

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"golang.org/x/image/draw"
)

// decodeSource reads and decodes the source reference. Data that is not an
// image easel reads is the user's to fix (*sdk.Error); a failure to read
// the bytes is not.
func decodeSource(ref sdk.Reference) (image.Image, error) {
	rc, err := ref.Open()
	if err != nil {
		return nil, fmt.Errorf("opening source %s: %w", ref.Name, err)
	}
	defer rc.Close()
	r := &readErr{r: rc}
	img, _, err := imagefmt.Decode(r)
	switch {
	case r.err != nil:
		return nil, fmt.Errorf("reading source %s: %w", ref.Name, r.err)
	case err != nil:
		return nil, &sdk.Error{Kind: sdk.ErrInvalid,
			Message: fmt.Sprintf("source %s is not an image transform can read: %v", ref.Name, err),
			Hint:    "Point source at a PNG, JPEG or WebP image of at most 8192x8192 pixels."}
	}
	return img, nil
}

// readErr remembers the first error of its reader other than io.EOF.
type readErr struct {
	r   io.Reader
	err error
}

func (e *readErr) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) && e.err == nil {
		e.err = err
	}
	return n, err
}

// render crops, scales and pads src as the options say. With nothing to
// scale it returns a view of src rather than a copy.
func render(ctx context.Context, src image.Image, o options) (image.Image, error) {
	l, err := o.layout(src.Bounds())
	if err != nil {
		return nil, err
	}
	if l.canvas == l.dst && l.dst.Size() == l.src.Size() {
		return view(src, l.src), nil
	}
	dst := image.NewRGBA(l.canvas)
	if l.dst != l.canvas {
		draw.Draw(dst, dst.Rect, image.NewUniform(o.pad), image.Point{}, draw.Src)
	}
	if err := (scaler{f: o.filter, budget: scratchBudget}).scale(ctx, dst, l.dst, src, l.src); err != nil {
		return nil, err
	}
	return dst, nil
}

// view returns the r region of img without copying where it can.
func view(img image.Image, r image.Rectangle) image.Image {
	if r == img.Bounds() {
		return img
	}
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
	draw.Draw(dst, dst.Rect, img, r.Min, draw.Src)
	return dst
}
