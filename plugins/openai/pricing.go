package openai

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// OutputTokens gives the output tokens of one image: a fixed table for the
// gpt-image-1 family, or the gpt-image-2 calculator formula
// (image-apis.md 1.7): with Q per quality and S = round(Q*short/long),
// tokens = ceil(Q*S*(2,000,000+W*H)/4,000,000), times Multiplier[quality]
// where one is given.
type OutputTokens struct {
	// Table has rows low, medium, high and columns 1024x1024, 1024x1536,
	// 1536x1024.
	Table      *[3][3]int
	Q          map[string]int
	Multiplier map[string]float64
}

// Tokens returns the output tokens of one image, or false when the table
// has no figure for that quality or size.
func (o OutputTokens) Tokens(quality string, w, h int) (int, bool) {
	if o.Table != nil {
		return o.table(quality, w, h)
	}
	q, ok := o.Q[quality]
	if !ok || w <= 0 || h <= 0 {
		return 0, false
	}
	short, long := min(w, h), max(w, h)
	s := (2*q*short + long) / (2 * long)
	tokens := (q*s*(2_000_000+w*h) + 3_999_999) / 4_000_000
	if m, ok := o.Multiplier[quality]; ok {
		tokens = int(math.Ceil(float64(tokens) * m))
	}
	return tokens, true
}

func (o OutputTokens) table(quality string, w, h int) (int, bool) {
	row, ok := map[string]int{"low": 0, "medium": 1, "high": 2}[quality]
	col, ok2 := map[string]int{"1024x1024": 0, "1024x1536": 1, "1536x1024": 2}[fmt.Sprintf("%dx%d", w, h)]
	if !ok || !ok2 {
		return 0, false
	}
	return o.Table[row][col], true
}

// RefTokens is how a model counts the input tokens of a reference image.
type RefTokens int

const (
	// TileTokens (gpt-image-1 family): about 135 tokens per 1024x1024 at
	// low fidelity and 3,050 at high [3p fal.ai], scaled by area and capped
	// at 2048x2048.
	TileTokens RefTokens = iota
	// PatchTokens (gpt-image-2 and later): one token per 32 px patch, at
	// most about 1,536 per image [3p community fit].
	PatchTokens
)

// Tokens returns the input tokens of one w x h reference image.
func (r RefTokens) Tokens(w, h int, fidelity string) int {
	if r == PatchTokens {
		return patchTokens(w, h)
	}
	per := 135.0
	if fidelity == "high" {
		per = 3050
	}
	area := min(float64(w)*float64(h), 2048*2048)
	return int(math.Ceil(per * area / (1024 * 1024)))
}

func patchTokens(w, h int) int {
	const budget = 1536
	patches := func(w, h float64) int { return int(math.Ceil(w/32) * math.Ceil(h/32)) }
	p := patches(float64(w), float64(h))
	if p <= budget {
		return p
	}
	scale := math.Sqrt(budget / float64(p))
	return min(patches(math.Floor(float64(w)*scale), math.Floor(float64(h)*scale)), budget)
}

// promptTokens estimates a prompt's text tokens at about four characters
// per token (image-apis.md 1.7).
func promptTokens(prompt string) int {
	return (utf8.RuneCountInString(prompt) + 3) / 4
}

// tokenUsage is what a request consumes, estimated or reported.
type tokenUsage struct {
	Text, Image, Output int
}

// cost prices usage at the model's token rates, in USD.
func (m *Model) cost(u tokenUsage) float64 {
	return (float64(u.Text)*m.TextIn + float64(u.Image)*m.ImageIn + float64(u.Output)*m.ImageOut) / 1e6
}

// priceSummary is the one-line price of a model for its schema.
func (m *Model) priceSummary() string {
	if m.PerImage != nil {
		var parts []string
		for _, q := range m.Qualities {
			for _, s := range m.Sizes {
				if usd, ok := m.PerImage[q][s]; ok {
					parts = append(parts, fmt.Sprintf("%s %s $%.3f", q, s, usd))
				}
			}
		}
		return "per image: " + strings.Join(parts, ", ")
	}
	return fmt.Sprintf("per 1M tokens: text in $%s, image in $%s, image out $%s", money(m.TextIn), money(m.ImageIn), money(m.ImageOut))
}

// money formats a rate without trailing zeros: 5, 2.5, 0.25.
func money(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// thousands formats n with comma separators: 13,342.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
