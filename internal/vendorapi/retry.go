package vendorapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

// Class is what one attempt's outcome means for the next step.
type Class int

const (
	// Success: the attempt produced its result.
	Success Class = iota
	// Final: no retry can help (auth, quota, invalid, refused, or the
	// caller gave up).
	Final
	// RateLimited: the vendor asked to slow down; not billed, retried
	// patiently, honouring RetryAfter.
	RateLimited
	// Unsent: the request never reached the vendor; retried.
	Unsent
	// MayHaveBilled: the vendor may have done (and billed) the work
	// although no usable result came back: a 5xx, a connection dropped
	// after the request was sent, an unusable 200. Retried at most
	// Policy.MaxBilledRetries times, each counted.
	MayHaveBilled
)

func (c Class) String() string {
	switch c {
	case Success:
		return "success"
	case Final:
		return "final"
	case RateLimited:
		return "rate limited"
	case Unsent:
		return "unsent"
	case MayHaveBilled:
		return "may have billed"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Outcome is one attempt's result. Err is an *sdk.Error (or the caller's
// ctx error) whenever Class is not Success.
type Outcome struct {
	Class      Class
	Err        error
	RetryAfter time.Duration // the vendor's hint, 0 when none
	// Response is what a successful attempt made.
	Response *sdk.Response
}

// Policy bounds retries and their waits.
type Policy struct {
	MaxRateLimitRetries int
	MaxUnsentRetries    int
	MaxBilledRetries    int
	BaseBackoff         time.Duration
	MaxBackoff          time.Duration
	// MaxRetryAfter is the longest Retry-After worth waiting for; a longer
	// one ends the call with a rate-limit error at once.
	MaxRetryAfter time.Duration
	// RateLimitHint is the hint of a final rate-limit error.
	RateLimitHint string
}

// DefaultPolicy is the policy of the openai provider: 8 rate-limit
// retries, 3 retries of unsent requests, 1 of a request that may have been
// billed, backoff from 1 s to 60 s, Retry-After up to 2 minutes.
func DefaultPolicy() Policy {
	return Policy{MaxRateLimitRetries: 8, MaxUnsentRetries: 3, MaxBilledRetries: 1,
		BaseBackoff: time.Second, MaxBackoff: time.Minute, MaxRetryAfter: 2 * time.Minute,
		RateLimitHint: "Lower max_concurrency or set requests_per_minute in the provider block to stay under the vendor's rate limits."}
}

// Stats is what the retries of one call did.
type Stats struct {
	Attempts int
	// BilledRetries counts retries of attempts that may have been billed:
	// copy it into sdk.Response.BilledRetries.
	BilledRetries int
	// MayHaveBilled is set once any attempt may have been billed.
	MayHaveBilled bool
}

// Generate is one image's call: it waits for a concurrency slot, then
// Complete.
func (c *Client) Generate(ctx context.Context, warnings sdk.Diagnostics, attempt func(ctx context.Context) Outcome) (*sdk.Response, error) {
	release, err := c.Limits.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	return c.Complete(ctx, warnings, attempt)
}

// Complete runs attempt under the retry policy (Run) and returns the
// Response of the successful attempt, with the billed retries and the
// request's warnings ahead of the answer's. For a provider that holds its
// own slot (bfl); others call Generate.
func (c *Client) Complete(ctx context.Context, warnings sdk.Diagnostics, attempt func(ctx context.Context) Outcome) (*sdk.Response, error) {
	var resp *sdk.Response
	st, err := c.Run(ctx, func(ctx context.Context) Outcome {
		out := attempt(ctx)
		resp = out.Response
		return out
	})
	if err != nil {
		return nil, err
	}
	if resp == nil {
		return nil, errors.New("a successful attempt left no response")
	}
	resp.BilledRetries = st.BilledRetries
	resp.Warnings = append(warnings, resp.Warnings...)
	return resp, nil
}

// Run calls attempt until it succeeds or the policy gives up, waiting for
// a requests_per_minute token before each attempt. The attempt builds a
// fresh request each time and returns its outcome; results travel in the
// closure. The error is an *sdk.Error completed with what the retries did,
// or ctx's error. A quota error latches the client's limits: later calls
// fail at once without a request.
func (c *Client) Run(ctx context.Context, attempt func(ctx context.Context) Outcome) (Stats, error) {
	var st Stats
	if qe := c.Limits.Exhausted(); qe != nil {
		return st, qe
	}
	var rateLimited, unsent int
	for {
		if err := c.Limits.Pace(ctx); err != nil {
			return st, err
		}
		st.Attempts++
		out := attempt(ctx)
		var wait time.Duration
		switch out.Class {
		case Success:
			return st, nil
		case RateLimited:
			rateLimited++
			if rateLimited > c.Policy.MaxRateLimitRetries || out.RetryAfter > c.Policy.MaxRetryAfter {
				return st, c.final(&st, c.rateLimitError(out, rateLimited))
			}
			wait = c.backoff(rateLimited, out.RetryAfter)
		case Unsent:
			if unsent++; unsent > c.Policy.MaxUnsentRetries {
				return st, c.final(&st, out.Err)
			}
			wait = c.backoff(unsent, out.RetryAfter)
		case MayHaveBilled:
			st.MayHaveBilled = true
			if st.BilledRetries >= c.Policy.MaxBilledRetries {
				return st, c.final(&st, out.Err)
			}
			st.BilledRetries++
			wait = c.backoff(st.BilledRetries, out.RetryAfter)
		default:
			return st, c.final(&st, out.Err)
		}
		if err := c.Env.Sleep(ctx, wait); err != nil {
			return st, err
		}
	}
}

// backoff is Retry-After plus up to a fifth more, so a crowd of waiting
// requests does not return at once; without one, exponential backoff from
// BaseBackoff with up to a quarter taken off.
func (c *Client) backoff(n int, retryAfter time.Duration) time.Duration {
	j := c.Env.Jitter()
	if retryAfter > 0 {
		return retryAfter + time.Duration(j*float64(retryAfter)/5)
	}
	d := c.Policy.BaseBackoff
	for i := 1; i < n && d < c.Policy.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.Policy.MaxBackoff)
	return d - time.Duration(j*float64(d)/4)
}

// final completes (a copy of) the error the user sees with what the
// retries did, and latches a quota error.
func (c *Client) final(st *Stats, err error) error {
	var se *sdk.Error
	if !errors.As(err, &se) {
		if err == nil {
			err = &sdk.Error{Kind: sdk.ErrFailed, Message: c.Vendor + ": the attempt failed without an error"}
		}
		return err
	}
	if se.Kind == sdk.ErrQuota {
		c.Limits.SetExhausted(se)
	}
	se = new(*se) // the attempt's error may be shared: do not change it
	se.MayHaveBilled = se.MayHaveBilled || st.MayHaveBilled
	if st.BilledRetries > 0 {
		se.Message += fmt.Sprintf(" (after %d retries that may have been billed)", st.BilledRetries)
	}
	return se
}

func (c *Client) rateLimitError(out Outcome, tries int) *sdk.Error {
	detail := "rate limited"
	var se *sdk.Error
	switch {
	case errors.As(out.Err, &se):
		detail = c.Redact(se.Message)
	case out.Err != nil:
		detail = c.Redact(out.Err.Error())
	}
	msg := fmt.Sprintf("still rate limited after %d attempts: %s", tries, detail)
	if out.RetryAfter > c.Policy.MaxRetryAfter {
		msg = fmt.Sprintf("rate limited, and %s asks to wait %s: %s", c.Vendor, out.RetryAfter.Round(time.Second), detail)
	}
	return &sdk.Error{Kind: sdk.ErrRateLimit, Message: msg, Hint: c.Policy.RateLimitHint}
}
