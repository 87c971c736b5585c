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

// script returns an attempt function that plays outcomes in order; past
// the end it succeeds.
func script(outs ...Outcome) (func(context.Context) Outcome, *int) {
	n := 0
	return func(context.Context) Outcome {
		n++
		if n > len(outs) {
			return Outcome{Class: Success}
		}
		return outs[n-1]
	}, &n
}

func sdkErr(kind sdk.ErrorKind, msg string) *sdk.Error { return &sdk.Error{Kind: kind, Message: msg} }

var (
	rateLimited = Outcome{Class: RateLimited, Err: sdkErr(sdk.ErrRateLimit, "HTTP 429: slow down"), RetryAfter: 3 * time.Second}
	unsent      = Outcome{Class: Unsent, Err: sdkErr(sdk.ErrFailed, "could not send")}
	billed      = Outcome{Class: MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, Message: "Acme failed: HTTP 500", MayHaveBilled: true}}
	refused     = Outcome{Class: Final, Err: sdkErr(sdk.ErrRefused, "refused")}
)

func TestRun(t *testing.T) {
	tests := []struct {
		name         string
		billedMax    int
		outs         []Outcome
		wantAttempts int
		wantSleeps   []time.Duration
		wantBilled   int
		wantKind     sdk.ErrorKind // "" for success
		wantMsg      string        // substring of the error message
		wantMayBill  bool
	}{
		{name: "success at once", wantAttempts: 1, wantSleeps: nil},
		{name: "rate limits honour Retry-After", outs: []Outcome{rateLimited, rateLimited},
			wantAttempts: 3, wantSleeps: []time.Duration{3 * time.Second, 3 * time.Second}},
		{name: "unsent retries back off exponentially", outs: []Outcome{unsent, unsent, unsent},
			wantAttempts: 4, wantSleeps: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{name: "unsent gives up after three retries", outs: []Outcome{unsent, unsent, unsent, unsent},
			wantAttempts: 4, wantSleeps: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
			wantKind: sdk.ErrFailed, wantMsg: "could not send"},
		{name: "a billed failure is retried once and counted", billedMax: 1, outs: []Outcome{billed},
			wantAttempts: 2, wantSleeps: []time.Duration{time.Second}, wantBilled: 1},
		{name: "billed twice with one retry allowed", billedMax: 1, outs: []Outcome{billed, billed},
			wantAttempts: 2, wantSleeps: []time.Duration{time.Second}, wantBilled: 1,
			wantKind: sdk.ErrFailed, wantMsg: "Acme failed: HTTP 500 (after 1 retries that may have been billed)", wantMayBill: true},
		{name: "no billed retry allowed", billedMax: 0, outs: []Outcome{billed},
			wantAttempts: 1, wantKind: sdk.ErrFailed, wantMsg: "Acme failed: HTTP 500", wantMayBill: true},
		{name: "a refusal after a billed retry says it may have billed", billedMax: 1, outs: []Outcome{billed, refused},
			wantAttempts: 2, wantSleeps: []time.Duration{time.Second}, wantBilled: 1,
			wantKind: sdk.ErrRefused, wantMsg: "refused (after 1 retries", wantMayBill: true},
		{name: "final is not retried", outs: []Outcome{refused}, wantAttempts: 1, wantKind: sdk.ErrRefused, wantMsg: "refused"},
		{name: "rate limit gives up after eight retries",
			outs:         []Outcome{rateLimited, rateLimited, rateLimited, rateLimited, rateLimited, rateLimited, rateLimited, rateLimited, rateLimited},
			wantAttempts: 9, wantSleeps: []time.Duration{3e9, 3e9, 3e9, 3e9, 3e9, 3e9, 3e9, 3e9},
			wantKind: sdk.ErrRateLimit, wantMsg: "still rate limited after 9 attempts: HTTP 429: slow down"},
		{name: "a Retry-After too long to wait ends at once",
			outs:         []Outcome{{Class: RateLimited, Err: sdkErr(sdk.ErrRateLimit, "HTTP 429"), RetryAfter: time.Hour}},
			wantAttempts: 1, wantKind: sdk.ErrRateLimit, wantMsg: "Acme asks to wait 1h0m0s"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fc := newFakeClock()
			c := testClient(fc, Settings{MaxBilledRetries: tt.billedMax})
			attempt, _ := script(tt.outs...)
			st, err := c.Run(context.Background(), attempt)
			if st.Attempts != tt.wantAttempts || st.BilledRetries != tt.wantBilled {
				t.Errorf("Stats = %+v, want %d attempts, %d billed retries", st, tt.wantAttempts, tt.wantBilled)
			}
			if diff := cmp.Diff(tt.wantSleeps, fc.Sleeps()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
			checkErr(t, err, tt.wantKind, tt.wantMsg, tt.wantMayBill)
		})
	}
}

func checkErr(t *testing.T, err error, kind sdk.ErrorKind, msg string, mayBill bool) {
	t.Helper()
	if kind == "" {
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
		return
	}
	var se *sdk.Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v (%T), want *sdk.Error %s", err, err, kind)
	}
	if se.Kind != kind || !strings.Contains(se.Message, msg) || se.MayHaveBilled != mayBill {
		t.Errorf("err = {%s %q MayHaveBilled=%v}, want {%s containing %q MayHaveBilled=%v}", se.Kind, se.Message, se.MayHaveBilled, kind, msg, mayBill)
	}
}

