package openai

import (
	"fmt"
	"slices"

	"github.com/easelhq/easel/plugins/sdk"
)

// The gpt-image-2 size rule (openapi.yaml 2026-08-21): both sides
// divisible by 16, aspect ratio between 1:3 and 3:1, at most 3840x2160;
// above 2560x1440 is experimental. Third-party calculators add a minimum
// of 655,360 pixels, which is only warned about.
const (
	maxEdge         = 3840
	maxPixels       = 3840 * 2160
	experimentalPix = 2560 * 1440
	minPixels3p     = 655_360
)

func (s *spec) checkSize() sdk.Diagnostics {
	if s.size == "" {
		return nil
	}
	if s.size == "auto" {
		return s.checkAuto()
	}
	w, h, err := sdk.ParseSize(s.size)
	if err != nil {
		return sdk.Diagnostics{sdk.Errorf("size", "Invalid size", "%s. Use WIDTHxHEIGHT, such as 1024x1024, or auto.", err)}
	}
	s.width, s.height = w, h
	m := s.model
	switch {
	case m == nil || slices.Contains(m.Sizes, s.size):
		return nil
	case m.FreeSize:
		return freeSizeDiags(m.ID, w, h)
	}
	return sdk.Diagnostics{sdk.Errorf("size", fmt.Sprintf("Unsupported size for %s", m.ID),
		"%s takes %s.%s", m.ID, orList(m.Sizes), freeSizeHint(m))}
}

func (s *spec) checkAuto() sdk.Diagnostics {
	if s.model == nil || slices.Contains(s.model.Sizes, "auto") {
		return nil
	}
	return sdk.Diagnostics{sdk.Errorf("size", fmt.Sprintf("Unsupported size for %s", s.model.ID),
		"%s has no automatic size; use %s.", s.model.ID, orList(s.model.Sizes))}
}

func freeSizeHint(m *Model) string {
	if m.Family != GPTImage {
		return ""
	}
	return " For other sizes use gpt-image-2 or later, which take any WIDTHxHEIGHT in multiples of 16."
}

// freeSizeDiags applies the gpt-image-2 rule to w x h.
func freeSizeDiags(model string, w, h int) sdk.Diagnostics {
	summary := fmt.Sprintf("Unsupported size for %s", model)
	short, long := min(w, h), max(w, h)
	switch {
	case w%16 != 0 || h%16 != 0:
		return sdk.Diagnostics{sdk.Errorf("size", summary,
			"Both sides must be multiples of 16; the nearest such size is %dx%d.", round16(w), round16(h))}
	case long > 3*short:
		return sdk.Diagnostics{sdk.Errorf("size", summary,
			"The aspect ratio of %dx%d is beyond 3:1; %s takes ratios from 1:3 to 3:1.", w, h, model)}
	case long > maxEdge || w*h > maxPixels:
		return sdk.Diagnostics{sdk.Errorf("size", summary,
			"%dx%d is larger than the maximum, 3840x2160 (at most %d px per side and %s pixels).", w, h, maxEdge, thousands(maxPixels))}
	case w*h > experimentalPix:
		return sdk.Diagnostics{sdk.Warnf("size", "Experimental size",
			"OpenAI calls sizes above 2560x1440 experimental for %s: results may vary.", model)}
	case w*h < minPixels3p:
		return sdk.Diagnostics{sdk.Warnf("size", "Size may be too small",
			"%dx%d has fewer than 655,360 pixels, which third-party calculators give as the minimum for %s; the API may reject it.", w, h, model)}
	}
	return nil
}

// round16 rounds n to the nearest positive multiple of 16.
func round16(n int) int {
	return max(16, (n+8)/16*16)
}
