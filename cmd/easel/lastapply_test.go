package main

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/internal/testwait"
	"github.com/easelhq/easel/plugins"
)

// The record is written in two halves, the first encoded while the apply
// runs; easel report reads it back whole, whether or not the first half
// was ready when the apply ended.
func TestApplyRecordReadsBackWhole(t *testing.T) {
	t.Parallel()
	usd, cost := 0.04, 0.05
	plan := &engine.Plan{Fingerprint: "f1", Unchanged: 2, Changes: []*engine.Change{
		{Address: "image.hero", Action: engine.Create, Provider: "openai", Model: "gpt-image-2", Output: "out/hero.png",
			Estimate: plugins.Estimate{USD: &usd}},
		{Address: "image.icon", Action: engine.Regenerate, Provider: "openai", Output: "out/icon.png"},
		{Address: "image.tile", Action: engine.Create, Provider: "openai", Output: "out/tile.png"},
	}}
	before := map[string]imgRef{"image.icon": {Output: "out/icon.png", SHA256: "ab12"}}
	res := &engine.ApplyResult{ActualUSD: cost, UnknownActual: 1, Results: []*engine.Result{
		{Address: "image.hero", Action: engine.Create, Output: "out/hero.png", SHA256: "cd34", CostUSD: &cost, Estimate: &usd},
		{Address: "image.icon", Action: engine.Regenerate, Output: "out/icon.png", Err: errors.New("the vendor returned 500")},
		{Address: "image.tile", Action: engine.Create, Output: "out/tile.png", Err: fmt.Errorf("upstream failed: %w", engine.ErrSkipped)},
	}}
	finished := time.Date(2026, 11, 27, 5, 0, 0, 0, time.UTC)
	want := &lastApply{lastApplyHead{FormatVersion: lastApplyVersion, Plan: plan, Before: before, Prompts: map[string]string{}},
		lastApplyTail{Finished: finished, ActualUSD: cost, UnknownActual: 1, Results: []lastResult{
			{Address: "image.hero", Action: engine.Create, Status: "done", imgRef: imgRef{"out/hero.png", "cd34"}, CostUSD: &cost, EstimateUSD: &usd},
			{Address: "image.icon", Action: engine.Regenerate, Status: "failed", imgRef: imgRef{"out/icon.png", ""}, Error: "the vendor returned 500"},
			{Address: "image.tile", Action: engine.Create, Status: "skipped", imgRef: imgRef{"out/tile.png", ""}, Error: res.Results[2].Err.Error()},
		}}}
	for _, when := range []string{"at the end", "when the first wave started"} {
		t.Run("head encoded "+when, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			r := startApplyRecord(dir, nil, plan, before, 2)
			if when != "at the end" {
				r.event(engine.Event{Kind: engine.EventStart, Address: "image.hero"})
				r.event(engine.Event{Kind: engine.EventDone, Address: "image.hero"})
				r.event(engine.Event{Kind: engine.EventStart, Address: "image.icon"})
				testwait.Until(t, "the head encoded in the background", r.encoded.Load)
			}
			if err := r.finish(res, finished.In(time.FixedZone("CET", 3600))); err != nil {
				t.Fatal(err)
			}
			got, err := readLastApply(dir)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.AllowUnexported(lastApply{}, lastResult{})); diff != "" {
				t.Errorf("record read back (-want +got):\n%s", diff)
			}
		})
	}
}
