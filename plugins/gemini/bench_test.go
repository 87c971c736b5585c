package gemini

import (
	"io"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
)

// BenchmarkGenerate measures the provider's own work per image (build,
// send, base64-decode, check, convert) against a fake with no latency, 16
// images in flight. The webp case converts Gemini's PNG locally.
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name string
		kv   []string
	}{
		{"png 1K", []string{"prompt", "an otter"}},
		{"png 1K with reference", []string{"prompt", "an otter", "aspect_ratio", "1:1"}},
		{"webp 1K converted", []string{"prompt", "an otter", "output", "a.webp"}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, _, _ := configured(b, fakeapi.GeminiConfig{}, "max_concurrency", 16)
			req := newRequest(b, tc.kv...)
			if tc.name == "png 1K with reference" {
				req.References = manyFileRefs(b, 1)
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
