package oakgen

import (
	"context"
	"fmt"

	"github.com/easelhq/easel/plugins/sdk"
)

// EstimateCost prices one image from the model table, locally: a flat
// number of credits per image at usd_per_credit, or a list price where
// Oakgen's credits are not known.
func (p *Provider) EstimateCost(_ context.Context, req *sdk.Request) sdk.Estimate {
	s, _ := resolve(req)
	if s.model == nil {
		return sdk.Estimate{Detail: fmt.Sprintf("unknown model %q: no price known", s.modelID)}
	}
	rate, note := p.rate()
	e := s.model.estimate(rate)
	e.Detail += note
	return e
}

func (m Model) estimate(rate float64) sdk.Estimate {
	if m.Credits == 0 {
		return sdk.Estimate{USD: sdk.USD(m.USD),
			Detail: fmt.Sprintf("%s: $%.3f per image, Black Forest Labs' list price; Oakgen's credit price is unconfirmed", m.ID, m.USD)}
	}
	usd := m.Credits * rate
	return sdk.Estimate{USD: sdk.USD(usd), Credits: sdk.USD(m.Credits),
		Detail: fmt.Sprintf("%s: %g credits per image at $%.4f per credit = $%.4f", m.ID, m.Credits, rate, usd)}
}

// priceSummary is the model's price for the schema's model list.
func (m Model) priceSummary(rate float64) string {
	if m.Credits == 0 {
		return fmt.Sprintf("~$%.2f per image (list price; Oakgen credits unconfirmed)", m.USD)
	}
	return fmt.Sprintf("%g credits per image (~$%.3f at $%.4f per credit)", m.Credits, m.Credits*rate, rate)
}
