package openai

import (
	"context"
	"sync"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

// limits holds what one configured provider shares between concurrent
// Generate calls: a concurrency cap, a request pace, and the quota latch.
type limits struct {
	slots chan struct{}
	now   func() time.Time
	sleep func(context.Context, time.Duration) error

	mu       sync.Mutex
	interval time.Duration // between request starts; 0: no pace
	next     time.Time
	quota    *sdk.Error // set once the account is out of credit
}

func newLimits(concurrency, perMinute int, now func() time.Time, sleep func(context.Context, time.Duration) error) *limits {
	l := &limits{slots: make(chan struct{}, concurrency), now: now, sleep: sleep}
	if perMinute > 0 {
		l.interval = time.Minute / time.Duration(perMinute)
	}
	return l
}

// acquire takes a concurrency slot; release gives it back.
func (l *limits) acquire(ctx context.Context) (release func(), err error) {
	select {
	case l.slots <- struct{}{}:
		return func() { <-l.slots }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// pace waits for this request's start slot under requests_per_minute.
// Slots are handed out in order, so concurrent callers queue fairly.
func (l *limits) pace(ctx context.Context) error {
	if l.interval == 0 {
		return nil
	}
	l.mu.Lock()
	now := l.now()
	start := l.next
	if start.Before(now) {
		start = now
	}
	l.next = start.Add(l.interval)
	l.mu.Unlock()
	return l.sleep(ctx, start.Sub(now))
}

// exhausted returns the quota error once one was seen.
func (l *limits) exhausted() *sdk.Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.quota
}

func (l *limits) setExhausted(e *sdk.Error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quota == nil {
		l.quota = e
	}
}
