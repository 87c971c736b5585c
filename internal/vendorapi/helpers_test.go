package vendorapi

import (
	"testing"
	"time"

	"github.com/easelhq/easel/internal/vendorapi/vendortest"
)

const testKey = "oak-live-0123456789abcdefghijKLMN"

// fakeClock is vendortest's clock, which sleeping moves forward.
type fakeClock struct{ *vendortest.Clock }

func newFakeClock() *fakeClock { return &fakeClock{vendortest.NewClock(vendortest.Day())} }

// env is an Env on fc with no jitter and no environment variables.
func (f *fakeClock) env() Env {
	return Env{Now: f.Now, Sleep: f.Sleep, Jitter: vendortest.NoJitter, Getenv: vendortest.Getenv(nil)}
}

// testClient is a client of vendor "Acme" with the test key.
func testClient(fc *fakeClock, s Settings) *Client {
	if s.APIKey == "" {
		s.APIKey = testKey
	}
	if s.MaxConcurrency == 0 {
		s.MaxConcurrency = 2
	}
	if s.Timeout == 0 {
		s.Timeout = 5 * time.Second
	}
	return NewClient(Defaults{Vendor: "Acme", KeyEnv: "ACME_API_KEY"}, s, fc.env())
}

// encodeImage is a real image of the given size and format.
func encodeImage(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	return vendortest.Image(t, format, w, h)
}
