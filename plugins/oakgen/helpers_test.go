package oakgen

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/internal/vendorapi/vendortest"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

const testKey = "oak_live_TESTKEY0123456789abcdefXYZ"

// newRequest builds an image request the way easel does; "output" sets
// the output path and so the format.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	return vendortest.Request(t, imageAttrs(), kv...)
}

func urlRef(u string) sdk.Reference { return vendortest.URLRef(u) }

// fileRef is a local file, which Oakgen cannot be sent; opening it fails.
func fileRef(path string) sdk.Reference {
	return sdk.NewReference("file", path, "", "image/png", 100, func() (io.ReadCloser, error) { return nil, io.EOF })
}

func providerConfig(kv map[string]cty.Value) sdk.Config {
	return vendortest.Config(providerAttrs(), kv)
}

// clock is vendortest's fake clock, standing at now until first used.
// Tests make one with a struct literal, so it is built on first use.
type clock struct {
	now  time.Time
	once sync.Once
	vc   *vendortest.Clock
}

func (c *clock) shared() *vendortest.Clock {
	c.once.Do(func() { c.vc = vendortest.NewClock(c.now) })
	return c.vc
}

func (c *clock) Now() time.Time                                   { return c.shared().Now() }
func (c *clock) Sleep(ctx context.Context, d time.Duration) error { return c.shared().Sleep(ctx, d) }
func (c *clock) Sleeps() []time.Duration                          { return c.shared().Sleeps() }

// env is an environment on c whose OAKGEN_API_KEY is vars' (none: unset).
func (c *clock) env(vars map[string]string) vendorapi.Env {
	return vendorapi.Env{Now: c.Now, Sleep: c.Sleep, Jitter: vendortest.NoJitter, Getenv: vendortest.Getenv(vars)}
}

// startFake serves a fake Oakgen and returns a provider configured for it
// (extra provider attributes in kv), with a fake clock.
func startFake(t testing.TB, cfg fakeapi.OakgenConfig, kv map[string]cty.Value) (*Provider, *fakeapi.Oakgen, *clock) {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	clk := &clock{now: vendortest.Day()}
	p := NewWithEnv(clk.env(map[string]string{"OAKGEN_API_KEY": testKey}))
	return p, vendortest.Serve(t, p, providerAttrs(), fakeapi.NewOakgen(cfg), kv), clk
}

// clockEnv is an environment on a fake clock with no variables set.
func clockEnv() vendorapi.Env { return (&clock{now: vendortest.Day()}).env(nil) }

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
