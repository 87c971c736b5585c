package openai

import (
	"context"
	"io"
	"net/http"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, reads the reference
// and mask headers, waits for a concurrency slot, and sends it with
// vendorapi's retry policy. Failures the user can act on are *sdk.Error.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	client, cfg, err := p.configured()
	if err != nil {
		return nil, err
	}
	s, diags := p.resolve(req)
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	b, err := newBody(s)
	if err != nil {
		return nil, err
	}
	g := &generation{client: client, cfg: cfg, spec: s, body: b}
	return client.Generate(ctx, diags.Warnings(), g.attempt)
}

// generation is one image's trip to the API, over as many attempts as the
// policy allows; the successful attempt leaves its response.
type generation struct {
	client *vendorapi.Client
	cfg    *settings
	spec   *spec
	body   *body
}

// attempt sends the request once and classifies what came back.
func (g *generation) attempt(ctx context.Context) vendorapi.Outcome {
	c := g.client
	req, done, err := g.newRequest(ctx)
	if err != nil {
		return vendorapi.Outcome{Class: vendorapi.Final, Err: err}
	}
	resp, err := c.Do(ctx, req)
	closeBody(req)
	<-done
	if err != nil {
		return c.NetworkOutcome(err, true)
	}
	if resp.Status != http.StatusOK {
		return classifyError(c, g.spec, resp)
	}
	return g.accept(ctx, resp)
}

// newRequest builds one attempt's HTTP request over a fresh body; done is
// closed once a streaming body's writer has finished.
func (g *generation) newRequest(ctx context.Context) (*http.Request, <-chan struct{}, error) {
	c := g.client
	r, contentType, length, done := g.body.open()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL(g.body.endpoint), r)
	if err != nil {
		if rc, ok := r.(io.Closer); ok {
			rc.Close()
		}
		<-done
		return nil, nil, invalidf("building the request: %v", c.Redact(err.Error()))
	}
	if length >= 0 {
		req.ContentLength = length
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "easel-openai/"+Version)
	if key := c.Settings.APIKey; key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if g.cfg.organization != "" {
		req.Header.Set("OpenAI-Organization", g.cfg.organization)
	}
	if g.cfg.project != "" {
		req.Header.Set("OpenAI-Project", g.cfg.project)
	}
	return req, done, nil
}

// closeBody closes an attempt's body, which ends a streaming writer.
func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}
