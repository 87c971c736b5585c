package openai

import (
	"context"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// settings is what a provider block holds beyond vendorapi's shared
// settings: the OpenAI-Organization and OpenAI-Project headers.
type settings struct {
	organization string
	project      string
}

func parseSettings(c sdk.Config) settings {
	return settings{organization: strings.TrimSpace(c.String("organization")), project: strings.TrimSpace(c.String("project"))}
}

// ValidateConfig checks the provider block at plan time; the API key is
// not required yet.
func (p *Provider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	_, diags := vendorapi.ParseSettings(c, defaults)
	if day := p.env.Getenv(TodayEnv); day != "" {
		if _, err := time.Parse(time.DateOnly, strings.TrimSpace(day)); err != nil {
			diags = append(diags, sdk.Warnf("", TodayEnv+" ignored",
				"%s is %q, not a YYYY-MM-DD date: model lifecycles are judged on today's date.", TodayEnv, day))
		}
	}
	return diags
}

// Configure checks the provider block and takes the API key from api_key
// or $OPENAI_API_KEY. A key is required for OpenAI itself; a custom
// base_url (a local OpenAI-compatible server) may do without.
func (p *Provider) Configure(_ context.Context, c sdk.Config) sdk.Diagnostics {
	shared, diags := vendorapi.Configure(c, defaults, p.env.Getenv)
	if diags.HasErrors() {
		return diags
	}
	client := vendorapi.NewClient(defaults, shared, p.env)
	client.Policy.RateLimitHint = "Lower max_concurrency or set requests_per_minute in the provider block to stay under your OpenAI rate limits."
	s := parseSettings(c)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.client, p.cfg = client, &s
	return diags
}
