package gemini

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Version is the provider's release version.
const Version = "0.1.0"

// DefaultBaseURL is the Gemini Developer API.
const DefaultBaseURL = "https://generativelanguage.googleapis.com"

// KeyEnv is where the API key comes from; FallbackKeyEnv is read when it
// is unset (go-genai reads both).
const (
	KeyEnv         = "GEMINI_API_KEY"
	FallbackKeyEnv = "GOOGLE_API_KEY"
)

// defaults are the shared provider-block settings' defaults. A 4K image
// from Nano Banana Pro takes up to a minute or two.
func defaults() vendorapi.Defaults {
	return vendorapi.Defaults{Vendor: "Gemini", KeyEnv: KeyEnv, BaseURL: DefaultBaseURL,
		Timeout: 5 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}
}

// Options replace the provider's environment (variables, clock, sleeping,
// jitter, HTTP client), so tests control them.
type Options struct {
	Env vendorapi.Env
}

// Provider is the Gemini provider. It is safe for concurrent use once
// configured.
type Provider struct {
	env vendorapi.Env

	mu     sync.Mutex
	client *vendorapi.Client // set by Configure
}

var (
	_ sdk.Provider        = (*Provider)(nil)
	_ sdk.Validator       = (*Provider)(nil)
	_ sdk.Estimator       = (*Provider)(nil)
	_ sdk.ConfigValidator = (*Provider)(nil)
)

// New returns the provider with the real environment, for easel's list of
// built-in providers.
func New() sdk.Provider { return NewWithOptions(Options{}) }

// NewWithOptions returns the provider with parts of its environment
// replaced.
func NewWithOptions(opts Options) *Provider {
	return &Provider{env: opts.Env.WithDefaults()}
}

// ValidateConfig checks the provider block at plan time; the key is not
// needed yet.
func (p *Provider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	_, diags := vendorapi.ParseSettings(c, defaults())
	return diags
}

// Configure checks the provider block and takes the key from api_key,
// $GEMINI_API_KEY or $GOOGLE_API_KEY.
func (p *Provider) Configure(_ context.Context, c sdk.Config) sdk.Diagnostics {
	getenv := func(name string) string {
		if v := strings.TrimSpace(p.env.Getenv(name)); v != "" || name != KeyEnv {
			return v
		}
		return p.env.Getenv(FallbackKeyEnv)
	}
	s, diags := vendorapi.Configure(c, defaults(), getenv)
	if diags.HasErrors() {
		for i := range diags {
			if diags[i].Attribute == "api_key" {
				diags[i].Detail = "Set the GEMINI_API_KEY (or GOOGLE_API_KEY) environment variable, or api_key in the provider block (from a variable marked sensitive)."
			}
		}
		return diags
	}
	client := vendorapi.NewClient(defaults(), s, p.env)
	client.Policy.RateLimitHint = "Lower max_concurrency or set requests_per_minute in the provider block to stay under your Gemini tier's limits (requests and images per minute)."
	p.mu.Lock()
	p.client = client
	p.mu.Unlock()
	return diags
}

func (p *Provider) configured() (*vendorapi.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, &sdk.Error{Kind: sdk.ErrFailed, Message: "the gemini provider was not configured before Generate"}
	}
	return p.client, nil
}
