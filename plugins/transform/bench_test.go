package transform

import (
	"context"
	"image"
	"io"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"golang.org/x/image/draw"
)

// BenchmarkScale compares the banded two-pass scaler with one
// draw.Kernel.Scale call, for a cover crop of a 4096x4096 source to a
// 1500x500 banner. Watch B/op: one pass allocates 65 MB of scratch.
func BenchmarkScale(b *testing.B) {
	src := gradient(4096, 4096)
	sr := image.Rect(0, 1365, 4096, 2731)
	dr := image.Rect(0, 0, 1500, 500)
	dst := image.NewRGBA(dr)
	b.Run("banded", func(b *testing.B) {
		s := scaler{f: catmullRom(), budget: scratchBudget}
		for b.Loop() {
			if err := s.scale(context.Background(), dst, dr, src, sr); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("one-pass", func(b *testing.B) {
		for b.Loop() {
			draw.CatmullRom.Scale(dst, dr, src, sr, draw.Src, nil)
		}
	})
}

// BenchmarkGenerate derives a 1200x630 image from a 2048x2048 PNG source,
// decoding included, per output format.
func BenchmarkGenerate(b *testing.B) {
	data := encode(b, gradient(2048, 2048), imagefmt.PNG)
	for _, output := range []string{"og.png", "og.jpg", "og.webp"} {
		b.Run(output, func(b *testing.B) {
			req := newRequest(output, attrs("resize", "1200x630"), source(data))
			for b.Loop() {
				resp, err := New().Generate(context.Background(), req)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, resp.Image); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
