package openai

import (
	"slices"
	"time"
)

// Family groups models that take the same request parameters.
type Family int

const (
	GPTImage Family = iota // gpt-image-*: token-billed, base64 output
	DallE2                 // dall-e-2: fixed square sizes, one PNG reference
	DallE3                 // dall-e-3: no edits
)

// Model is what easel knows of one OpenAI image model. Every fact group
// names its source and date; see shared/reference/image-apis.md (compiled
// 2026-11-23) for the underlying material.
type Model struct {
	ID string
	// Aliases are dated snapshots or other names with the same facts.
	Aliases     []string
	Family      Family
	Description string

	// Sizes lists the accepted size values ("auto" included where
	// accepted). FreeSize adds the gpt-image-2 rule: any WIDTHxHEIGHT with
	// both sides multiples of 16, aspect ratio up to 3:1, at most 3840x2160.
	Sizes     []string
	FreeSize  bool
	Qualities []string
	// Formats are the output formats the model produces. OutputFormat says
	// whether the output_format parameter is accepted at all.
	Formats      []string
	OutputFormat bool
	// The GPT-image options, where they apply.
	Background        bool
	Moderation        bool
	OutputCompression bool
	InputFidelity     bool
	// MaxPrompt is the prompt limit in characters; MaxReferences the most
	// reference images on /v1/images/edits (0: no edits).
	MaxPrompt     int
	MaxReferences int
	ParamsSource  string

	// Token rates in USD per 1M tokens (GPT image models).
	TextIn, ImageIn, ImageOut float64
	// Output gives output tokens per image; PerImage flat USD prices
	// (dall-e) by quality then size.
	Output      OutputTokens
	PerImage    map[string]map[string]float64
	RefTokens   RefTokens
	PriceSource string
	Unconfirmed string // what in the price data is not confirmed, if anything

	// Lifecycle: Deprecated is the date of the deprecation notice, Shutdown
	// the date the API stops serving the model; Replacement is what to use.
	Released        string
	Deprecated      string
	Shutdown        string
	Replacement     string
	LifecycleSource string
}

// AsOf is the date the facts in this table were read.
const AsOf = "2026-11-23"

// Status is where a model is in its lifecycle on a given day.
type Status string

const (
	Active     Status = "active"
	Deprecated Status = "deprecated"
	Shutdown   Status = "shutdown"
)

// StatusAt returns the model's status on the day of now: shut down from
// its shutdown date on, so a table read before that date still turns into
// an error on time.
func (m *Model) StatusAt(now time.Time) Status {
	day := now.UTC().Format(time.DateOnly)
	switch {
	case m.Shutdown != "" && day >= m.Shutdown:
		return Shutdown
	case m.Deprecated != "" || m.Shutdown != "":
		return Deprecated
	}
	return Active
}

// The standard sizes every GPT image model accepts.
func standardSizes() []string { return []string{"1024x1024", "1536x1024", "1024x1536"} }

const (
	specSource      = "openai/openai-openapi openapi.yaml at f85dbe2 (2026-08-21) [official]"
	deprecationsSrc = "developers.openai.com/api/docs/deprecations, notice 2026-06-02 [official]"
	replace26       = "gpt-image-2.6-sunburst or gpt-image-2.6-flare"
)

// Models returns the model table. It builds a fresh slice per call: there
// is no package-level mutable state.
func Models() []Model {
	return []Model{
		gptImage2(), gptImage25("gpt-image-2.5-flare"), gptImage25("gpt-image-2.5-sunburst"),
		gptImage26("gpt-image-2.6-flare"), gptImage26("gpt-image-2.6-sunburst"),
		gptImage15("gpt-image-1.5", "gpt-image-1.5-2025-12-16"), gptImage15("chatgpt-image-latest"),
		gptImage1Mini(), gptImage1(), dallE3(), dallE2(),
	}
}

// Lookup finds a model by ID or alias.
func Lookup(id string) (Model, bool) {
	return modelTable(Models()).lookup(id)
}

// modelTable is the table one provider built once, so each request does
// not rebuild it.
type modelTable []Model

