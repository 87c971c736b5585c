package transform

import (
	"context"
	"image"

	"golang.org/x/image/draw"
)

// scratchBudget bounds the scratch memory of one kernel pass, in bytes.
const scratchBudget = 16 << 20

// scratchPixel is the scratch memory draw.Kernel uses per pixel: four
// float64 channels.
const scratchPixel = 4 * 8

// scaler resamples with bounded scratch memory. A single draw.Kernel.Scale
// allocates destination width x source height x 32 bytes of scratch: 1 GB
// to shrink an 8192x8192 source to 4096x4096. scaler instead scales the
// width and the height in two passes, each over bands of at most budget
// bytes of scratch. The passes meet in one 8-bit RGBA image of output width
// x source height, the same rounding between passes as other two-pass
// resamplers.
type scaler struct {
	f      filter
	budget int
}

// scale draws the sr region of src, resampled, over the dr region of dst.
func (s scaler) scale(ctx context.Context, dst *image.RGBA, dr image.Rectangle, src image.Image, sr image.Rectangle) error {
	switch {
	case s.f.kernel == nil:
		s.f.interp.Scale(dst, dr, src, sr, draw.Src, nil)
		return ctx.Err()
	case sr.Size() == dr.Size():
		draw.Draw(dst, dr, src, sr.Min, draw.Src)
		return ctx.Err()
	case sr.Dy() == dr.Dy():
		return s.widths(ctx, dst, dr, src, sr)
	case sr.Dx() == dr.Dx():
		return s.heights(ctx, dst, dr, src, sr)
	}
	mid := image.NewRGBA(image.Rect(0, 0, dr.Dx(), sr.Dy()))
	if err := s.widths(ctx, mid, mid.Rect, src, sr); err != nil {
		return err
	}
	return s.heights(ctx, dst, dr, mid, mid.Rect)
}

// widths scales sr to dr when only the width changes, a band of rows at a
// time: rows do not mix, so each band is exact.
func (s scaler) widths(ctx context.Context, dst *image.RGBA, dr image.Rectangle, src image.Image, sr image.Rectangle) error {
	rows := max(1, s.budget/(dr.Dx()*scratchPixel))
	z := s.f.kernel.NewScaler(dr.Dx(), rows, sr.Dx(), rows)
	for y := 0; y < dr.Dy(); y += rows {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(rows, dr.Dy()-y)
		d := image.Rect(dr.Min.X, dr.Min.Y+y, dr.Max.X, dr.Min.Y+y+n)
		z.Scale(dst, d, src, image.Rect(sr.Min.X, sr.Min.Y+y, sr.Max.X, sr.Min.Y+y+n), draw.Src, nil)
	}
	return nil
}

// heights scales sr to dr when only the height changes, a band of columns
// at a time.
func (s scaler) heights(ctx context.Context, dst *image.RGBA, dr image.Rectangle, src image.Image, sr image.Rectangle) error {
	cols := max(1, s.budget/(sr.Dy()*scratchPixel))
	z := s.f.kernel.NewScaler(cols, dr.Dy(), cols, sr.Dy())
	for x := 0; x < dr.Dx(); x += cols {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(cols, dr.Dx()-x)
		d := image.Rect(dr.Min.X+x, dr.Min.Y, dr.Min.X+x+n, dr.Max.Y)
		z.Scale(dst, d, src, image.Rect(sr.Min.X+x, sr.Min.Y, sr.Min.X+x+n, sr.Max.Y), draw.Src, nil)
	}
	return nil
}
