package bfl

import "math"

// AsOf is the date of the facts below (shared/reference/image-apis.md,
// compiled 2026-11-23 from BFL's docs, skill repo and pricing page).
const AsOf = "2026-11-23"

// Family groups models that take the same parameters.
type Family int

const (
	// Flux1 takes width and height, multiples of 32 from 256 to 1440, and
	// one reference as image_prompt.
	Flux1 Family = iota
	// Ultra takes an aspect ratio (about 4 MP out) and one image_prompt.
	Ultra
	// Kontext takes an aspect ratio (about 1 MP out) and input images.
	Kontext
	// Flux2 takes width and height, multiples of 16, at least 64, at most
	// 4 MP, and input images.
	Flux2
)

// Model is what easel knows of one BFL model (its endpoint is /v1/<ID>).
type Model struct {
	ID          string
	Family      Family
	Description string
	// DefaultSize is sent when size is unset (width/height families).
	DefaultSize string
	// MaxReferences is the most reference images.
	MaxReferences int
	// MaxSafety is safety_tolerance's maximum (0 is strictest).
	MaxSafety int
	// MaxInFlight is BFL's limit of active tasks for this model.
	MaxInFlight int
	// Options the model takes beyond the common ones.
	PromptUpsampling, Raw, Flex bool
	// Price: USD per image, or for FLUX.2 cents for the first megapixel
	// plus cents per further output and per input megapixel.
	USD          float64
	FirstMPCents float64
	MPCents      float64
	Legacy       string // why the model is legacy, if it is
	Source       string
	Unconfirmed  string
}

const (
	skill    = "black-forest-labs/skills endpoints.md, rate-limiting.md (2026)"
	pricing  = "docs.bfl.ml/quick_start/pricing and BFL's skill (1 credit = $0.01)"
	kontextP = "docs.bfl.ai Kontext page; Comfy Router schema"
)

// Models returns the model table.
func Models() []Model {
	flux2 := func(id, desc string, refs int, first, mp float64) Model {
		return Model{ID: id, Family: Flux2, Description: desc, DefaultSize: "1024x1024", MaxReferences: refs,
			MaxSafety: 5, MaxInFlight: 24, FirstMPCents: first, MPCents: mp, Source: skill + "; prices: " + pricing,
			Unconfirmed: "safety_tolerance maximum (5 per BFL's skill, 6 for FLUX.1); how megapixels are counted for the price (2^20 pixels assumed)"}
	}
	return []Model{
		{ID: "flux-pro-1.1", Family: Flux1, Description: "FLUX1.1 [pro]: text to image, 256-1440 px per side.",
			DefaultSize: "1024x768", MaxReferences: 1, MaxSafety: 6, MaxInFlight: 24, PromptUpsampling: true, USD: 0.04,
			Source: skill + "; api-evangelist OpenAPI transcription; price: " + pricing, Unconfirmed: "webp output (some schemas list it; easel asks for png and converts)"},
		{ID: "flux-pro-1.1-ultra", Family: Ultra, Description: "FLUX1.1 [pro] Ultra: about 4 megapixels at an aspect ratio from 21:9 to 9:21.",
			MaxReferences: 1, MaxSafety: 6, MaxInFlight: 24, Raw: true, USD: 0.06,
			Source: skill + "; price: " + pricing, Unconfirmed: "the exact output dimensions per aspect ratio (checked by ratio)"},
		{ID: "flux-kontext-pro", Family: Kontext, Description: "FLUX.1 Kontext [pro]: edit or create from a prompt and up to 4 reference images.",
			MaxReferences: 4, MaxSafety: 6, MaxInFlight: 24, PromptUpsampling: true, USD: 0.04,
			Legacy: "BFL labels Kontext legacy and recommends FLUX.2 [pro] for editing", Source: kontextP + "; " + skill + "; price: " + pricing,
			Unconfirmed: "input_image_2 to _4 are experimental; /v1/flux-kontext vs /v1/flux-kontext-pro naming"},
		{ID: "flux-kontext-max", Family: Kontext, Description: "FLUX.1 Kontext [max]: Kontext's stronger model; 6 tasks in flight.",
			MaxReferences: 4, MaxSafety: 6, MaxInFlight: 6, PromptUpsampling: true, USD: 0.08,
			Legacy: "BFL labels Kontext legacy and recommends FLUX.2 [pro] for editing", Source: kontextP + "; " + skill + "; price: " + pricing,
			Unconfirmed: "input_image_2 to _4 are experimental"},
		flux2("flux-2-pro", "FLUX.2 [pro]: generation and editing with up to 8 references, up to 4 MP.", 8, 3, 1.5),
		flux2("flux-2-max", "FLUX.2 [max]: BFL's strongest FLUX.2 model, up to 8 references.", 8, 7, 3),
		withFlex(flux2("flux-2-flex", "FLUX.2 [flex]: adjustable steps and guidance, up to 8 references.", 8, 5, 5)),
		flux2("flux-2-klein-4b", "FLUX.2 [klein] 4B: the fastest and cheapest FLUX.2, up to 4 references.", 4, 1.4, 0.1),
		flux2("flux-2-klein-9b", "FLUX.2 [klein] 9B: fast FLUX.2, up to 4 references.", 4, 1.5, 0.2),
	}
}

func withFlex(m Model) Model {
	m.Flex = true
	return m
}

// Lookup returns the model with the given id.
func Lookup(id string) (Model, bool) {
	for _, m := range Models() {
		if m.ID == id {
			return m, true
		}
	}
	return Model{}, false
}

// megapixel is how many pixels BFL's per-megapixel prices count as one
// (unconfirmed: 2^20 makes 1024x1024 exactly the "1 MP" of BFL's examples).
const megapixel = 1 << 20

// cost prices one image of w x h with refPixels of input images.
func (m Model) cost(w, h int, refPixels int64) float64 {
	if m.Family != Flux2 {
		return m.USD
	}
	out := float64(w*h) / megapixel
	in := float64(refPixels) / megapixel
	cents := m.FirstMPCents + math.Max(out-1, 0)*m.MPCents + in*m.MPCents
	return math.Round(cents*1000) / 100000
}

// Size and ratio rules.
const (
	flux1Min, flux1Max, flux1Step = 256, 1440, 32
	flux2Min, flux2Step           = 64, 16
	flux2MaxPixels                = 4 * megapixel
	maxRatio                      = 21.0 / 9
)
