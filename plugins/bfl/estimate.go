package bfl

import (
	"context"
	"fmt"

	"github.com/easelhq/easel/plugins/sdk"
)

// EstimateCost prices one image from the model table, locally: a price
// per image for FLUX.1, and for FLUX.2 the output's megapixels plus the
// references' (taken as 1 megapixel each when easel could not read their
// size yet).
func (p *Provider) EstimateCost(_ context.Context, req *sdk.Request) sdk.Estimate {
	s, _ := resolve(req)
	m := s.model
	if m == nil {
		return sdk.Estimate{Detail: fmt.Sprintf("unknown model %q: no price known", s.modelID)}
	}
	if m.Family != Flux2 {
		return sdk.Estimate{USD: sdk.USD(m.USD), Detail: fmt.Sprintf("%s: $%.2f per image", m.ID, m.USD)}
	}
	w, h := s.width, s.height
	if w == 0 {
		w, h, _ = sdk.ParseSize(m.DefaultSize)
	}
	in, unsized := refPixels(s.refs)
	usd := m.cost(w, h, in)
	detail := fmt.Sprintf("%s %dx%d: %g¢ first megapixel + %g¢ per further output or input megapixel", m.ID, w, h, m.FirstMPCents, m.MPCents)
	if len(s.refs) > 0 {
		detail += fmt.Sprintf(", %d reference(s) %.2f MP", len(s.refs), float64(in)/megapixel)
	}
	if unsized > 0 {
		detail += fmt.Sprintf(" (%d of unknown size taken as 1 MP)", unsized)
	}
	return sdk.Estimate{USD: sdk.USD(usd), Detail: detail + fmt.Sprintf(" = $%.4f", usd)}
}

// refPixels sums the references' pixels; unsized counts those of unknown
// size, taken as one megapixel.
func refPixels(refs []sdk.Reference) (pixels int64, unsized int) {
	for _, r := range refs {
		if r.Width <= 0 || r.Height <= 0 {
			pixels += megapixel
			unsized++
			continue
		}
		pixels += int64(r.Width) * int64(r.Height)
	}
	return pixels, unsized
}
