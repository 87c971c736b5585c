package vendorapi

import (
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"time"

	"github.com/easelhq/easel/internal/ctxtime"
)

// Env is what a provider takes from its surroundings: environment
// variables, the clock, sleeping, jitter and the HTTP transport. Tests
// replace any of them; zero fields take the real ones (WithDefaults).
type Env struct {
	// Getenv reads the API key's environment variable at Configure time.
	Getenv func(string) string
	// Now is the clock: Retry-After dates, the token bucket, poll deadlines
	// and model lifecycle dates read it.
	Now func() time.Time
	// Sleep waits d or until ctx is done, returning ctx.Err() then.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter returns a number in [0, 1) to spread retries.
	Jitter func() float64
	// HTTPClient sends requests; nil builds one per configured provider,
	// sized to max_concurrency. Its own timeout, if any, must exceed the
	// provider's timeout.
	HTTPClient *http.Client
}

// WithDefaults fills unset fields with the real environment.
func (e Env) WithDefaults() Env {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.Now == nil {
		e.Now = time.Now
	}
	if e.Sleep == nil {
		e.Sleep = ctxtime.Sleep
	}
	if e.Jitter == nil {
		e.Jitter = rand.Float64
	}
	return e
}

// newHTTPClient is a client whose idle pool fits concurrency connections:
// per host, and in all (the default keeps 100, so past 100 requests at
// once the rest would be closed after each answer and dialled again).
func newHTTPClient(concurrency int) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = max(concurrency, 2)
	t.MaxIdleConns = max(concurrency, t.MaxIdleConns)
	return &http.Client{Transport: t}
}
