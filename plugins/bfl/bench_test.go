package bfl

import (
	"io"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/zclconf/go-cty/cty"
)

// BenchmarkGenerate measures the provider's own overhead per image
// (submit, one Pending poll, Ready poll, download, check) against a fake
// with no latency and a clock that does not wait, 16 images in flight.
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name string
		kv   []any
	}{
		{"flux-pro-1.1 1024x768 png", []any{"prompt", "an otter", "output", "a.png"}},
		{"flux-2-pro 1024 png with a reference", []any{"prompt", "an otter", "model", "flux-2-pro", "output", "a.png"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, _, _ := startFake(b, fakeapi.BFLConfig{}, map[string]cty.Value{"max_concurrency": cty.NumberIntVal(16)})
			req := newRequest(b, tc.kv...)
			if len(tc.kv) > 4 {
				req.References = append(req.References, pngRef(b, "a.png", 256, 256))
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
