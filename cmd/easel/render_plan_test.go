package main

import (
	"strings"
	"testing"

	"github.com/easelhq/easel/engine"
)

func usd(v float64) *float64 { return &v }

func TestWritePlanText(t *testing.T) {
	tests := []struct {
		name   string
		colour bool
	}{
		{"plan.txt", false},
		{"plan-colour.txt", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			writePlanText(&b, reviewPlan(), tt.colour)
			checkGolden(t, tt.name, b.String())
		})
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
