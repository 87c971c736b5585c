package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/plugins"
	"github.com/google/go-cmp/cmp"
)

// checkGolden compares got with testdata/golden/NAME, rewriting the file
// instead with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

const (
	heroOld = "Poster: title 'Winter sale' at the top, the mascot in the centre, price tag bottom-right, flat vector illustration, brand blue #0055ff, soft shadows"
	heroNew = "Poster: title 'Winter sale' at the top, the mascot on the left waving, price tag bottom-right, flat vector illustration, brand blue #0055ff, soft shadows"
)

// reviewPlan is a plan with every kind of change a reviewer meets: a new
// image with an unknown price, short and long prompt edits, an upstream
// change, a move, a restore, a delete and a drifted output.
func reviewPlan() *engine.Plan {
	return &engine.Plan{Unchanged: 3, Fingerprint: "sha256:0f1e", Changes: []*engine.Change{
		{Address: "image.banner", Action: engine.Drift, Provider: "openai", Model: "gpt-image-2", Output: "assets/banner.png",
			Reasons: []engine.Reason{{Kind: engine.ReasonOutputEdited,
				Message: "the output was edited outside easel: it is kept; pass -replace=image.banner to regenerate it"}}},
		{Address: "image.hero", Action: engine.Regenerate, Provider: "openai", Model: "gpt-image-2", Size: "1536x1024", Quality: "high",
			Output: "assets/hero.png", SpecHash: "sha256:aa", Estimate: plugins.Estimate{USD: usd(0.25), Detail: "1536x1024 high"},
			Reasons: []engine.Reason{
				{Kind: engine.ReasonAttribute, Attribute: "prompt", Old: `"` + heroOld + `"`, New: `"` + heroNew + `"`, Message: "prompt changed"},
				{Kind: engine.ReasonAttribute, Attribute: "quality", Old: `"medium"`, New: `"high"`, Message: "quality changed"},
			}},
		{Address: "image.icon", Action: engine.Create, Provider: "acme", Size: "64x64", Output: "assets/icon.png",
			Reasons: []engine.Reason{{Kind: engine.ReasonNew, Message: "not generated yet"}}},
		{Address: "image.logo", Action: engine.Move, Provider: "openai", Model: "gpt-image-2", Output: "brand/logo.png", PrevOutput: "assets/logo.png",
			Reasons: []engine.Reason{{Kind: engine.ReasonOutputPath, Old: "assets/logo.png", New: "brand/logo.png",
				Message: "output path changed from assets/logo.png to brand/logo.png"}}},
		{Address: "image.mascot", Action: engine.Regenerate, Provider: "openai", Model: "gpt-image-2", Size: "1024x1024", Quality: "medium",
			Output: "assets/mascot.png", Estimate: plugins.Estimate{USD: usd(0.042)}, Reasons: []engine.Reason{{Kind: engine.ReasonAttribute,
				Attribute: "prompt", Old: `"A friendly otter"`, New: `"A friendly sea otter"`, Message: "prompt changed"}}},
		{Address: "image.old", Action: engine.Delete, Provider: "openai", Model: "gpt-image-2", Output: "assets/old.png", PrevOutput: "assets/old.png",
			Reasons: []engine.Reason{{Kind: engine.ReasonRemoved, Message: "no longer in the configuration; the output is removed (a copy stays in .easel/cache)"}}},
		{Address: "image.sticker", Action: engine.Restore, Provider: "placeholder", Model: "placeholder-1", Output: "assets/sticker.png",
			Reasons: []engine.Reason{{Kind: engine.ReasonOutputMissing, Message: "the output is missing; restored from .easel/cache at no cost"}}},
		{Address: `image.social["twitter"]`, Action: engine.Regenerate, Provider: "transform", Size: "1500x500",
			Output: "assets/social-twitter.webp", Estimate: plugins.Estimate{USD: usd(0)},
			Reasons: []engine.Reason{{Kind: engine.ReasonUpstream, Reference: "image.hero", Message: "upstream image image.hero changes"}}},
	}}
}
