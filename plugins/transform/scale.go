package transform

import (
	"context"
	"image"

	"golang.org/x/image/draw"
)

// scratchBudget bounds the scratch memory of one kernel pass, in bytes.
// Small bands cost no time (they stay in cache): with 1 MiB, 30 images
// from a 4096x4096 source took 11.2 s of CPU and 277 MiB of RSS, with
// 16 MiB 13.4 s and 704 MiB (bench/transform).
const scratchBudget = 1 << 20

// scratchPixel is the scratch memory draw.Kernel uses per pixel: four
// float64 channels.
const scratchPixel = 4 * 8

// scaler resamples with bounded scratch memory. A single draw.Kernel.Scale
// allocates destination width x source height x 32 bytes of scratch: 140
// MB to shrink a 4096x4096 source to 1080x1080, 1 GB to shrink an 8192x8192
// one to 4096x4096. When that exceeds the budget, scaler instead scales
// the width and the height in two passes, each over bands of at most
// budget bytes of scratch. The passes meet in one 8-bit RGBA image of
// output width x source height, with the same rounding between passes as
// other two-pass resamplers.
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
	case dr.Dx()*sr.Dy()*scratchPixel <= s.budget:
		s.f.kernel.Scale(dst, dr, src, sr, draw.Src, nil)
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
	rows := min(dr.Dy(), max(1, s.budget/(dr.Dx()*scratchPixel)))
	z := s.f.kernel.NewScaler(dr.Dx(), rows, sr.Dx(), rows)
	return bands(ctx, dr.Dy(), rows, func(y int) {
		d := image.Rect(dr.Min.X, dr.Min.Y+y, dr.Max.X, dr.Min.Y+y+rows)
		z.Scale(dst, d, src, image.Rect(sr.Min.X, sr.Min.Y+y, sr.Max.X, sr.Min.Y+y+rows), draw.Src, nil)
	})
}

// heights scales sr to dr when only the height changes, a band of columns
// at a time.
func (s scaler) heights(ctx context.Context, dst *image.RGBA, dr image.Rectangle, src image.Image, sr image.Rectangle) error {
	cols := min(dr.Dx(), max(1, s.budget/(sr.Dy()*scratchPixel)))
	z := s.f.kernel.NewScaler(cols, dr.Dy(), cols, sr.Dy())
	return bands(ctx, dr.Dx(), cols, func(x int) {
		d := image.Rect(dr.Min.X+x, dr.Min.Y, dr.Min.X+x+cols, dr.Max.Y)
		z.Scale(dst, d, src, image.Rect(sr.Min.X+x, sr.Min.Y, sr.Min.X+x+cols, sr.Max.Y), draw.Src, nil)
	})
}

// bands calls fn with the offset of each band of size covering [0, total).
// Every band has the same size, the last overlapping the one before it
// (bands are exact, so the overlap is written twice with the same pixels),
// so that one draw.Kernel.NewScaler, with its one pooled scratch buffer,
// serves them all. (Without the pool, the garbage scratch filled the GC's
// headroom: 1.1 GB peak RSS for an 8192x8192 source instead of 0.6 GB.)
func bands(ctx context.Context, total, size int, fn func(off int)) error {
	for off := 0; off < total; off += size {
		if err := ctx.Err(); err != nil {
			return err
		}
		fn(min(off, total-size))
	}
	return nil
}
