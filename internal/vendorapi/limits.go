package vendorapi

import (
	"context"
	"sync"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

// Limits is what one configured provider shares between concurrent
// Generate calls: a concurrency cap, a requests-per-minute token bucket
// and the quota latch. It is safe for concurrent use.
type Limits struct {
	slots chan struct{}
	env   Env

	mu       sync.Mutex
	interval time.Duration // one token's refill time; 0: no pace
	burst    float64
	tokens   float64 // may go negative: reservations of waiting callers
	last     time.Time
	quota    *sdk.Error // set once the account is out of credit
}

// NewLimits allows concurrency slots and perMinute request starts per
// minute (0: unlimited) in bursts of at most burst (at least 1). The bucket
// starts full.
func NewLimits(concurrency, perMinute, burst int, env Env) *Limits {
	env = env.WithDefaults()
	l := &Limits{slots: make(chan struct{}, max(concurrency, 1)), env: env, burst: float64(max(burst, 1))}
	if perMinute > 0 {
		l.interval = time.Minute / time.Duration(perMinute)
		l.tokens = l.burst
		l.last = env.Now()
	}
	return l
}

// Acquire takes a concurrency slot; release gives it back. Hold it for a
// whole image, polling included, when the vendor counts tasks in flight.
// Once the account is out of quota it fails at once with the quota error,
// rather than queue for a slot only to fail then.
func (l *Limits) Acquire(ctx context.Context) (release func(), err error) {
	if qe := l.Exhausted(); qe != nil {
		return nil, qe
	}
	select {
	case l.slots <- struct{}{}:
		var once sync.Once
		return func() { once.Do(func() { <-l.slots }) }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Pace waits for a token of the requests-per-minute bucket. Tokens are
// reserved in call order, so concurrent callers queue fairly; a caller
// whose ctx ends gives its reservation back.
func (l *Limits) Pace(ctx context.Context) error {
	if l.interval == 0 {
		return ctx.Err()
	}
	wait := l.reserve()
	if err := l.env.Sleep(ctx, wait); err != nil {
		l.mu.Lock()
		l.tokens++
		l.mu.Unlock()
		return err
	}
	return nil
}

// reserve takes a token, possibly one not refilled yet, and returns how
// long until it is.
func (l *Limits) reserve() time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.env.Now()
	if now.After(l.last) {
		l.tokens = min(l.burst, l.tokens+float64(now.Sub(l.last))/float64(l.interval))
		l.last = now
	}
	l.tokens--
	if l.tokens >= 0 {
		return 0
	}
	return time.Duration(-l.tokens * float64(l.interval))
}

// Exhausted returns a copy of the quota error once one was seen, nil
// before: once the account is out of credit no further call is made.
func (l *Limits) Exhausted() *sdk.Error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quota == nil {
		return nil
	}
	e := *l.quota
	return &e
}

// SetExhausted latches the first quota error.
func (l *Limits) SetExhausted(e *sdk.Error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.quota == nil {
		c := *e
		l.quota = &c
	}
}
