package gemini

import (
	"slices"
	"time"
)

// Model is what easel knows of one Gemini image model. Every fact group
// names its source and date; the material is shared/reference/image-apis.md
// section 4 (compiled 2026-11-23), and go-genai v1.77.0 for wire names.
type Model struct {
	ID          string
	Aliases     []string
	Description string

	// Ratios are the accepted aspect_ratio values; the API's default is
	// 1:1 (or the first reference's shape).
	Ratios []string
	// Sizes are the accepted image_size values, the API's default first.
	// SendSize says whether imageConfig.imageSize is sent at all: a model
	// with one size gets none.
	Sizes    []string
	SendSize bool
	// Thinking says whether thinking_level is accepted.
	Thinking bool
	// MaxReferences is the most inline reference images.
	MaxReferences int
	// Modalities is generationConfig.responseModalities.
	Modalities   []string
	ParamsSource string

	// ImageOut is USD per 1M image-output tokens; OutputTokens the tokens
	// of one image per image_size. TextIn and TextOut are USD per 1M input
	// and text-output (thinking) tokens, 0 when not known.
	ImageOut     float64
	OutputTokens map[string]int
	TextIn       float64
	TextOut      float64
	PriceSource  string
	// Unconfirmed says what in this entry is not confirmed, if anything.
	Unconfirmed string

	// Lifecycle: Shutdown is the date Google stops serving the model;
	// ShutdownNote announces one without a confirmed date.
	Released        string
	Shutdown        string
	ShutdownNote    string
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

// StatusAt returns the model's status on the day of now.
func (m *Model) StatusAt(now time.Time) Status {
	day := now.UTC().Format(time.DateOnly)
	switch {
	case m.Shutdown != "" && day >= m.Shutdown:
		return Shutdown
	case m.Shutdown != "" || m.ShutdownNote != "":
		return Deprecated
	}
	return Active
}

// The aspect ratios of the Gemini image models, and the extreme ones the
// newer models add.
func standardRatios() []string {
	return []string{"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"}
}

func extremeRatios() []string { return []string{"1:4", "4:1", "1:8", "8:1"} }

const (
	refSource      = "image-apis.md 4.2 (ai.google.dev via go-genai v1.69.0 comments) [official]; wire names go-genai v1.77.0 types.go [official]"
	refLimitSource = "up to 14 references: Comfy/Kie node docs [3p]"
	defaultModel   = "gemini-nano-banana-2.1"
)

// Models returns the model table, a fresh slice per call.
func Models() []Model {
	return []Model{nanoBanana21(), pro3(), flash25(), flash31()}
}

// Lookup finds a model by ID or alias.
func Lookup(id string) (Model, bool) {
	for _, m := range Models() {
		if m.ID == id || slices.Contains(m.Aliases, id) {
			return m, true
		}
	}
	return Model{}, false
}

func nanoBanana21() Model {
	return Model{
		ID: "gemini-nano-banana-2.1", Description: "Nano Banana 2.1, the current Nano Banana: 1K to 4K, extreme aspect ratios, thinking level.",
		Ratios: append(standardRatios(), extremeRatios()...), Sizes: []string{"1K", "2K", "4K"}, SendSize: true, Thinking: true,
		MaxReferences: 14, Modalities: []string{"TEXT", "IMAGE"},
		ParamsSource: refSource + "; thinking_level HIGH or MINIMAL: Firebase Imagen migration page [official]",
		ImageOut:     30, OutputTokens: map[string]int{"1K": 1120, "2K": 1680, "4K": 2520}, TextIn: 1.50, TextOut: 7.50,
		PriceSource:     "$30/1M image output, $1.50/1M input, $7.50/1M text output, $0.0336 per 1K image: LiteLLM announcement [3p]; 2K and 4K tokens as gemini-3.1-flash-image (Vertex 3.1 Flash Image page) [official, assumed]",
		Unconfirmed:     "2K and 4K token counts, the extreme aspect ratios and the reference limit are assumed from gemini-3.1-flash-image",
		LifecycleSource: "Firebase's replacement for Imagen 4 Standard and Fast [official]",
	}
}

func pro3() Model {
	return Model{
		ID: "gemini-3-pro-image", Aliases: []string{"gemini-3-pro-image-preview"},
		Description: "Nano Banana Pro: 1K to 4K, up to 14 references.",
		Ratios:      standardRatios(), Sizes: []string{"1K", "2K", "4K"}, SendSize: true, MaxReferences: 14,
		Modalities: []string{"TEXT", "IMAGE"}, ParamsSource: refSource + "; " + refLimitSource,
		ImageOut: 120, OutputTokens: map[string]int{"1K": 1120, "2K": 1120, "4K": 2000},
		PriceSource: "$120/1M image tokens, $0.134 per 1K or 2K image, $0.24 per 4K: pricing-page transcription 2026-09-20 [3p]; tokens per image derived from those",
		Unconfirmed: "input and thinking-token rates are not in our notes, so only the image output is priced",
		Released:    "GA (Vertex asked users to leave the -preview ID before 2026-07-17)", LifecycleSource: "Vertex model page, Firebase Imagen migration page [official]",
	}
}

func flash25() Model {
	return Model{
		ID: "gemini-2.5-flash-image", Description: "The original Nano Banana: 1K only.",
		Ratios: standardRatios(), Sizes: []string{"1K"}, MaxReferences: 14, Modalities: []string{"TEXT", "IMAGE"},
		ParamsSource: refSource,
		ImageOut:     30, OutputTokens: map[string]int{"1K": 1290}, TextIn: 0.30,
		PriceSource: "$30/1M image output, 1,290 tokens per image up to 1024 px ($0.039), input $0.30/1M: pricing-page quote [3p]",
		Unconfirmed: "the reference-image limit (14 is assumed) and the shutdown date",
		Released:    "2025-10-02", ShutdownNote: "earliest October 2026, date not confirmed", Replacement: defaultModel,
		LifecycleSource: "ai.google.dev deprecations page [official]",
	}
}

func flash31() Model {
	return Model{
		ID: "gemini-3.1-flash-image", Description: "Nano Banana 2 (shut down on the Gemini API).",
		Ratios: append(standardRatios(), extremeRatios()...), Sizes: []string{"1K", "512", "2K", "4K"}, SendSize: true,
		MaxReferences: 14, Modalities: []string{"TEXT", "IMAGE"}, ParamsSource: refSource + "; " + refLimitSource,
		ImageOut: 60, OutputTokens: map[string]int{"512": 747, "1K": 1120, "2K": 1680, "4K": 2520},
		PriceSource: "tokens per image: Vertex 3.1 Flash Image page [official]; about $0.067 at 1K (Puter cost map) [3p], so $60/1M [derived]",
		Unconfirmed: "the 512 px wire value \"512\"",
		Shutdown:    "2026-10-29", Replacement: defaultModel, LifecycleSource: "LiteLLM discussion #44983 [3p]",
	}
}
