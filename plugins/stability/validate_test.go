package stability

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

func TestValidateImage(t *testing.T) {
	type diag struct{ sev, attr, summary string }
	ref := func(w, h int) sdk.Reference {
		r := planRef("ref.png", "image/png", 1000)
		r.Width, r.Height = w, h
		return r
	}
	tests := []struct {
		name string
		req  *sdk.Request
		want []diag
	}{
		{"defaults are valid", newRequest(t, "prompt", "an otter"), nil},
		{"every text-to-image option", newRequest(t, "prompt", "x", "model", "sd3.5-medium", "negative_prompt", "blur", "aspect_ratio", "9:21", "seed", 42, "style_preset", "pixel-art"), nil},
		{"image-to-image on ultra", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.6), ref(512, 512)), nil},
		{"empty prompt", newRequest(t, "prompt", " "), []diag{{"error", "prompt", "Empty prompt"}}},
		{"prompt too long", newRequest(t, "prompt", strings.Repeat("x", 10001)), []diag{{"error", "prompt", "prompt too long"}}},
		{"bad ratio", newRequest(t, "prompt", "x", "aspect_ratio", "4:3"), []diag{{"error", "aspect_ratio", "Unsupported aspect_ratio"}}},
		{"ratio with a reference", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.5, "aspect_ratio", "1:1"), ref(512, 512)),
			[]diag{{"error", "aspect_ratio", "aspect_ratio cannot be used with a reference image"}}},
		{"style on ultra", newRequest(t, "prompt", "x", "model", "ultra", "style_preset", "anime"), []diag{{"error", "style_preset", "style_preset is not supported by ultra"}}},
		{"unknown style passes", newRequest(t, "prompt", "x", "style_preset", "watercolour"), []diag{{"warning", "style_preset", "Unknown style_preset"}}},
		{"seed out of range", newRequest(t, "prompt", "x", "seed", 4294967295), []diag{{"error", "seed", "Invalid seed"}}},
		{"fractional seed", newRequest(t, "prompt", "x", "seed", 1.5), []diag{{"error", "seed", "Invalid seed"}}},
		{"reference on core", withRefs(newRequest(t, "prompt", "x", "strength", 0.5), ref(512, 512)), []diag{{"error", "references", "core does not take a reference image"}}},
		{"two references", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.5), ref(512, 512), ref(512, 512)), []diag{{"error", "references", "Stability takes one reference image"}}},
		{"reference without strength", withRefs(newRequest(t, "prompt", "x", "model", "sd3.5-large"), ref(512, 512)), []diag{{"error", "strength", "strength is required with a reference image"}}},
		{"strength without reference", newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.5), []diag{{"error", "strength", "strength needs a reference image"}}},
		{"strength above 1", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 1.5), ref(512, 512)), []diag{{"error", "strength", "Invalid strength"}}},
		{"small reference warns", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.5), ref(48, 48)), []diag{{"warning", "references", "Stability may reject this reference image"}}},
		{"URL reference (its fetched bytes are uploaded)", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.5), sdk.NewReference("url", "https://x/a.png", "", "image/png", 1, nil)), nil},
		{"unknown model", newRequest(t, "prompt", "x", "model", "sd4-large"), []diag{{"warning", "model", "Unknown Stability model"}}},
		{"unknown strength at plan time", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", cty.UnknownVal(cty.Number)), ref(512, 512)), nil},
	}
	p, _ := testProvider(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []diag
			for _, d := range p.ValidateImage(context.Background(), tt.req) {
				sev := map[sdk.Severity]string{sdk.SeverityError: "error", sdk.SeverityWarning: "warning"}[d.Severity]
				got = append(got, diag{sev, d.Attribute, d.Summary})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("diagnostics %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("diagnostic %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestEstimateCost(t *testing.T) {
	tests := []struct {
		model   string
		usd     float64 // -1: unknown
		credits float64
	}{
		{"ultra", 0.08, 8}, {"core", 0.03, 3}, {"stable-image-core", 0.03, 3},
		{"sd3.5-large", 0.065, 6.5}, {"sd3.5-large-turbo", 0.04, 4}, {"sd3.5-medium", 0.035, 3.5},
		{"sd4", -1, 0},
	}
	p, _ := testProvider(nil)
	for _, tt := range tests {
		e := p.EstimateCost(context.Background(), newRequest(t, "prompt", "x", "model", tt.model))
		switch {
		case tt.usd < 0 && (e.USD != nil || e.Credits != nil):
			t.Errorf("%s: %v USD, want unknown", tt.model, *e.USD)
		case tt.usd >= 0 && (e.USD == nil || math.Abs(*e.USD-tt.usd) > 1e-12 || e.Credits == nil || *e.Credits != tt.credits):
			t.Errorf("%s: %+v, want $%v and %v credits", tt.model, e, tt.usd, tt.credits)
		}
		if e.Detail == "" {
			t.Errorf("%s: no detail", tt.model)
		}
	}
}

func TestConfigure(t *testing.T) {
	p, _ := testProvider(nil)
	diags := p.Configure(context.Background(), providerConfig())
	if !diags.HasErrors() || !strings.Contains(diags[0].Detail, "STABILITY_API_KEY") {
		t.Errorf("no key: %v", diags)
	}
	p, _ = testProvider(map[string]string{KeyEnv: "sk-abc123456"})
	if diags := p.Configure(context.Background(), providerConfig()); diags.HasErrors() {
		t.Errorf("key from the environment: %v", diags)
	}
	if diags := p.ValidateConfig(context.Background(), providerConfig("max_concurrency", 0)); !diags.HasErrors() {
		t.Error("max_concurrency 0 was accepted")
	}
}

func TestSchema(t *testing.T) {
	p, _ := testProvider(nil)
	s := p.Schema()
	if len(s.Models) != len(Models()) || s.Provider[0].Name != "api_key" || !s.Provider[0].Sensitive {
		t.Fatalf("schema: %+v", s)
	}
	for _, m := range s.Models {
		if m.Source == "" || m.AsOf == "" || !strings.Contains(m.Price, "credits") {
			t.Errorf("%s: source %q, price %q", m.ID, m.Source, m.Price)
		}
	}
}
