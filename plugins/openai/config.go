package openai

import (
	"context"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// settings is a checked provider block.
type settings struct {
	apiKey           string
	organization     string
	project          string
	baseURL          string // without a trailing slash
	timeout          time.Duration
	maxConcurrency   int
	requestsPerMin   int // 0: no limit
	maxBilledRetries int
}

// parseSettings checks a provider block; values not known yet (at plan
// time) are skipped, and defaults fill what is unset.
func parseSettings(c sdk.Config) (settings, sdk.Diagnostics) {
	s := settings{apiKey: c.String("api_key"), organization: c.String("organization"), project: c.String("project"),
		baseURL: DefaultBaseURL, timeout: 10 * time.Minute, maxConcurrency: 4, maxBilledRetries: 1}
	var diags sdk.Diagnostics
	if v := c.String("base_url"); v != "" {
		s.baseURL = strings.TrimRight(v, "/")
		diags = append(diags, checkBaseURL(v)...)
	}
	if v := c.String("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			diags = append(diags, sdk.Errorf("timeout", "Invalid timeout", `%q is not a positive duration; use a value such as "10m" or "90s".`, v))
		}
		s.timeout = d
	}
	diags = append(diags, configInt(c, "max_concurrency", 1, 1024, &s.maxConcurrency)...)
	diags = append(diags, configInt(c, "requests_per_minute", 1, 1_000_000, &s.requestsPerMin)...)
	diags = append(diags, configInt(c, "max_billed_retries", 0, 5, &s.maxBilledRetries)...)
	return s, diags
}

func checkBaseURL(v string) sdk.Diagnostics {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return sdk.Diagnostics{sdk.Errorf("base_url", "Invalid base_url", `%q is not an http or https URL; use a value such as %q.`, v, DefaultBaseURL)}
	}
	if u.User != nil {
		return sdk.Diagnostics{sdk.Errorf("base_url", "Credentials in base_url", "Put the key in api_key (or OPENAI_API_KEY), not in the URL: base_url may appear in messages.")}
	}
	return nil
}

// configInt reads a whole number in [lo, hi] into dst, if set and known.
func configInt(c sdk.Config, name string, lo, hi int, dst *int) sdk.Diagnostics {
	v := c.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return nil
	}
	n, acc := v.AsBigFloat().Int64()
	if acc != big.Exact || n < int64(lo) || n > int64(hi) {
		return sdk.Diagnostics{sdk.Errorf(name, fmt.Sprintf("Invalid %s", name), "%s must be a whole number from %d to %d.", name, lo, hi)}
	}
	*dst = int(n)
	return nil
}

// ValidateConfig checks the provider block at plan time; the API key is
// not required yet.
func (p *Provider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	_, diags := parseSettings(c)
	if day := p.opts.Getenv(TodayEnv); day != "" {
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
	s, diags := parseSettings(c)
	if s.apiKey == "" {
		s.apiKey = strings.TrimSpace(p.opts.Getenv("OPENAI_API_KEY"))
	}
	if s.apiKey == "" && s.baseURL == DefaultBaseURL {
		diags = append(diags, sdk.Errorf("api_key", "No OpenAI API key",
			"Set the OPENAI_API_KEY environment variable, or api_key in the provider block (from a variable marked sensitive)."))
	}
	if diags.HasErrors() {
		return diags
	}
	p.configure(s)
	return diags
}
