package openai

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

// Options replace the provider's environment, clock, network and sleeping,
// so tests control them. Zero fields take the real ones.
type Options struct {
	// Getenv reads OPENAI_API_KEY at Configure time, and EASEL_OPENAI_TODAY
	// when the provider is made.
	Getenv func(string) string
	// Now is the clock: it decides model lifecycle status (deprecated, shut
	// down) unless EASEL_OPENAI_TODAY names another day, and paces requests.
	Now func() time.Time
	// HTTPClient sends requests; nil builds one sized to max_concurrency.
	// Its own timeout, if any, should exceed the provider's timeout.
	HTTPClient *http.Client
	// Sleep waits between retries and for requests_per_minute.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) to spread retries.
	Jitter func() float64
}

// TodayEnv names the variable that sets the day model lifecycles are
// judged on (YYYY-MM-DD) instead of the real date, so a team can see ahead
// what a coming shutdown will break.
const TodayEnv = "EASEL_OPENAI_TODAY"

func (o Options) withDefaults() Options {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Jitter == nil {
		o.Jitter = rand.Float64
	}
	return o
}

// Provider is the OpenAI provider. It is safe for concurrent use once
// configured.
type Provider struct {
	opts Options
	// today is the moment model lifecycles are judged at.
	today  func() time.Time
	models modelTable

	mu     sync.Mutex // guards the fields below, set by Configure
	cfg    *settings
	client *http.Client
	limits *limits
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
	opts = opts.withDefaults()
	return &Provider{opts: opts, today: lifecycleClock(opts.Getenv(TodayEnv), opts.Now), models: Models()}
}

// configure installs checked settings.
func (p *Provider) configure(s settings) {
	client := p.opts.HTTPClient
	if client == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = s.maxConcurrency
		client = &http.Client{Transport: t}
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cfg, p.client = &s, client
	p.limits = newLimits(s.maxConcurrency, s.requestsPerMin, p.opts.Now, p.opts.Sleep)
}

// configured returns the settings, client and limits, or an error before
// Configure.
func (p *Provider) configured() (*settings, *http.Client, *limits, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cfg == nil {
		return nil, nil, nil, &sdk.Error{Kind: sdk.ErrFailed, Message: "the openai provider was not configured before Generate"}
	}
	return p.cfg, p.client, p.limits, nil
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
