package stability

import (
	"context"
	"fmt"

	"github.com/easelhq/easel/plugins/sdk"
)

// EstimateCost prices one image: Stability bills a flat number of credits
// per successful image, at $0.01 a credit.
func (p *Provider) EstimateCost(_ context.Context, req *sdk.Request) sdk.Estimate {
	s, _ := resolve(req)
	if s.model == nil {
		return sdk.Estimate{Detail: fmt.Sprintf("unknown model %q: no price known", s.modelID)}
	}
	m := s.model
	credits := m.Credits
	return sdk.Estimate{USD: sdk.USD(m.USD()), Credits: &credits,
		Detail: fmt.Sprintf("%s: %g credits at $%.2f = $%.3f per image", m.ID, m.Credits, USDPerCredit, m.USD())}
}
