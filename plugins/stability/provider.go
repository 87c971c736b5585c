package stability

import (
	"context"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Version is the provider's release version.
const Version = "0.1.0"

// DefaultBaseURL is Stability AI's REST API.
const DefaultBaseURL = "https://api.stability.ai"

// KeyEnv is where the API key comes from.
const KeyEnv = "STABILITY_API_KEY"

func defaults() vendorapi.Defaults {
	return vendorapi.Defaults{Vendor: "Stability", KeyEnv: KeyEnv, BaseURL: DefaultBaseURL,
		Timeout: 3 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}
}

// Options replace the provider's environment, so tests control it.
type Options struct {
	Env vendorapi.Env
}

// Provider is the Stability provider. It is safe for concurrent use once
// configured.
type Provider struct {
	env vendorapi.Env

	mu     sync.Mutex
	client *vendorapi.Client
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

// ValidateConfig checks the provider block at plan time.
func (p *Provider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	_, diags := vendorapi.ParseSettings(c, defaults())
	return diags
}

// Configure checks the provider block and takes the key from api_key or
// $STABILITY_API_KEY.
func (p *Provider) Configure(_ context.Context, c sdk.Config) sdk.Diagnostics {
	s, diags := vendorapi.Configure(c, defaults(), p.env.Getenv)
	if diags.HasErrors() {
		return diags
	}
	client := vendorapi.NewClient(defaults(), s, p.env)
	client.Policy.RateLimitHint = "Stability allows about 150 requests per 10 seconds: lower max_concurrency or set requests_per_minute in the provider block."
	p.mu.Lock()
	p.client = client
	p.mu.Unlock()
	return diags
}

func (p *Provider) configured() (*vendorapi.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, &sdk.Error{Kind: sdk.ErrFailed, Message: "the stability provider was not configured before Generate"}
	}
	return p.client, nil
}
