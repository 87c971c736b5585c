package gemini

import (
	"context"
	"fmt"
	"strings"

	"github.com/easelhq/easel/plugins/sdk"
)

// EstimateCost prices one image from the model table, locally: the image
// output tokens of its image_size, plus the prompt's tokens (about four
// characters each) where the input rate is known. Reference images are
// not priced (their token counts are not in our notes); the actual cost
// recorded after generation comes from the answer's usage metadata.
func (p *Provider) EstimateCost(_ context.Context, req *sdk.Request) sdk.Estimate {
	s, _ := resolve(req, p.env.Now())
	m := s.model
	if m == nil {
		return sdk.Estimate{Detail: fmt.Sprintf("unknown model %q: no price known", s.modelID)}
	}
	size := s.pricedSize()
	out, ok := m.OutputTokens[size]
	if !ok {
		return sdk.Estimate{Detail: fmt.Sprintf("%s: no price for image_size %q", m.ID, size)}
	}
	usd := float64(out) * m.ImageOut / 1e6
	parts := []string{fmt.Sprintf("%s %s: %s image tokens at $%s/1M", m.ID, size, thousands(out), money(m.ImageOut))}
	if m.TextIn > 0 {
		text := promptTokens(s.prompt)
		usd += float64(text) * m.TextIn / 1e6
		parts = append(parts, fmt.Sprintf("~%s prompt tokens at $%s/1M", thousands(text), money(m.TextIn)))
	}
	detail := strings.Join(parts, " + ") + fmt.Sprintf(" = $%.4f", usd)
	if len(s.refs) > 0 {
		detail += fmt.Sprintf("; %d reference images not priced", len(s.refs))
	}
	if m.Unconfirmed != "" {
		detail += "; unconfirmed: " + m.Unconfirmed
	}
	return sdk.Estimate{USD: sdk.USD(usd), Detail: detail}
}

// pricedSize is the image_size billed: the model's default when unset.
func (s *spec) pricedSize() string {
	if s.size != "" {
		return s.size
	}
	return s.model.Sizes[0]
}

// promptTokens approximates a tokenizer: a quarter token per character,
// at least one.
func promptTokens(prompt string) int {
	return max(1, (len([]rune(prompt))+3)/4)
}

// priceSummary is a one-line price for GetSchema.
func (m *Model) priceSummary() string {
	var each []string
	for _, size := range m.Sizes {
		each = append(each, fmt.Sprintf("$%.4g (%s)", float64(m.OutputTokens[size])*m.ImageOut/1e6, size))
	}
	return fmt.Sprintf("%s per image: image output at $%s/1M tokens", strings.Join(each, ", "), money(m.ImageOut))
}

// actualCost prices an answer's usage at the model's rates: image output
// tokens, text and thinking output, and input where the rate is known.
func (m *Model) actualCost(u usageMetadata) float64 {
	img, text := u.outputTokens()
	usd := float64(img) * m.ImageOut / 1e6
	usd += float64(text+u.ThoughtsTokenCount) * m.TextOut / 1e6
	usd += float64(u.PromptTokenCount) * m.TextIn / 1e6
	return usd
}

func money(v float64) string {
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", v), "0"), ".")
}

// thousands formats n with thousands separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
