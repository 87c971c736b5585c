package stability

import (
	"io"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// BenchmarkGenerate measures the provider's own work per image (multipart
// body, send, check) against a fake with no latency, 16 images in flight.
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name string
		kv   []any
	}{
		{"core png", []any{"prompt", "an otter"}},
		{"ultra with reference", []any{"prompt", "an otter", "model", "ultra", "strength", 0.5}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, _, _ := configured(b, fakeapi.StabilityConfig{}, "max_concurrency", 16)
			req := newRequest(b, tc.kv...)
			if tc.name == "ultra with reference" {
				req.References = []sdk.Reference{fileRef("r.png", "png", imageBytes(b, "png", 512, 512))}
			}
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := p.Generate(b.Context(), req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Image)
				}
			})
		})
	}
}
