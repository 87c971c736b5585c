package vendorapi

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
)

func TestLimitsPace(t *testing.T) {
	tests := []struct {
		name      string
		perMinute int
		burst     int
		gaps      []time.Duration // clock advance before each Pace
		want      []time.Duration // each Pace's wait
	}{
		{name: "unlimited never waits", perMinute: 0, gaps: make([]time.Duration, 3), want: nil},
		{name: "60 a minute: one a second after the first", perMinute: 60, burst: 1,
			gaps: make([]time.Duration, 4), want: []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second}},
		{name: "a burst of 3 then the pace", perMinute: 60, burst: 3,
			gaps: make([]time.Duration, 5), want: []time.Duration{0, 0, 0, time.Second, 2 * time.Second}},
		{name: "idle time refills, up to the burst", perMinute: 60, burst: 2,
			gaps: []time.Duration{0, 0, 10 * time.Second, 0, 0}, want: []time.Duration{0, 0, 0, 0, time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			var waits []time.Duration
			env := fc.env()
			env.Sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
			l := NewLimits(1, tt.perMinute, tt.burst, env)
			for _, g := range tt.gaps {
				fc.Advance(g)
				if err := l.Pace(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			if diff := cmp.Diff(tt.want, waits); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

// A caller that gives up while waiting gives its token back: the next
// caller waits no longer than it would have.
func TestLimitsPaceCancelReturnsToken(t *testing.T) {
	fc := newFakeClock()
	env := fc.env()
	var waits []time.Duration
	cancelled := errors.New("gave up")
	env.Sleep = func(ctx context.Context, d time.Duration) error {
		waits = append(waits, d)
		if len(waits) == 2 {
			return cancelled
		}
		return nil
	}
	l := NewLimits(1, 60, 1, env)
	_ = l.Pace(context.Background())
	if err := l.Pace(context.Background()); !errors.Is(err, cancelled) {
		t.Fatalf("Pace = %v, want the sleep's error", err)
	}
	_ = l.Pace(context.Background())
	if diff := cmp.Diff([]time.Duration{0, time.Second, time.Second}, waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
}

func TestLimitsAcquire(t *testing.T) {
	l := NewLimits(2, 0, 0, Env{})
	ctx := context.Background()
	r1, err1 := l.Acquire(ctx)
	r2, err2 := l.Acquire(ctx)
	if err1 != nil || err2 != nil {
		t.Fatalf("Acquire: %v, %v", err1, err2)
	}
	full, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Acquire(full); !errors.Is(err, context.Canceled) {
		t.Fatalf("third Acquire with two slots taken = %v, want context.Canceled", err)
	}
	r1()
	r1() // a second release must not free another caller's slot
	r3, err := l.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Acquire(full); err == nil {
		t.Fatal("a double release freed a slot")
	}
	r2()
	r3()
}

func TestLimitsQuotaLatch(t *testing.T) {
	l := NewLimits(1, 0, 0, Env{})
	if l.Exhausted() != nil {
		t.Fatal("a new Limits is exhausted")
	}
	l.SetExhausted(&sdk.Error{Kind: sdk.ErrQuota, Message: "first"})
	l.SetExhausted(&sdk.Error{Kind: sdk.ErrQuota, Message: "second"})
	e := l.Exhausted()
	e.Message += " (changed by a caller)"
	if got := l.Exhausted().Message; got != "first" {
		t.Errorf("Exhausted().Message = %q, want the first error, unchanged", got)
	}
	// Out of quota, a caller does not queue for the busy slot: it fails at once.
	held := NewLimits(1, 0, 0, Env{})
	release, err := held.Acquire(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	held.SetExhausted(&sdk.Error{Kind: sdk.ErrQuota, Message: "out"})
	done := make(chan error, 1)
	go func() { _, err := held.Acquire(context.Background()); done <- err }()
	select {
	case err := <-done:
		var se *sdk.Error
		if !errors.As(err, &se) || se.Kind != sdk.ErrQuota {
			t.Errorf("Acquire out of quota = %v, want the quota error", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("Acquire out of quota waited for a busy slot")
	}
}
