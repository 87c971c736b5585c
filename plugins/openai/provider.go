package openai

import (
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Options replace the provider's environment, clock, network and sleeping,
// so tests control them; zero fields take the real ones. Getenv also reads
// EASEL_OPENAI_TODAY when the provider is made, and Now decides model
// lifecycle status unless that variable names another day.
type Options = vendorapi.Env

// TodayEnv names the variable that sets the day model lifecycles are
// judged on (YYYY-MM-DD) instead of the real date, so a team can see ahead
// what a coming shutdown will break.
const TodayEnv = "EASEL_OPENAI_TODAY"

// defaults are the shared provider-block settings as OpenAI has them.
var defaults = vendorapi.Defaults{Vendor: "OpenAI", KeyEnv: "OPENAI_API_KEY", BaseURL: DefaultBaseURL,
	Timeout: 10 * time.Minute, MaxConcurrency: 4, MaxBilledRetries: 1}

// Provider is the OpenAI provider. It is safe for concurrent use once
// configured.
type Provider struct {
	env vendorapi.Env
	// today is the moment model lifecycles are judged at.
	today  func() time.Time
	models modelTable

	mu     sync.Mutex // guards the fields below, set by Configure
	client *vendorapi.Client
	cfg    *settings
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
	env := opts.WithDefaults()
	return &Provider{env: env, today: lifecycleClock(env.Getenv(TodayEnv), env.Now), models: Models()}
}

// configured returns the client and OpenAI's own settings, or an error
// before Configure.
func (p *Provider) configured() (*vendorapi.Client, *settings, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client == nil {
		return nil, nil, &sdk.Error{Kind: sdk.ErrFailed, Message: "the openai provider was not configured before Generate"}
	}
	return p.client, p.cfg, nil
}

// lifecycleClock is noon UTC of day when it is a YYYY-MM-DD date
// (EASEL_OPENAI_TODAY), else now.
func lifecycleClock(day string, now func() time.Time) func() time.Time {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(day))
	if err != nil {
		return now
	}
	t = t.Add(12 * time.Hour)
	return func() time.Time { return t }
}
