package main

import (
	"strings"
	"testing"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/plugins"
	"github.com/google/go-cmp/cmp"
)

func usd(v float64) *float64 { return &v }

func TestWritePlanText(t *testing.T) {
	plan := &engine.Plan{Changes: []*engine.Change{
		{Address: "image.banner", Action: engine.Drift, Provider: "openai", Reasons: []engine.Reason{{Kind: engine.ReasonOutputEdited,
			Message: "the output was edited outside easel: it is kept; pass -replace=image.banner to regenerate it"}}},
		{Address: "image.hero", Action: engine.Create, Provider: "placeholder", Size: "1536x1024",
			Estimate: plugins.Estimate{USD: usd(0)}, Reasons: []engine.Reason{{Kind: engine.ReasonNew, Message: "not generated yet"}}},
		{Address: "image.mascot", Action: engine.Regenerate, Provider: "openai", Model: "gpt-image-2", Size: "1024x1024", Quality: "medium",
			Estimate: plugins.Estimate{USD: usd(0.042)}, Reasons: []engine.Reason{{Kind: engine.ReasonAttribute, Attribute: "prompt",
				Old: `"A friendly otter"`, New: `"A friendly sea otter"`, Message: "prompt changed"}}},
		{Address: "image.odd", Action: engine.Create, Provider: "acme", Size: "64x64",
			Reasons: []engine.Reason{{Kind: engine.ReasonNew}}},
		{Address: "image.old", Action: engine.Delete, Provider: "openai", Reasons: []engine.Reason{{Kind: engine.ReasonRemoved,
			Message: "no longer in the configuration"}}},
	}}
	want := `easel will perform these actions:

  ! image.banner  the output was edited outside easel: it is kept; pass -replace=image.banner to regenerate it
  + image.hero    placeholder 1536x1024                $0.00
      (new)
  ~ image.mascot  openai gpt-image-2 1024x1024 medium  $0.042
      prompt: "A friendly otter" -> "A friendly sea otter"
  + image.odd     acme 64x64                           unknown
      (new)
  - image.old     no longer in the configuration

Plan: 2 to create, 1 to regenerate, 0 to move, 0 to restore, 1 to delete. 1 drifted.
Estimated cost: $0.042 (1 image with unknown price)
`
	var b strings.Builder
	writePlanText(&b, plan, false)
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("plan text mismatch (-want +got):\n%s", diff)
	}
}

func TestWritePlanTextNoChanges(t *testing.T) {
	var b strings.Builder
	writePlanText(&b, &engine.Plan{Unchanged: 1}, false)
	if got, want := b.String(), "No changes. 1 image is up to date.\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFormatUSD(t *testing.T) {
	tests := []struct {
		name string
		in   *float64
		want string
	}{
		{"unknown is never free", nil, "unknown"},
		{"zero", usd(0), "$0.00"},
		{"cents", usd(0.04), "$0.04"},
		{"sub-cent", usd(0.042), "$0.042"},
		{"dollars", usd(12.5), "$12.50"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := formatUSD(tt.in); got != tt.want {
				t.Errorf("formatUSD = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEstimateLineAllUnknown(t *testing.T) {
	plan := &engine.Plan{Changes: []*engine.Change{{Address: "image.a", Action: engine.Create}}}
	if got, want := estimateLine(plan), "Estimated cost: unknown (1 image with unknown price)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