// Jitter spreads waits: up to a fifth more than Retry-After, up to a
// quarter less than the backoff.
func TestRunJitter(t *testing.T) {
	fc := newFakeClock()
	c := testClient(fc, Settings{})
	c.Env.Jitter = func() float64 { return 0.5 }
	attempt, _ := script(rateLimited, unsent)
	if _, err := c.Run(context.Background(), attempt); err != nil {
		t.Fatal(err)
	}
	want := []time.Duration{3*time.Second + 300*time.Millisecond, time.Second - 125*time.Millisecond}
	if diff := cmp.Diff(want, fc.Sleeps()); diff != "" {
		t.Errorf("sleeps (-want +got):\n%s", diff)
	}
}

// After a quota error no call reaches the vendor again.
func TestRunQuotaLatches(t *testing.T) {
	fc := newFakeClock()
	c := testClient(fc, Settings{})
	attempt, n := script(Outcome{Class: Final, Err: c.QuotaError("HTTP 402: no credits")})
	_, err := c.Run(context.Background(), attempt)
	checkErr(t, err, sdk.ErrQuota, "the Acme account is out of credits: HTTP 402: no credits", false)
	_, err = c.Run(context.Background(), attempt)
	checkErr(t, err, sdk.ErrQuota, "out of credits", false)
	if *n != 1 {
		t.Errorf("%d attempts, want 1: the second call must not reach the vendor", *n)
	}
}

func TestRunCancelledWhileWaiting(t *testing.T) {
	fc := newFakeClock()
	c := testClient(fc, Settings{})
	ctx, cancel := context.WithCancel(context.Background())
	attempt := func(context.Context) Outcome { cancel(); return rateLimited }
	if _, err := c.Run(ctx, attempt); !errors.Is(err, context.Canceled) {
		t.Errorf("Run = %v, want context.Canceled", err)
	}
}

// Generate returns the Response of the attempt that succeeded, with the
// billed retries before it and the request's warnings ahead of its own.
func TestGenerateReturnsTheSuccessfulAttemptsResponse(t *testing.T) {
	c := testClient(newFakeClock(), Settings{MaxBilledRetries: 1})
	made := 0
	attempt := func(context.Context) Outcome {
		if made++; made == 1 {
			return billed
		}
		return Outcome{Class: Success, Response: &sdk.Response{Metadata: map[string]string{"attempt": "2"},
			Warnings: sdk.Diagnostics{sdk.Warnf("size", "Rounded", "to 1024.")}}}
	}
	resp, err := c.Generate(context.Background(), sdk.Diagnostics{sdk.Warnf("model", "Deprecated", "soon.")}, attempt)
	if err != nil {
		t.Fatal(err)
	}
	if resp.Metadata["attempt"] != "2" || resp.BilledRetries != 1 || len(resp.Warnings) != 2 || resp.Warnings[0].Attribute != "model" {
		t.Errorf("Generate = %+v", resp)
	}
	// A provider whose success carries no Response is a bug, not a nil image.
	_, err = c.Generate(context.Background(), nil, func(context.Context) Outcome { return Outcome{Class: Success} })
	if err == nil || !strings.Contains(err.Error(), "no response") {
		t.Errorf("Generate of an empty success = %v, want an error", err)
	}
}
