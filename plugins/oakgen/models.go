package oakgen

import "slices"

// AsOf is the date of the facts below: shared/reference/image-apis.md was
// compiled then from a stored copy of https://oakgen.ai/models/gpt-image-1
// (capture date unknown).
const AsOf = "2026-11-23"

// DefaultUSDPerCredit is the $19/month Pro plan's 5,000 credits.
const DefaultUSDPerCredit = 19.0 / 5000

// Model is what easel knows of one model on Oakgen.
type Model struct {
	ID          string
	Description string
	// Sizes lists accepted size values; FluxSizes replaces them with the
	// FLUX.1 rule (both sides multiples of 32 from 256 to 1440).
	Sizes     []string
	FluxSizes bool
	// Formats are the output formats Oakgen can return (output_format).
	Formats   []string
	Qualities []string
	// MaxReferences is the most reference URLs (0: none).
	MaxReferences int
	MaxPrompt     int
	// Credits is the price per image in Oakgen credits; 0 when unknown,
	// then USD is a list price from elsewhere.
	Credits float64
	USD     float64
	Source  string
	// Unconfirmed lists what in this entry is a guess.
	Unconfirmed string
}

const oakgenPage = "https://oakgen.ai/models/gpt-image-1 (stored copy, via image-apis.md 2026-11-23)"

var gptSizes = []string{"1024x1024", "1024x1536", "1536x1024", "auto"}

// Models returns the model table.
func Models() []Model {
	return []Model{
		{
			ID: "gpt-image-1", Description: "OpenAI gpt-image-1 through Oakgen: text and reference URLs in, up to 2048x2048, 8-15 s.",
			Sizes: append(slices.Clone(gptSizes), "2048x2048"), Formats: []string{"png", "jpeg", "webp"},
			Qualities: []string{"low", "medium", "high", "auto"}, MaxReferences: 16, MaxPrompt: 32000, Credits: 16,
			Source:      oakgenPage + `: "about 16 credits per image (~$0.06)", "2048x2048", "multi-image editing with reference URLs"`,
			Unconfirmed: "size, quality and output_format parameters; the 16-reference limit (OpenAI's edit limit); whether Oakgen still serves gpt-image-1 after OpenAI shut it down on 2026-10-23",
		},
		{
			ID: "gpt-image-1-mini", Description: "The mini variant of gpt-image-1 through Oakgen, at half the credits.",
			Sizes: slices.Clone(gptSizes), Formats: []string{"png", "jpeg", "webp"},
			Qualities: []string{"low", "medium", "high", "auto"}, MaxReferences: 16, MaxPrompt: 32000, Credits: 8,
			Source:      oakgenPage + `: "Mini variant available at half the cost", "Starting price $0.03 / generation"`,
			Unconfirmed: "the slug gpt-image-1-mini; its sizes and reference limit; 8 credits is derived from half of 16",
		},
		{
			ID: "flux-pro-1-1", Description: "FLUX1.1 [pro] through Oakgen (slug seen in Oakgen's comparison).",
			FluxSizes: true, Formats: []string{"jpeg", "png"}, USD: 0.04,
			Source:      oakgenPage + " (slug); sizes and the $0.04 list price from Black Forest Labs (image-apis.md section 3)",
			Unconfirmed: "Oakgen's credit price (priced at BFL's $0.04 list price); sizes (BFL's FLUX.1 rule); reference images (taken as none)",
		},
	}
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

const fluxSizeRule = "WIDTHxHEIGHT with both sides multiples of 32 from 256 to 1440"

// sizeOK reports whether size is accepted.
func (m Model) sizeOK(size string, w, h int) bool {
	if m.FluxSizes {
		return w%32 == 0 && h%32 == 0 && w >= 256 && h >= 256 && w <= 1440 && h <= 1440
	}
	return slices.Contains(m.Sizes, size)
}

func (m Model) sizeHelp() string {
	if m.FluxSizes {
		return fluxSizeRule
	}
	return "one of " + joinOr(m.Sizes)
}

func joinOr(vs []string) string {
	switch len(vs) {
	case 0:
		return ""
	case 1:
		return vs[0]
	}
	s := ""
	for i, v := range vs[:len(vs)-1] {
		if i > 0 {
			s += ", "
		}
		s += v
	}
	return s + " or " + vs[len(vs)-1]
}
