package openai

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

// TestTablesReproduceOfficialPrices checks the output-token data against
// the per-image prices published in image-apis.md 1.7 (official for
// gpt-image-1 and mini, the official guide quoted for gpt-image-2, third
// parties for 1.5). Published prices are rounded: to the half-unit of
// their third decimal, or within 1% for the ones shown as $0.25 or $0.20.
func TestTablesReproduceOfficialPrices(t *testing.T) {
	sizes := []string{"1024x1024", "1024x1536", "1536x1024"}
	tests := []struct {
		model string
		want  map[string][3]float64 // quality -> USD per size
	}{
		{"gpt-image-1", map[string][3]float64{"low": {.011, .016, .016}, "medium": {.042, .063, .063}, "high": {.167, .25, .25}}},
		{"gpt-image-1-mini", map[string][3]float64{"low": {.005, .006, .006}, "medium": {.011, .015, .015}, "high": {.036, .052, .052}}},
		{"gpt-image-1.5", map[string][3]float64{"low": {.009, .013, .013}, "medium": {.034, .051, .050}, "high": {.133, .2, .199}}},
		{"gpt-image-2", map[string][3]float64{"low": {.006, .005, .005}, "medium": {.053, .041, .041}, "high": {.211, .165, .165}}},
	}
	for _, tt := range tests {
		m, ok := Lookup(tt.model)
		if !ok {
			t.Fatalf("no model %s", tt.model)
		}
		for q, prices := range tt.want {
			for i, size := range sizes {
				var w, h int
				fmt.Sscanf(size, "%dx%d", &w, &h)
				tokens, ok := m.Output.Tokens(q, w, h)
				got := float64(tokens) * m.ImageOut / 1e6
				if !ok || math.Abs(got-prices[i]) > max(0.0005, prices[i]/100) {
					t.Errorf("%s %s %s: %d tokens = $%.4f, want $%.3f", tt.model, q, size, tokens, got, prices[i])
				}
			}
		}
	}
}

func TestModelTable(t *testing.T) {
	ids := map[string]bool{}
	for _, m := range Models() {
		for _, id := range append([]string{m.ID}, m.Aliases...) {
			if ids[id] {
				t.Errorf("%s listed twice", id)
			}
			ids[id] = true
		}
		if m.ParamsSource == "" || m.PriceSource == "" || m.LifecycleSource == "" || m.Description == "" {
			t.Errorf("%s lacks a source or description", m.ID)
		}
		if m.Shutdown != "" && m.Replacement == "" {
			t.Errorf("%s shuts down without a replacement", m.ID)
		}
		if r := m.Replacement; r != "" && r != replace26 {
			if _, ok := Lookup(r); !ok {
				t.Errorf("%s's replacement %s is not in the table", m.ID, r)
			}
		}
		for _, date := range []string{m.Deprecated, m.Shutdown} {
			if _, err := time.Parse(time.DateOnly, date); date != "" && err != nil {
				t.Errorf("%s: bad date %q", m.ID, date)
			}
		}
		if m.Family == GPTImage && (m.TextIn == 0 || m.ImageIn == 0 || m.ImageOut == 0 || m.MaxReferences != 16) {
			t.Errorf("%s lacks token rates or reference limit", m.ID)
		}
	}
	for _, want := range []string{"gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "gpt-image-2", "gpt-image-2.5-flare",
		"gpt-image-2.5-sunburst", "gpt-image-2.6-flare", "gpt-image-2.6-sunburst", "dall-e-3", "dall-e-2"} {
		if !ids[want] {
			t.Errorf("%s missing from the table", want)
		}
	}
}

func TestStatusOnToday(t *testing.T) {
	want := map[string]Status{
		"dall-e-2": Shutdown, "dall-e-3": Shutdown, "gpt-image-1": Shutdown,
		"gpt-image-1-mini": Deprecated, "gpt-image-1.5": Deprecated, "chatgpt-image-latest": Deprecated,
		"gpt-image-2": Active, "gpt-image-2.5-flare": Active, "gpt-image-2.6-sunburst": Active,
	}
	for id, status := range want {
		m, _ := Lookup(id)
		if got := m.StatusAt(today); got != status {
			t.Errorf("%s on %s: %s, want %s", id, today.Format(time.DateOnly), got, status)
		}
	}
}

func TestSchemaModels(t *testing.T) {
	s := NewWithOptions(Options{Now: func() time.Time { return today }}).Schema()
	var gpt2, dalle3 bool
	for _, m := range s.Models {
		switch m.ID {
		case "gpt-image-2":
			gpt2 = m.SizeRule != "" && m.Sizes == nil && m.Status == "active" && m.AsOf == AsOf
		case "dall-e-3":
			dalle3 = m.Status == "shutdown" && m.Date == "2026-05-12" && slices.Equal(m.Sizes, []string{"1024x1024", "1792x1024", "1024x1792"})
		}
	}
	if !gpt2 || !dalle3 {
		t.Errorf("schema models wrong: gpt-image-2 ok %v, dall-e-3 ok %v", gpt2, dalle3)
	}
	for _, a := range s.Provider {
		if a.Name == "api_key" && (!a.Sensitive || a.Required) {
			t.Error("api_key must be sensitive and not required at plan time")
		}
	}
	for _, a := range s.Image {
		if a.Name == "user" && !a.NoHash {
			t.Error("user must not be in the spec hash")
		}
	}
}
