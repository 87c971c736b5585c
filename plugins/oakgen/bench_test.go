package oakgen

import (
	"io"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/zclconf/go-cty/cty"
)

// BenchmarkGenerate measures the provider's own overhead per image (build,
// send, parse, download or decode, check) against a fake with no latency,
// 16 images in flight.
func BenchmarkGenerate(b *testing.B) {
	for _, tc := range []struct {
		name     string
		response fakeapi.OakgenResponse
	}{
		{"url 1024 png", fakeapi.OakgenURL},
		{"base64 1024 png", fakeapi.OakgenBase64},
	} {
		b.Run(tc.name, func(b *testing.B) {
			p, _, _ := startFake(b, fakeapi.OakgenConfig{Response: tc.response}, map[string]cty.Value{"max_concurrency": cty.NumberIntVal(16)})
			req := newRequest(b, "prompt", "an otter")
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
