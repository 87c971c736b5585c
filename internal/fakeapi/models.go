package fakeapi

import "slices"

// family groups models that take the same parameters.
type family int

const (
	gptImage family = iota
	dallE2
	dallE3
)

// modelSpec is what the fake knows of one model, transcribed from
// shared/reference/image-apis.md sections 1.2-1.7 (2026-11-23).
type modelSpec struct {
	id        string
	family    family
	sizes     []string // fixed sizes; "auto" is listed when accepted
	freeSize  bool     // gpt-image-2 rule: /16, ratio <= 3:1, <= 3840x2160
	qualities []string
	formats   []string
	fidelity  bool // accepts input_fidelity on edits
	maxPrompt int
	maxN      int
	maxImages int // on edits; 0: no edits
	tokens    outputTokens
	imageIn   imageTokens
}

var (
	gptSizes     = []string{"1024x1024", "1536x1024", "1024x1536", "auto"}
	gptQualities = []string{"low", "medium", "high", "auto"}
	gptFormats   = []string{"png", "jpeg", "webp"}
)

// models returns the models the fake serves, by id (snapshots included).
// It builds a fresh map per call: there is no package-level mutable state.
func models() map[string]modelSpec {
	gpt1 := modelSpec{family: gptImage, sizes: gptSizes, qualities: gptQualities, formats: gptFormats,
		fidelity: true, maxPrompt: 32000, maxN: 10, maxImages: 16, tokens: gptImage1Table, imageIn: tileTokens}
	mini := gpt1
	mini.fidelity = false
	mini.tokens = gptImage1MiniTable
	gpt2 := gpt1
	gpt2.freeSize = true
	gpt2.tokens = formulaTokens(map[string]int{"low": 16, "medium": 48, "high": 96}, nil)
	gpt2.imageIn = patchTokens
	gpt25 := gpt2
	gpt25.qualities = []string{"low", "medium", "high", "xhigh", "max", "auto"}
	gpt25.tokens = formulaTokens(q25, nil)
	gpt26 := gpt25
	gpt26.formats = []string{"png", "jpeg", "webp", "gif", "svg"}
	gpt26.tokens = formulaTokens(q25, map[string]float64{"low": 3.5, "medium": 3.5})
	d2 := modelSpec{family: dallE2, sizes: []string{"256x256", "512x512", "1024x1024"},
		qualities: []string{"standard", "auto"}, maxPrompt: 1000, maxN: 10, maxImages: 1}
	d3 := modelSpec{family: dallE3, sizes: []string{"1024x1024", "1792x1024", "1024x1792"},
		qualities: []string{"standard", "hd", "auto"}, maxPrompt: 4000, maxN: 1}

	m := map[string]modelSpec{}
	add := func(s modelSpec, ids ...string) {
		for _, id := range ids {
			s.id = id
			m[id] = s
		}
	}
	add(gpt1, "gpt-image-1")
	add(mini, "gpt-image-1-mini")
	add(gpt1, "gpt-image-1.5", "gpt-image-1.5-2025-12-16", "chatgpt-image-latest")
	add(gpt2, "gpt-image-2", "gpt-image-2-2026-04-21")
	add(gpt25, "gpt-image-2.5-flare", "gpt-image-2.5-sunburst", "gpt-image-2.5-flare-2026-09-08", "gpt-image-2.5-sunburst-2026-09-08")
	add(gpt26, "gpt-image-2.6-flare", "gpt-image-2.6-sunburst")
	add(d2, "dall-e-2")
	add(d3, "dall-e-3")
	return m
}

// q25 is the quality factor of the gpt-image-2.5 formula [3p, unconfirmed].
var q25 = map[string]int{"low": 16, "medium": 24, "high": 48, "xhigh": 64, "max": 96}

func (s modelSpec) gpt() bool { return s.family == gptImage }

func (s modelSpec) acceptsQuality(q string) bool { return slices.Contains(s.qualities, q) }
