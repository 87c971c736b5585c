package placeholder

import (
	"context"
	"image/color"
	"io"
	"testing"
)

// BenchmarkGenerate measures one render and encode per format at a common
// poster size, with two references.
func BenchmarkGenerate(b *testing.B) {
	red := encodeImage(b, solid(512, 512, color.RGBA{200, 40, 40, 255}))
	picture := encodeImage(b, scene(1024, 768))
	for _, format := range []string{"png", "jpeg", "webp"} {
		b.Run(format, func(b *testing.B) {
			req := newRequest(attrs("size", "1536x1024", "prompt", "a lighthouse at dusk", "format", format),
				reference("a.png", red), reference("b.png", picture))
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
