package vendorapi

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
)

type pollStep struct {
	status string
	done   bool
	err    error
}

func TestPoll(t *testing.T) {
	transient := &TransientError{Err: sdkErr(sdk.ErrFailed, "HTTP 502")}
	slowDown := &TransientError{Err: sdkErr(sdk.ErrRateLimit, "HTTP 429"), RetryAfter: 4 * time.Second}
	final := sdkErr(sdk.ErrRefused, "Content Moderated")
	cfg := PollConfig{Interval: 500 * time.Millisecond, MaxInterval: 2 * time.Second, Multiplier: 2, Deadline: 10 * time.Second, MaxTransient: 2}
	tests := []struct {
		name       string
		steps      []pollStep // past the end: Pending forever
		wantSleeps []time.Duration
		wantErr    error  // compared with errors.Is
		wantMsg    string // or a message
	}{
		{name: "ready at once", steps: []pollStep{{"Ready", true, nil}}},
		{name: "pending then ready, waits growing to the cap",
			steps:      []pollStep{{"Pending", false, nil}, {"Pending", false, nil}, {"Pending", false, nil}, {"Pending", false, nil}, {"Ready", true, nil}},
			wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second}},
		{name: "a failed poll is tolerated",
			steps:      []pollStep{{"", false, transient}, {"Pending", false, nil}, {"", false, transient}, {"Ready", true, nil}},
			wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second}},
		{name: "a transient Retry-After is honoured",
			steps:      []pollStep{{"", false, slowDown}, {"Ready", true, nil}},
			wantSleeps: []time.Duration{4 * time.Second}},
		{name: "too many failed polls in a row",
			steps:      []pollStep{{"", false, transient}, {"", false, transient}, {"", false, transient}},
			wantSleeps: []time.Duration{500 * time.Millisecond, time.Second}, wantMsg: "failed: HTTP 502"},
		{name: "a final error ends the poll", steps: []pollStep{{"Pending", false, nil}, {"", false, final}},
			wantSleeps: []time.Duration{500 * time.Millisecond}, wantErr: final},
		{name: "the deadline ends the poll with one last look at it",
			wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second, 2 * time.Second, 500 * time.Millisecond},
			wantMsg:    "no result after 10s (8 polls); last status Pending"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			c := testClient(fc, Settings{})
			n := 0
			err := c.Poll(context.Background(), cfg, func(context.Context) (string, bool, error) {
				n++
				if n > len(tt.steps) {
					return "Pending", false, nil
				}
				s := tt.steps[n-1]
				return s.status, s.done, s.err
			})
			switch {
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("Poll = %v, want %v", err, tt.wantErr)
			case tt.wantMsg != "" && (err == nil || !strings.Contains(err.Error(), tt.wantMsg)):
				t.Errorf("Poll = %v, want %q", err, tt.wantMsg)
			case tt.wantErr == nil && tt.wantMsg == "" && err != nil:
				t.Errorf("Poll = %v, want success", err)
			}
			if diff := cmp.Diff(tt.wantSleeps, fc.Sleeps()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPollTimeoutType(t *testing.T) {
	fc := newFakeClock()
	c := testClient(fc, Settings{})
	err := c.Poll(context.Background(), PollConfig{Deadline: 3 * time.Second}, func(context.Context) (string, bool, error) {
		return "Pending", false, nil
	})
	var te *PollTimeoutError
	if !errors.As(err, &te) || te.After != 3*time.Second {
		t.Fatalf("Poll = %v, want a *PollTimeoutError after 3s", err)
	}
}

func TestPollCancelled(t *testing.T) {
	c := testClient(newFakeClock(), Settings{})
	ctx, cancel := context.WithCancel(context.Background())
	err := c.Poll(ctx, PollConfig{}, func(context.Context) (string, bool, error) {
		cancel()
		return "Pending", false, nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Poll = %v, want context.Canceled", err)
	}
}

func TestPollErr(t *testing.T) {
	var te *TransientError
	for _, cl := range []Class{RateLimited, Unsent, MayHaveBilled} {
		if err := PollErr(Outcome{Class: cl, Err: errors.New("x")}); !errors.As(err, &te) {
			t.Errorf("PollErr(%v) = %v, want transient", cl, err)
		}
	}
	if err := PollErr(Outcome{Class: Final, Err: errors.New("x")}); errors.As(err, &te) {
		t.Errorf("PollErr(final) is transient")
	}
}