func (t modelTable) lookup(id string) (Model, bool) {
	for _, m := range t {
		if m.ID == id || slices.Contains(m.Aliases, id) {
			return m, true
		}
	}
	return Model{}, false
}

// gptBase holds what every GPT image model shares.
func gptBase(id string) Model {
	return Model{
		ID: id, Family: GPTImage, Sizes: append(standardSizes(), "auto"), Qualities: []string{"low", "medium", "high", "auto"},
		Formats: []string{"png", "jpeg", "webp"}, OutputFormat: true, Background: true, Moderation: true,
		OutputCompression: true, InputFidelity: true, MaxPrompt: 32000, MaxReferences: 16,
		ParamsSource: specSource + "; image-apis.md 1.2-1.4",
		RefTokens:    TileTokens,
	}
}

func gptImage2() Model {
	m := gptBase("gpt-image-2")
	m.Aliases = []string{"gpt-image-2-2026-04-21"}
	m.Description = "GPT Image 2: free sizes up to 3840x2160."
	m.FreeSize = true
	m.TextIn, m.ImageIn, m.ImageOut = 5, 8, 30
	m.Output = OutputTokens{Q: map[string]int{"low": 16, "medium": 48, "high": 96}}
	m.RefTokens = PatchTokens
	m.PriceSource = "rates: yingtu.ai 2026-05-06, ai-primer [3p, summaries of OpenAI's pricing page]; output formula: community.openai.com t/1382699 (2026-06-05), matches the official examples [3p]"
	m.Unconfirmed = "reference-image tokens (32 px patches, about 1,536 per image) are a community fit"
	m.Released = "2026-04-21"
	m.LifecycleSource = "developers.openai.com/api/docs/models/gpt-image-2.md [official]"
	return m
}

func gptImage25(id string) Model {
	m := gptImage2()
	m.ID, m.Aliases = id, []string{id + "-2026-09-08"}
	m.Description = "GPT Image 2.5: gpt-image-2 sizes, adds xhigh and max quality."
	m.Qualities = []string{"low", "medium", "high", "xhigh", "max", "auto"}
	m.Output = OutputTokens{Q: map[string]int{"low": 16, "medium": 24, "high": 48, "xhigh": 64, "max": 96}}
	m.ParamsSource = "apiyi launch note, apidog 2.5 guide [3p]; sizes as gpt-image-2 (deAPI listing) [3p]"
	m.PriceSource = "rates: apiyi, apidog 2.5 guide (\"same as gpt-image-2\") [3p]; output formula with Q 16/24/48/64/96 from one third-party codebase [3p]"
	m.Unconfirmed = "output tokens per quality are unconfirmed"
	m.Released = "2026-09-08"
	m.LifecycleSource = "apiyi launch note [3p]; recommended by the dall-e and gpt-image-1 pages [official]"
	return m
}

func gptImage26(id string) Model {
	m := gptImage25(id)
	m.Aliases = nil
	m.Description = "GPT Image 2.6, the newest: adds gif and svg output."
	m.Formats = []string{"png", "jpeg", "webp", "gif", "svg"}
	m.Output.Multiplier = map[string]float64{"low": 3.5, "medium": 3.5}
	m.ParamsSource = "developers.openai.com/de-DE/api/docs/models/gpt-image-2.6-sunburst [official] (gif, svg); parameter values from apidog 2.6 guide 2026-11-05 [3p]"
	m.PriceSource = "rates: official DE/PT model pages (sunburst), apidog 2.6 guide 2026-11-05 (flare) [3p]; low and medium use 3-4x the tokens of 2.5 (laozhang) [3p], taken as 3.5x"
	m.Unconfirmed = "output tokens per quality are unconfirmed; svg output also bills a writing model"
	m.Released = "2026-11-04"
	m.LifecycleSource = "developers.openai.com/de-DE/api/docs/models/gpt-image-2.6-sunburst [official]; release date from apiyi [3p]"
	return m
}

