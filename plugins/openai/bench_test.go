package openai

import (
	"io"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
)

// BenchmarkGenerate measures the provider's own overhead per image (build,
// send, decode, check) against a fake with no latency, serially and with
// 16 images in flight.
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name string
		kv   []any
	}{
		{"png 1024", []any{"prompt", "an otter", "quality", "low"}},
		{"webp 1536x1024", []any{"prompt", "an otter", "quality", "low", "size", "1536x1024", "output", "a.webp"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := newHarness(b, fakeapi.Config{}, "max_concurrency", 16)
			req := newRequest(b, tc.kv...)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					resp, err := h.p.Generate(b.Context(), req)
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
