package gemini

import (
	"slices"
	"testing"
	"time"
)

// Every model carries its sources, and a price for every size it takes.
func TestModelTableIsComplete(t *testing.T) {
	for _, m := range Models() {
		t.Run(m.ID, func(t *testing.T) {
			if m.ParamsSource == "" || m.PriceSource == "" || m.LifecycleSource == "" || m.Description == "" {
				t.Errorf("missing description or sources: %+v", m)
			}
			if len(m.Sizes) == 0 || len(m.Ratios) == 0 || m.MaxReferences == 0 || m.ImageOut <= 0 {
				t.Errorf("missing sizes, ratios, reference limit or rate")
			}
			for _, size := range m.Sizes {
				if m.OutputTokens[size] <= 0 {
					t.Errorf("no output tokens for %s", size)
				}
			}
			if m.StatusAt(today) != Active && m.Replacement == "" {
				t.Errorf("a model that is going away names no replacement")
			}
			if r, ok := Lookup(m.Replacement); m.Replacement != "" && (!ok || r.StatusAt(today) != Active) {
				t.Errorf("replacement %q is not an active model", m.Replacement)
			}
		})
	}
}

func TestStatusAt(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	tests := []struct {
		model string
		day   string
		want  Status
	}{
		{"gemini-nano-banana-2.1", "2026-11-26", Active},
		{"gemini-3-pro-image-preview", "2026-11-26", Active},
		{"gemini-2.5-flash-image", "2026-11-26", Deprecated},
		{"gemini-3.1-flash-image", "2026-10-28", Deprecated},
		{"gemini-3.1-flash-image", "2026-10-29", Shutdown},
	}
	for _, tt := range tests {
		m, ok := Lookup(tt.model)
		if !ok {
			t.Fatalf("Lookup(%q) failed", tt.model)
		}
		if got := m.StatusAt(day(tt.day)); got != tt.want {
			t.Errorf("%s on %s: %s, want %s", tt.model, tt.day, got, tt.want)
		}
	}
}

// The published per-image prices come out of the table's tokens and rates.
func TestPerImagePricesMatchTheReference(t *testing.T) {
	tests := []struct {
		model, size string
		usd         float64
	}{
		{"gemini-nano-banana-2.1", "1K", 0.0336},
		{"gemini-3-pro-image", "1K", 0.1344},
		{"gemini-3-pro-image", "2K", 0.1344},
		{"gemini-3-pro-image", "4K", 0.24},
		{"gemini-2.5-flash-image", "1K", 0.0387},
		{"gemini-3.1-flash-image", "1K", 0.0672},
	}
	for _, tt := range tests {
		m, _ := Lookup(tt.model)
		got := float64(m.OutputTokens[tt.size]) * m.ImageOut / 1e6
		if d := got - tt.usd; d > 1e-9 || d < -1e-9 {
			t.Errorf("%s %s: $%.5f, want $%.5f", tt.model, tt.size, got, tt.usd)
		}
	}
}

func TestSchemaModels(t *testing.T) {
	p, _ := testProvider(nil)
	s := p.Schema()
	var ids []string
	for _, m := range s.Models {
		ids = append(ids, m.ID+":"+m.Status)
		if m.Source == "" || m.AsOf != AsOf || m.Price == "" {
			t.Errorf("%s: source %q as of %q price %q", m.ID, m.Source, m.AsOf, m.Price)
		}
	}
	want := []string{"gemini-nano-banana-2.1:active", "gemini-3-pro-image:active", "gemini-2.5-flash-image:deprecated", "gemini-3.1-flash-image:shutdown"}
	if !slices.Equal(ids, want) {
		t.Errorf("models %v, want %v", ids, want)
	}
	if !s.Provider[0].Sensitive || s.Provider[0].Name != "api_key" {
		t.Errorf("api_key is not the first, sensitive provider attribute: %+v", s.Provider[0])
	}
}