func gptImage15(id string, aliases ...string) Model {
	m := gptBase(id)
	m.Aliases = aliases
	m.Description = "GPT Image 1.5: fixed sizes."
	m.TextIn, m.ImageIn, m.ImageOut = 5, 8, 32
	m.Output = OutputTokens{Table: gptImage1Table()}
	m.PriceSource = "rates: third-party code \"checked 2026-09\" [3p], reproduces the apiyi/runware per-image table exactly; output tokens: community.openai.com t/1275254 [3p]"
	m.Unconfirmed = "rates are third-party; reference-image tokens (about 135 per 1024x1024 at low fidelity, 3,050 at high) come from fal.ai"
	m.Released = "2025-12-16"
	m.Deprecated, m.Shutdown, m.Replacement = "2026-06-02", "2026-12-01", replace26
	m.LifecycleSource = deprecationsSrc
	return m
}

func gptImage1Mini() Model {
	m := gptBase("gpt-image-1-mini")
	m.Description = "GPT Image 1 mini: fixed sizes, no input_fidelity."
	m.InputFidelity = false
	m.TextIn, m.ImageIn, m.ImageOut = 2, 2.5, 8
	m.Output = OutputTokens{Table: gptImage1MiniTable()}
	m.PriceSource = "rates and per-image prices: official DE model page [official]; output tokens implied by those prices [derived]"
	m.Unconfirmed = "output tokens per image are implied by the per-image prices; trust usage"
	m.Released = "2025-10-06"
	m.Deprecated, m.Shutdown, m.Replacement = "2026-06-02", "2026-12-01", replace26
	m.LifecycleSource = deprecationsSrc
	return m
}

func gptImage1() Model {
	m := gptBase("gpt-image-1")
	m.Description = "GPT Image 1: fixed sizes."
	m.TextIn, m.ImageIn, m.ImageOut = 5, 10, 40
	m.Output = OutputTokens{Table: gptImage1Table()}
	m.PriceSource = "rates: developers.openai.com/ja-JP/api/docs/models/gpt-image-1 [official]; output tokens: community.openai.com t/1275254, reproduce the official per-image prices [3p]"
	m.Released = "2025-04"
	m.Shutdown, m.Replacement = "2026-10-23", "gpt-image-2.5-sunburst"
	m.LifecycleSource = "developers.openai.com/ja-JP/api/docs/models/gpt-image-1 [official]"
	return m
}

func dallE3() Model {
	return Model{
		ID: "dall-e-3", Family: DallE3, Description: "DALL-E 3 (retired).",
		Sizes: []string{"1024x1024", "1792x1024", "1024x1792"}, Qualities: []string{"standard", "hd"},
		Formats: []string{"png"}, MaxPrompt: 4000, ParamsSource: specSource,
		PerImage: map[string]map[string]float64{
			"standard": {"1024x1024": 0.04, "1792x1024": 0.08, "1024x1792": 0.08},
			"hd":       {"1024x1024": 0.08, "1792x1024": 0.12, "1024x1792": 0.12},
		},
		PriceSource:     "historical list prices, kevinhermawan/Canvas model-info.json 2023-12-25 [3p]",
		Shutdown:        "2026-05-12",
		Replacement:     "gpt-image-2.5-sunburst",
		LifecycleSource: "model pages say \"deprecated and removed\" [official]; date from a dev.to article [3p]",
	}
}

func dallE2() Model {
	m := dallE3()
	m.ID, m.Family, m.Description = "dall-e-2", DallE2, "DALL-E 2 (retired)."
	m.Sizes, m.Qualities = []string{"256x256", "512x512", "1024x1024"}, []string{"standard"}
	m.MaxPrompt, m.MaxReferences = 1000, 1
	m.PerImage = map[string]map[string]float64{"standard": {"256x256": 0.016, "512x512": 0.018, "1024x1024": 0.020}}
	return m
}

// gptImage1Table is output tokens per image of gpt-image-1 and 1.5: rows
// low, medium, high; columns 1024x1024, 1024x1536, 1536x1024.
func gptImage1Table() *[3][3]int {
	return &[3][3]int{{272, 408, 400}, {1056, 1584, 1568}, {4160, 6240, 6208}}
}

// gptImage1MiniTable is implied by gpt-image-1-mini's official per-image
// prices at $8/1M.
func gptImage1MiniTable() *[3][3]int {
	return &[3][3]int{{687, 812, 812}, {1437, 1937, 1937}, {4562, 6562, 6562}}
}
