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
	case s.format == "svg":
		return sdk.Estimate{Detail: fmt.Sprintf("%s bills SVG output through a writing model too, at a price not published per image: unknown before the call", s.model.ID)}
	case s.model.PerImage != nil:
		return perImageEstimate(s)
	}
	return tokenEstimate(s)
}

// pricedQualities are the qualities a request may be billed at: the one
// it names, or for unset and auto every quality of the model, since which
// one OpenAI picks is not documented (gpt-image-2.5 and later have xhigh
// and max, dearer than high).
func (s *spec) pricedQualities() []string {
	if s.quality != "" && s.quality != "auto" {
		return []string{s.quality}
	}
	var qs []string
	for _, q := range s.model.Qualities {
		if q != "auto" {
			qs = append(qs, q)
		}
	}
	if len(qs) == 0 {
		return []string{"high"}
	}
	return qs
}

// outputTokens is the output tokens of the image with the quality and size
// priced: auto of either is priced at its most expensive choice, so an
// estimate never falls short of the bill.
func (s *spec) outputTokens() (n int, quality, size string, ok bool) {
	sizes := []string{s.size}
	if s.size == "auto" {
		sizes = standardSizes()
	}
	for _, sz := range sizes {
		w, h := s.width, s.height
		if s.size == "auto" {
			w, h, _ = sdk.ParseSize(sz)
		}
		for _, q := range s.pricedQualities() {
			if t, found := s.model.Output.Tokens(q, w, h); found && (!ok || t > n) {
				n, quality, size, ok = t, q, sz, true
			}
		}
	}
	return n, quality, size, ok
}

func tokenEstimate(s *spec) sdk.Estimate {
	m := s.model
	out, quality, size, ok := s.outputTokens()
	if !ok {
		return sdk.Estimate{Detail: fmt.Sprintf("%s: no output-token figure for quality %s at size %q", m.ID, strings.Join(s.pricedQualities(), "/"), s.size)}
	}
	u := tokenUsage{Output: out, Text: promptTokens(s.prompt)}
	var unsized int
	u.Image, unsized = s.refTokens()
	usd := m.cost(u)
	parts := []string{fmt.Sprintf("%s %s %s: %s output tokens at $%s/1M", m.ID, quality, size, thousands(out), money(m.ImageOut))}
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
