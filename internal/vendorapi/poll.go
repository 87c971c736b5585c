package vendorapi

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PollConfig paces an async poller.
type PollConfig struct {
	// Interval is the first wait between polls (default 1 s); each wait
	// grows by Multiplier (default 1.5) up to MaxInterval (default 5 s).
	Interval    time.Duration
	MaxInterval time.Duration
	Multiplier  float64
	// Deadline bounds the whole poll from its start (default 10 minutes).
	Deadline time.Duration
	// MaxTransient is how many failed polls in a row are tolerated
	// (default 5).
	MaxTransient int
}

func (p PollConfig) withDefaults() PollConfig {
	if p.Interval <= 0 {
		p.Interval = time.Second
	}
	if p.MaxInterval < p.Interval {
		p.MaxInterval = max(5*time.Second, p.Interval)
	}
	if p.Multiplier < 1 {
		p.Multiplier = 1.5
	}
	if p.Deadline <= 0 {
		p.Deadline = 10 * time.Minute
	}
	if p.MaxTransient <= 0 {
		p.MaxTransient = 5
	}
	return p
}

// TransientError is a failed poll worth repeating (a dropped connection,
// a 429 or 5xx on a status GET), after RetryAfter if the vendor said.
type TransientError struct {
	Err        error
	RetryAfter time.Duration
}

func (e *TransientError) Error() string { return e.Err.Error() }
func (e *TransientError) Unwrap() error { return e.Err }

// PollTimeoutError ends a poll that saw no terminal status in time.
type PollTimeoutError struct {
	After      time.Duration
	Polls      int
	LastStatus string
}

func (e *PollTimeoutError) Error() string {
	s := fmt.Sprintf("no result after %s (%d polls)", e.After.Round(time.Second), e.Polls)
	if e.LastStatus != "" {
		s += "; last status " + e.LastStatus
	}
	return s
}

// PollErr turns the outcome of a failed status request into what check
// returns: everything but a final outcome is transient, since a status
// GET is never billed.
func PollErr(out Outcome) error {
	if out.Class == Final {
		return out.Err
	}
	return &TransientError{Err: out.Err, RetryAfter: out.RetryAfter}
}

// Poll calls check until it reports done, returns an error, or the
// deadline passes. check returns the task's status for messages, whether
// it is terminal, and an error: a *TransientError is tolerated
// MaxTransient times in a row, any other ends the poll. Waits grow from
// Interval to MaxInterval and never pass the deadline; ctx ends the poll
// at once with its error. A timeout is a *PollTimeoutError.
func (c *Client) Poll(ctx context.Context, cfg PollConfig, check func(ctx context.Context) (status string, done bool, err error)) error {
	cfg = cfg.withDefaults()
	start := c.Env.Now()
	deadline := start.Add(cfg.Deadline)
	wait := cfg.Interval
	var polls, transient int
	var last string
	for {
		status, done, err := check(ctx)
		polls++
		var te *TransientError
		switch {
		case err == nil && done:
			return nil
		case err == nil:
			transient, last = 0, status
		case ctx.Err() != nil:
			return ctx.Err()
		case !errors.As(err, &te):
			return err
		case transient+1 > cfg.MaxTransient:
			return te.Err
		default:
			transient++
		}
		next := wait
		if te != nil && te.RetryAfter > next {
			next = te.RetryAfter
		}
		left := deadline.Sub(c.Env.Now())
		if left <= 0 {
			return &PollTimeoutError{After: cfg.Deadline, Polls: polls, LastStatus: last}
		}
		if err := c.Env.Sleep(ctx, min(next, left)); err != nil {
			return err
		}
		wait = min(time.Duration(float64(wait)*cfg.Multiplier), cfg.MaxInterval)
	}
}
