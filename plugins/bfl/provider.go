package bfl

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Version is the provider's release version.
const Version = "0.1.0"

// DefaultBaseURL is BFL's global endpoint (api.eu.bfl.ai and api.us.bfl.ai
// keep data in a region).
const DefaultBaseURL = "https://api.bfl.ai"

const defaultModel = "flux-pro-1.1"

var defaults = vendorapi.Defaults{Vendor: "BFL", KeyEnv: "BFL_API_KEY", BaseURL: DefaultBaseURL,
	Timeout: 2 * time.Minute, MaxConcurrency: 24, MaxBilledRetries: 1, MaxConcurrencyLimit: 24}

// Provider is the BFL provider. It is safe for concurrent use once
// configured.
type Provider struct {
	env vendorapi.Env

	mu          sync.Mutex // guards the fields below, set by Configure
	client      *vendorapi.Client
	pollTimeout time.Duration
	// modelSlots hold the tasks in flight of models whose own limit is
	// below max_concurrency (Kontext [max]: 6).
	modelSlots map[string]*vendorapi.Limits
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

// Schema declares the provider block, the image attributes and the models.
func (p *Provider) Schema() sdk.Schema {
	return sdk.Schema{HashVersion: 1, Version: Version, Provider: providerAttrs(), Image: imageAttrs(), Models: sdkModels()}
}

func providerAttrs() []sdk.Attribute {
	return append(vendorapi.Attributes(defaults),
		sdk.Attribute{Name: "poll_timeout", Type: cty.String, Default: cty.StringVal("5m"), NoHash: true,
			Description: `How long to wait for a task to finish, such as "5m". A task that has not finished by then is reported, not resubmitted: BFL may still bill it.`})
}

func imageAttrs() []sdk.Attribute {
	num := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.Number, Description: desc}
	}
	boolean := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.Bool, Description: desc}
	}
	size := sdk.SizeAttr("")
	size.Required = false
	size.Description = "WIDTHxHEIGHT for FLUX1.1 [pro] (multiples of 32 from 256 to 1440; default 1024x768) and FLUX.2 (multiples of 16, at least 64, at most 4 MP; default 1024x1024)."
	tolerance := num("safety_tolerance", "Moderation strictness: 0 (strictest) to 6 (5 for FLUX.2); BFL's default is 2.")
	return []sdk.Attribute{
		sdk.PromptAttr(true),
		sdk.ModelAttr(defaultModel),
		size,
		{Name: "aspect_ratio", Type: cty.String, Description: `WIDTH:HEIGHT from 21:9 to 9:21 for Ultra and Kontext, such as "16:9".`},
		num("seed", "Fixes the random seed: the same seed, prompt, model and options give the same image again. Unset, BFL picks one and easel records it."),
		tolerance,
		boolean("prompt_upsampling", "Let BFL rewrite the prompt with more detail (FLUX1.1 [pro], Kontext)."),
		boolean("raw", "A less processed, more natural look (Ultra)."),
		num("image_prompt_strength", "How much the reference image guides the result, 0 to 1 (Ultra; BFL's default 0.1)."),
		num("steps", "Sampling steps, 1 to 50 (FLUX.2 [flex]; default 50)."),
		num("guidance", "Prompt guidance, 1.5 to 10 (FLUX.2 [flex]; default 4.5)."),
	}
}

func sdkModels() []sdk.Model {
	var out []sdk.Model
	for _, m := range Models() {
		sm := sdk.Model{ID: m.ID, Description: m.Description, Formats: []string{"jpeg", "png"}, Price: m.priceSummary(),
			Status: "active", Source: m.Source, AsOf: AsOf}
		switch m.Family {
		case Flux1:
			sm.SizeRule = "WIDTHxHEIGHT, multiples of 32 from 256 to 1440"
		case Flux2:
			sm.SizeRule = "WIDTHxHEIGHT, multiples of 16, at least 64, at most 4 megapixels"
		default:
			sm.SizeRule = "aspect_ratio from 21:9 to 9:21"
		}
		if m.Legacy != "" {
			sm.Description += " Legacy: " + m.Legacy + "."
		}
		if m.Unconfirmed != "" {
			sm.Description += " Unconfirmed: " + m.Unconfirmed + "."
		}
		out = append(out, sm)
	}
	return out
}

func (m Model) priceSummary() string {
	if m.Family == Flux2 {
		return fmt.Sprintf("%g¢ for the first megapixel + %g¢ per further output or input megapixel", m.FirstMPCents, m.MPCents)
	}
	return fmt.Sprintf("$%.2f per image", m.USD)
}

// parsePollTimeout reads poll_timeout.
func parsePollTimeout(c sdk.Config) (time.Duration, sdk.Diagnostics) {
	v := c.String("poll_timeout")
	if v == "" {
		return 5 * time.Minute, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, sdk.Diagnostics{sdk.Errorf("poll_timeout", "Invalid poll_timeout", `%q is not a positive duration; use a value such as "5m".`, v)}
	}
	return d, nil
}

// ValidateConfig checks the provider block at plan time; the key is not
// required yet.
func (p *Provider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	_, diags := vendorapi.ParseSettings(c, defaults)
	_, more := parsePollTimeout(c)
	return append(diags, more...)
}

// Configure checks the provider block and takes the key from api_key or
// $BFL_API_KEY.
func (p *Provider) Configure(_ context.Context, c sdk.Config) sdk.Diagnostics {
	s, diags := vendorapi.Configure(c, defaults, p.env.Getenv)
	timeout, more := parsePollTimeout(c)
	diags = append(diags, more...)
	if diags.HasErrors() {
		return diags
	}
	client := vendorapi.NewClient(defaults, s, p.env)
	client.Policy.RateLimitHint = "BFL allows 24 tasks in flight (6 for flux-kontext-max) per account: lower max_concurrency if other work shares the key."
	slots := map[string]*vendorapi.Limits{}
	for _, m := range Models() {
		if m.MaxInFlight < s.MaxConcurrency {
			slots[m.ID] = vendorapi.NewLimits(m.MaxInFlight, 0, 0, p.env)
		}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.client, p.pollTimeout, p.modelSlots = client, timeout, slots
	return diags
}

func (p *Provider) configured() (*vendorapi.Client, time.Duration, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, 0, &sdk.Error{Kind: sdk.ErrFailed, Message: "the bfl provider was not configured before Generate"}
	}
	return p.client, p.pollTimeout, nil
}

// acquire takes, for a model with a lower limit of tasks in flight, one
// of the model's slots, then one of the provider's: tasks waiting for
// their model hold no provider slot.
func (p *Provider) acquire(ctx context.Context, client *vendorapi.Client, model string) (func(), error) {
	p.mu.Lock()
	own := p.modelSlots[model]
	p.mu.Unlock()
	releaseOwn := func() {}
	if own != nil {
		r, err := own.Acquire(ctx)
		if err != nil {
			return nil, err
		}
		releaseOwn = r
	}
	release, err := client.Limits.Acquire(ctx)
	if err != nil {
		releaseOwn()
		return nil, err
	}
	return func() { release(); releaseOwn() }, nil
}
