package openai

import (
	"context"

	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, reads the reference
// and mask headers, waits for a concurrency slot, and calls the API with
// the retry policy in send.go. Failures the user can act on are *sdk.Error.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	cfg, client, lim, err := p.configured()
	if err != nil {
		return nil, err
	}
	if qe := lim.exhausted(); qe != nil {
		e := *qe
		return nil, &e
	}
	s, diags := resolve(req, p.opts.Now())
	if diags.HasErrors() {
		return nil, invalid(diags)
	}
	b, err := p.newBody(s)
	if err != nil {
		return nil, err
	}
	release, err := lim.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	c := &call{p: p, cfg: cfg, client: client, limits: lim, spec: s, body: b}
	resp, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	resp.Warnings = warnings(diags)
	return resp, nil
}

// invalid turns error diagnostics into one error, for a Generate whose
// request was not validated first.
func invalid(diags sdk.Diagnostics) error {
	e := &sdk.Error{Kind: sdk.ErrInvalid}
	for _, d := range diags {
		if d.Severity != sdk.SeverityError {
			continue
		}
		if e.Message == "" {
			e.Message, e.Hint = d.Summary, d.Detail
			continue
		}
		e.Message += "; " + d.Summary
	}
	return e
}

func warnings(diags sdk.Diagnostics) sdk.Diagnostics {
	var ws sdk.Diagnostics
	for _, d := range diags {
		if d.Severity == sdk.SeverityWarning {
			ws = append(ws, d)
		}
	}
	return ws
}
