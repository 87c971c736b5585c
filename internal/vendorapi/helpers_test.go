package vendorapi

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/imagefmt"
)

const testKey = "oak-live-0123456789abcdefghijKLMN"

// fakeClock is a clock that sleeping moves forward, recording each sleep.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sleeps = append(f.sleeps, d)
	if d > 0 {
		f.now = f.now.Add(d)
	}
	return nil
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

func (f *fakeClock) Sleeps() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// env is an Env on fc with no jitter and no environment variables.
func (f *fakeClock) env() Env {
	return Env{Now: f.Now, Sleep: f.Sleep, Jitter: func() float64 { return 0 }, Getenv: func(string) string { return "" }}
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
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 90, 255})
		}
	}
	var buf bytes.Buffer
	if err := imagefmt.Encode(&buf, img, format, 0); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
