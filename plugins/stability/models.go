package stability

import "slices"

// Model is one Stability service as easel knows it: the v2beta endpoint
// it is served on, what that endpoint accepts, and its price in credits.
// Facts are from shared/reference/image-apis.md section 5 (compiled
// 2026-11-23), whose sources are third-party: Stability's own API
// reference was not among them.
type Model struct {
	ID          string
	Aliases     []string
	Description string
	// Endpoint is the path under /v2beta/stable-image/generate/; SD3Model
	// the model field the sd3 endpoint takes ("" elsewhere).
	Endpoint string
	SD3Model string
	// Formats are the output_format values the endpoint takes.
	Formats []string
	// ImageInput says whether a reference image (image + strength) is
	// accepted; StylePreset whether style_preset is.
	ImageInput  bool
	StylePreset bool
	Credits     float64
	Source      string
}

// AsOf is the date the facts in this table were read.
const AsOf = "2026-11-23"

// USDPerCredit is the price of one credit.
const USDPerCredit = 0.01

const (
	paramsSource = "v2beta request pattern of Stability's sample notebooks, Bedrock and Comfy schemas [3p], image-apis.md 5"
	priceSource  = "puter.com pricing article Jun 2026, aicredits.dev summary of platform.stability.ai/pricing [3p]"
	defaultModel = "core"
)

// Models returns the table, a fresh slice per call.
func Models() []Model {
	all := []string{"png", "jpeg", "webp"}
	sd3 := func(id string, credits float64, desc string) Model {
		return Model{ID: id, Description: desc, Endpoint: "sd3", SD3Model: id, Formats: []string{"png", "jpeg"},
			ImageInput: true, StylePreset: true, Credits: credits, Source: paramsSource + "; " + priceSource}
	}
	return []Model{
		{ID: "core", Aliases: []string{"stable-image-core"}, Description: "Stable Image Core: fast and cheap, about 1 megapixel, style presets.",
			Endpoint: "core", Formats: all, StylePreset: true, Credits: 3, Source: paramsSource + "; " + priceSource},
		{ID: "ultra", Aliases: []string{"stable-image-ultra"}, Description: "Stable Image Ultra: the most detailed; takes a reference image with strength.",
			Endpoint: "ultra", Formats: all, ImageInput: true, Credits: 8, Source: paramsSource + "; " + priceSource},
		sd3("sd3.5-large", 6.5, "Stable Diffusion 3.5 Large; text-to-image or image-to-image."),
		sd3("sd3.5-large-turbo", 4, "Stable Diffusion 3.5 Large Turbo: fewer steps, faster."),
		sd3("sd3.5-medium", 3.5, "Stable Diffusion 3.5 Medium."),
	}
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

// USD is the model's price per image.
func (m *Model) USD() float64 { return m.Credits * USDPerCredit }

// AspectRatios are the aspect_ratio values of text-to-image requests.
func AspectRatios() []string {
	return []string{"16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"}
}

// StylePresets are the style_preset values of Stability's API reference;
// the research notes give only examples (photographic, anime, cinematic,
// 3d-model, pixel-art), so another value passes with a warning.
func StylePresets() []string {
	return []string{"3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art", "enhance", "fantasy-art",
		"isometric", "line-art", "low-poly", "modeling-compound", "neon-punk", "origami", "photographic", "pixel-art", "tile-texture"}
}
