// Package ctxtime has the timing helpers that easel's HTTP clients, its
// URL fetcher and its offline providers share: a sleep that ends with its
// context, and how long an answer asks to wait (RetryAfter).
package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx is done, and then returns ctx.Err(). A d of
// zero or less returns at once.
func Sleep(ctx context.Context, d time.Duration) error {
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
