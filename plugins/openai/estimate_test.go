package openai

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

func TestEstimateCost(t *testing.T) {
	p := NewWithOptions(Options{Now: func() time.Time { return today }})
	refs := func(n int) []sdk.Reference { return repeat(planRef("r.png", "image/png", 10), n) }
	const otter = "an otter" // 8 characters: 2 prompt tokens
	tests := []struct {
		name   string
		req    *sdk.Request
		want   float64 // USD; NaN for unknown
		detail string
	}{
		{"gpt-image-2 medium square", newRequest(t, "prompt", otter, "quality", "medium"), (1756*30 + 2*5) / 1e6, "1,756 output tokens at $30/1M"},
		{"gpt-image-2 low landscape", newRequest(t, "prompt", otter, "quality", "low", "size", "1536x1024"), (158*30 + 2*5) / 1e6, "158 output tokens"},
		{"gpt-image-2 high 4K", newRequest(t, "prompt", otter, "quality", "high", "size", "3840x2160"), (13342*30 + 2*5) / 1e6, "13,342"},
		{"quality unset is priced high", newRequest(t, "prompt", otter), (7024*30 + 2*5) / 1e6, "auto priced at its most expensive"},
		{"gpt-image-1.5 high landscape", newRequest(t, "prompt", otter, "model", "gpt-image-1.5", "quality", "high", "size", "1536x1024"), (6208*32 + 2*5) / 1e6, "6,208"},
		{"auto size is the dearest standard size", newRequest(t, "prompt", otter, "model", "gpt-image-1.5", "quality", "low", "size", "auto"), (408*32 + 2*5) / 1e6, "1024x1536"},
		{"gpt-image-1-mini", newRequest(t, "prompt", otter, "model", "gpt-image-1-mini", "quality", "low"), (687*8 + 2*2) / 1e6, "unconfirmed"},
		{"gpt-image-2.6 low", newRequest(t, "prompt", otter, "model", "gpt-image-2.6-sunburst", "quality", "low"), (686*30 + 2*5) / 1e6, "unconfirmed"},
		{"three references on gpt-image-2", withRefs(newRequest(t, "prompt", otter, "quality", "low"), refs(3)...), (196*30 + 2*5 + 3*1024*8) / 1e6, "3 references ~3,072 image tokens at $8/1M (3 of unknown size"},
		// 512x384 is 16x12 patches; 1600x1600 is 2,500, capped at the budget of 1,536.
		{"references by their size on gpt-image-2", withRefs(newRequest(t, "prompt", otter, "quality", "low"),
			sized(planRef("a.png", "image/png", 10), 512, 384), sized(planRef("b.png", "image/png", 10), 1600, 1600), planRef("c.png", "image/png", 10)),
			(196*30 + 2*5 + (192+1536+1024)*8) / 1e6, "3 references ~2,752 image tokens at $8/1M (1 of unknown size"},
		{"references by their size on gpt-image-1.5", withRefs(newRequest(t, "prompt", otter, "model", "gpt-image-1.5", "quality", "low"),
			sized(planRef("a.png", "image/png", 10), 2048, 2048)), (272*32 + 2*5 + 4*135*8) / 1e6, "1 references ~540 image tokens at $8/1M ="},
		{"references at low fidelity", withRefs(newRequest(t, "prompt", otter, "model", "gpt-image-1.5", "quality", "low"), refs(2)...), (272*32 + 2*5 + 2*135*8) / 1e6, "270 image tokens"},
		{"references at high fidelity", withRefs(newRequest(t, "prompt", otter, "model", "gpt-image-1.5", "quality", "low", "input_fidelity", "high"), refs(2)...), (272*32 + 2*5 + 2*3050*8) / 1e6, "6,100 image tokens"},
		{"dall-e-3", newRequest(t, "prompt", otter, "model", "dall-e-3", "quality", "hd", "size", "1792x1024"), 0.12, "historical"},
		{"dall-e-2 default quality", newRequest(t, "prompt", otter, "model", "dall-e-2", "size", "512x512"), 0.018, "standard"},
		{"unknown model", newRequest(t, "prompt", otter, "model", "sd-cpp-local"), math.NaN(), "unknown model"},
		{"unknown quality", newRequest(t, "prompt", otter, "quality", "ultra"), math.NaN(), "no output-token figure"},
		{"svg bills a writing model", newRequest(t, "prompt", otter, "model", "gpt-image-2.6-flare", "quality", "low", "output", "a.svg"), math.NaN(), "writing model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			est := p.EstimateCost(context.Background(), tt.req)
			switch {
			case math.IsNaN(tt.want) && est.USD != nil:
				t.Errorf("USD = %v, want unknown", *est.USD)
			case !math.IsNaN(tt.want) && (est.USD == nil || math.Abs(*est.USD-tt.want) > 1e-12):
				t.Errorf("USD = %v, want %v (%s)", est.USD, tt.want, est.Detail)
			}
			if !strings.Contains(est.Detail, tt.detail) {
				t.Errorf("detail %q does not mention %q", est.Detail, tt.detail)
			}
		})
	}
}

// TestAutoQualityIsPricedAtTheDearestQuality checks that an image without
// a quality is priced at the model's most expensive one, so a budget is
// never passed by an automatic choice: on gpt-image-2.5 and 2.6 that is
// max, dearer than high.
func TestAutoQualityIsPricedAtTheDearestQuality(t *testing.T) {
	p := NewWithOptions(Options{Now: func() time.Time { return today }})
	for _, model := range []string{"gpt-image-2", "gpt-image-2.5-flare", "gpt-image-2.6-sunburst"} {
		t.Run(model, func(t *testing.T) {
			m, ok := Lookup(model)
			if !ok {
				t.Fatalf("no model %s", model)
			}
			dearest, dearestQ := 0.0, ""
			for _, q := range m.Qualities {
				if q == "auto" {
					continue
				}
				est := p.EstimateCost(context.Background(), newRequest(t, "prompt", "an otter", "model", model, "quality", q))
				if est.USD != nil && *est.USD > dearest {
					dearest, dearestQ = *est.USD, q
				}
			}
			for _, q := range []string{"", "auto"} {
				req := newRequest(t, "prompt", "an otter", "model", model)
				if q != "" {
					req = newRequest(t, "prompt", "an otter", "model", model, "quality", q)
				}
				est := p.EstimateCost(context.Background(), req)
				if est.USD == nil || *est.USD != dearest || !strings.Contains(est.Detail, " "+dearestQ+" ") {
					t.Errorf("quality %q: %v (%s); want %v, the price at %s", q, est.USD, est.Detail, dearest, dearestQ)
				}
			}
		})
	}
}
