package oakgen

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Version is the provider's release version.
const Version = "0.1.0"

// DefaultBaseURL is Oakgen's API.
const DefaultBaseURL = "https://api.oakgen.ai"

const (
	defaultModel    = "gpt-image-1"
	defaultRefField = "image_urls"
	endpoint        = "/v1/generate/image"
)

var defaults = vendorapi.Defaults{Vendor: "Oakgen", KeyEnv: "OAKGEN_API_KEY", BaseURL: DefaultBaseURL,
	Timeout: 3 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}

// Provider is the Oakgen provider. It is safe for concurrent use once
// configured.
type Provider struct {
	env vendorapi.Env

	mu     sync.Mutex // guards the fields below, set by Configure
	client *vendorapi.Client
	cfg    *settings
	// planRates are the usd_per_credit values ValidateConfig saw: plan-time
	// estimates get no provider block, so they use these.
	planRates map[float64]bool
}

var (
	_ sdk.Provider        = (*Provider)(nil)
	_ sdk.Validator       = (*Provider)(nil)
	_ sdk.Estimator       = (*Provider)(nil)
	_ sdk.ConfigValidator = (*Provider)(nil)
)

// New returns the provider with the real environment, for easel's list of
// built-in providers.
func New() sdk.Provider { return NewWithEnv(vendorapi.Env{}) }

// NewWithEnv returns the provider with parts of its environment replaced.
func NewWithEnv(env vendorapi.Env) *Provider { return &Provider{env: env.WithDefaults()} }

// settings is a checked provider block, beyond the shared settings.
type settings struct {
	refField     string
	usdPerCredit float64
	pollTimeout  time.Duration
}

// Schema declares the provider block, the image attributes and the models.
func (p *Provider) Schema() sdk.Schema {
	// Oakgen downloads references from their URLs: easel need not stream
	// their bytes.
	return sdk.Schema{HashVersion: 1, Version: Version, Provider: providerAttrs(), Image: imageAttrs(), Models: sdkModels(), URLReferencesByURL: true}
}

func providerAttrs() []sdk.Attribute {
	attrs := vendorapi.Attributes(defaults)
	return append(attrs,
		sdk.Attribute{Name: "reference_field", Type: cty.String, Default: cty.StringVal(defaultRefField), NoHash: true,
			Description: "JSON field that carries reference URLs. Oakgen has not documented it; change it if Oakgen names it otherwise."},
		sdk.Attribute{Name: "usd_per_credit", Type: cty.Number, Default: cty.NumberFloatVal(DefaultUSDPerCredit), NoHash: true,
			Description: "What one Oakgen credit costs you in USD; the default is the $19 Pro plan's 5,000 credits."},
		sdk.Attribute{Name: "poll_timeout", Type: cty.String, Default: cty.StringVal("5m"), NoHash: true,
			Description: `How long to wait for an image Oakgen answers as a pending job, such as "5m".`},
	)
}

func imageAttrs() []sdk.Attribute {
	return []sdk.Attribute{
		sdk.PromptAttr(true),
		sdk.ModelAttr(defaultModel),
		sdk.SizeAttr("1024x1024"),
		{Name: "quality", Type: cty.String, Description: "low, medium, high or auto (gpt-image models). Oakgen's credits do not depend on it, as far as is known."},
	}
}

func sdkModels() []sdk.Model {
	var out []sdk.Model
	for _, m := range Models() {
		sm := sdk.Model{ID: m.ID, Description: m.Description, Sizes: m.Sizes, Qualities: m.Qualities, Formats: m.Formats,
			Price: m.priceSummary(DefaultUSDPerCredit), Status: "active", Source: m.Source, AsOf: AsOf}
		if m.FluxSizes {
			sm.SizeRule = fluxSizeRule
		}
		if m.Unconfirmed != "" {
			sm.Description += " Unconfirmed: " + m.Unconfirmed + "."
		}
		out = append(out, sm)
	}
	return out
}

// parseSettings checks the provider block: the shared settings and
// Oakgen's own.
func parseSettings(c sdk.Config) (settings, sdk.Diagnostics) {
	s := settings{refField: defaultRefField, usdPerCredit: DefaultUSDPerCredit, pollTimeout: 5 * time.Minute}
	var diags sdk.Diagnostics
	if v := strings.TrimSpace(c.String("reference_field")); v != "" {
		s.refField = v
		if reserved[v] {
			diags = append(diags, sdk.Errorf("reference_field", "Invalid reference_field", "%q is a field easel already sends; name the field of reference URLs.", v))
		}
	}
	if v := c.Get("usd_per_credit"); v != cty.NilVal && !v.IsNull() && v.IsKnown() && v.Type() == cty.Number {
		f, _ := v.AsBigFloat().Float64()
		if f <= 0 || f > 10 {
			diags = append(diags, sdk.Errorf("usd_per_credit", "Invalid usd_per_credit", "usd_per_credit must be a positive number of dollars, such as 0.0038."))
		}
		s.usdPerCredit = f
	}
	if v := c.String("poll_timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			diags = append(diags, sdk.Errorf("poll_timeout", "Invalid poll_timeout", `%q is not a positive duration; use a value such as "5m".`, v))
		}
		s.pollTimeout = d
	}
	return s, diags
}

// reserved are the fields of the request body.
var reserved = map[string]bool{"model": true, "prompt": true, "size": true, "quality": true, "output_format": true}

// ValidateConfig checks the provider block at plan time; the key is not
// required yet.
func (p *Provider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	_, diags := vendorapi.ParseSettings(c, defaults)
	s, more := parseSettings(c)
	if !more.HasErrors() {
		p.mu.Lock()
		if p.planRates == nil {
			p.planRates = map[float64]bool{}
		}
		p.planRates[s.usdPerCredit] = true
		p.mu.Unlock()
	}
	return append(diags, more...)
}

// rate is usd_per_credit: the configured block's at apply; at plan time
// the one every validated block agrees on, else the default (noted).
func (p *Provider) rate() (float64, string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.cfg != nil:
		return p.cfg.usdPerCredit, ""
	case len(p.planRates) == 1:
		for r := range p.planRates {
			return r, ""
		}
	case len(p.planRates) > 1:
		return DefaultUSDPerCredit, " (oakgen provider blocks set different usd_per_credit; priced at the Pro plan's)"
	}
	return DefaultUSDPerCredit, ""
}

// Configure checks the provider block and takes the key from api_key or
// $OAKGEN_API_KEY.
func (p *Provider) Configure(_ context.Context, c sdk.Config) sdk.Diagnostics {
	shared, diags := vendorapi.Configure(c, defaults, p.env.Getenv)
	s, more := parseSettings(c)
	diags = append(diags, more...)
	if diags.HasErrors() {
		return diags
	}
	client := vendorapi.NewClient(defaults, shared, p.env)
	client.Policy.RateLimitHint = "Lower max_concurrency or set requests_per_minute in the oakgen provider block to stay under Oakgen's rate limits."
	p.mu.Lock()
	defer p.mu.Unlock()
	p.client, p.cfg = client, &s
	return diags
}

func (p *Provider) configured() (*vendorapi.Client, *settings, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, nil, &sdk.Error{Kind: sdk.ErrFailed, Message: "the oakgen provider was not configured before Generate"}
	}
	return p.client, p.cfg, nil
}
