package openai

import (
	"context"
	"fmt"
	"strings"

	"github.com/easelhq/easel/plugins/sdk"
)

// EstimateCost prices one image from the model table, locally: output
// tokens by size and quality, prompt tokens from the prompt's length, and
// reference images by their dimensions, or as 1024x1024 when easel could
// not read them (an upstream image not generated yet).
func (p *Provider) EstimateCost(_ context.Context, req *sdk.Request) sdk.Estimate {
	s, _ := p.resolve(req)
	switch {
	case s.model == nil:
		return sdk.Estimate{Detail: fmt.Sprintf("unknown model %q: no price known", s.modelID)}
	case s.model.PerImage != nil:
		return perImageEstimate(s)
	}
	return tokenEstimate(s)
}

// pricedQuality is the quality a request is billed at: unset and auto are
// priced as high, the most an automatic choice can cost.
func (s *spec) pricedQuality() string {
	if s.quality == "" || s.quality == "auto" {
		return "high"
	}
	return s.quality
}

// outputTokens is the output tokens of the image and the size priced:
// auto is priced as the most expensive standard size.
func (s *spec) outputTokens() (int, string, bool) {
	q := s.pricedQuality()
	if s.size != "auto" {
		n, ok := s.model.Output.Tokens(q, s.width, s.height)
		return n, s.size, ok
	}
	best, bestSize := 0, ""
	for _, size := range standardSizes() {
		w, h, _ := sdk.ParseSize(size)
		if n, ok := s.model.Output.Tokens(q, w, h); ok && n > best {
			best, bestSize = n, size
		}
	}
	return best, bestSize, bestSize != ""
}

func tokenEstimate(s *spec) sdk.Estimate {
	m := s.model
	out, size, ok := s.outputTokens()
	if !ok {
		return sdk.Estimate{Detail: fmt.Sprintf("%s: no output-token figure for quality %s at size %q", m.ID, s.pricedQuality(), s.size)}
	}
	u := tokenUsage{Output: out, Text: promptTokens(s.prompt)}
	var unsized int
	u.Image, unsized = s.refTokens()
	usd := m.cost(u)
	parts := []string{fmt.Sprintf("%s %s %s: %s output tokens at $%s/1M", m.ID, s.pricedQuality(), size, thousands(out), money(m.ImageOut))}
	if s.quality == "" || s.quality == "auto" || s.size == "auto" {
		parts[0] += " (auto priced at its most expensive)"
	}
	parts = append(parts, fmt.Sprintf("~%s prompt tokens at $%s/1M", thousands(u.Text), money(m.TextIn)))
	if len(s.refs) > 0 {
		ref := fmt.Sprintf("%d references ~%s image tokens at $%s/1M", len(s.refs), thousands(u.Image), money(m.ImageIn))
		if unsized > 0 {
			ref += fmt.Sprintf(" (%d of unknown size taken as 1024x1024)", unsized)
		}
		parts = append(parts, ref)
	}
	detail := strings.Join(parts, " + ") + fmt.Sprintf(" = $%.4f", usd)
	if m.Unconfirmed != "" {
		detail += "; unconfirmed: " + m.Unconfirmed
	}
	return sdk.Estimate{USD: sdk.USD(usd), Detail: detail}
}

func perImageEstimate(s *spec) sdk.Estimate {
	q := s.quality
	if q == "" {
		q = s.model.Qualities[0] // the API's default, standard
	}
	usd, ok := s.model.PerImage[q][s.size]
	if !ok {
		return sdk.Estimate{Detail: fmt.Sprintf("%s: no price for quality %s at size %q", s.model.ID, q, s.size)}
	}
	return sdk.Estimate{USD: sdk.USD(usd), Detail: fmt.Sprintf("%s %s %s: $%.3f per image (historical list price)", s.model.ID, q, s.size, usd)}
}

// refTokens estimates the input tokens of the references, each by its
// dimensions when known; unsized counts those taken as 1024x1024.
func (s *spec) refTokens() (tokens, unsized int) {
	for _, r := range s.refs {
		w, h := r.Width, r.Height
		if w <= 0 || h <= 0 {
			w, h = 1024, 1024
			unsized++
		}
		tokens += s.model.RefTokens.Tokens(w, h, s.fidelity)
	}
	return tokens, unsized
}
