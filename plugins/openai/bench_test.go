package openai

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/vendorapi"
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

// BenchmarkDecodeImagesResponse decodes the answer for a 1024x1024 PNG of
// 2.3 MB (3.2 MB of base64): the way accept does, and encoding/json alone.
func BenchmarkDecodeImagesResponse(b *testing.B) {
	raw := make([]byte, 2<<20+300<<10)
	for i := range raw {
		raw[i] = byte(i * 7919 >> 3)
	}
	body := []byte(`{"created":1,"data":[{"b64_json":"` + base64.StdEncoding.EncodeToString(raw) +
		`"}],"size":"1024x1024","quality":"low","usage":{"input_tokens":14,"output_tokens":196}}`)
	b.Run("lifted", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			_, b64, err := decodeImagesResponse(body)
			if err == nil {
				_, err = vendorapi.DecodeBase64Bytes(b64)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding/json", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			var r imagesResponse
			err := json.Unmarshal(body, &r)
			if err == nil {
				_, err = vendorapi.DecodeBase64(r.Data[0].B64JSON)
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
