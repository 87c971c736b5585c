package vendortest

import (
	"context"
	"sync"
	"time"
)

// Day is the moment tests run at unless they say otherwise: 2026-11-26
// 12:00 UTC, a day on which the model tables' lifecycles are known.
func Day() time.Time { return time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC) }

// Clock is a fake clock for vendorapi.Env: sleeping records the wait and
// moves the clock forward at once, so retries and polling cost no wall
// time. It is safe for concurrent use.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

// NewClock returns a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep records d and moves the clock forward by it (a negative d not at
// all), or returns ctx's error without sleeping once ctx is done.
func (c *Clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(max(d, 0))
	return nil
}

// Advance moves the clock forward by d without a recorded sleep.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Sleeps returns the waits asked for so far, oldest first.
func (c *Clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// NoJitter is a jitter source that always returns 0, so backoffs are
// exact.
func NoJitter() float64 { return 0 }

// Getenv reads environment variables from vars only.
func Getenv(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}
