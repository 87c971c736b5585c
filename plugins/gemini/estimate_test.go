package gemini

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
)

func TestEstimateCost(t *testing.T) {
	prompt := strings.Repeat("abcd", 100) // 100 prompt tokens
	tests := []struct {
		name     string
		req      *sdk.Request
		usd      float64 // -1: unknown
		inDetail string
	}{
		{"nano banana 1K", newRequest(t, "prompt", prompt), 0.0336 + 100*1.5e-6, "1,120 image tokens at $30/1M + ~100 prompt tokens at $1.5/1M"},
		{"nano banana 4K", newRequest(t, "prompt", prompt, "image_size", "4K"), 2520*30e-6 + 100*1.5e-6, "gemini-nano-banana-2.1 4K"},
		{"3 pro 2K: output only", newRequest(t, "prompt", prompt, "model", "gemini-3-pro-image", "image_size", "2K"), 0.1344, "unconfirmed: input and thinking-token rates"},
		{"3 pro 4K", newRequest(t, "prompt", "x", "model", "gemini-3-pro-image", "image_size", "4K"), 0.24, "2,000 image tokens at $120/1M"},
		{"references are named", withRefs(newRequest(t, "prompt", "x", "model", "gemini-3-pro-image"), planRef("a.png", "image/png", 10)), 0.1344, "1 reference images not priced"},
		{"unknown model", newRequest(t, "prompt", "x", "model", "gemini-9"), -1, `unknown model "gemini-9"`},
	}
	p, _ := testProvider(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := p.EstimateCost(context.Background(), tt.req)
			switch {
			case tt.usd < 0 && e.USD != nil:
				t.Errorf("USD = %v, want unknown", *e.USD)
			case tt.usd >= 0 && (e.USD == nil || math.Abs(*e.USD-tt.usd) > 1e-9):
				t.Errorf("USD = %v, want %v (%s)", e.USD, tt.usd, e.Detail)
			}
			if !strings.Contains(e.Detail, tt.inDetail) {
				t.Errorf("detail %q does not contain %q", e.Detail, tt.inDetail)
			}
		})
	}
}
