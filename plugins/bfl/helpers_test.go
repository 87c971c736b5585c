package bfl

import (
	"strings"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/internal/vendorapi/vendortest"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

const testKey = "bfl_TESTKEY_0123456789abcdefXYZ"

// newRequest builds an image request the way easel does; "output" sets
// the output path, out.jpg unless given.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	return vendortest.Request(t, imageAttrs(), append([]any{"output", "out.jpg"}, kv...)...)
}

// pngRef is a file reference holding a real w x h PNG, with its size.
func pngRef(t testing.TB, name string, w, h int) sdk.Reference {
	t.Helper()
	return vendortest.Sized(vendortest.FileRef(name, "image/png", vendortest.Image(t, "png", w, h)), w, h)
}

func urlRef(u string) sdk.Reference { return vendortest.URLRef(u) }

func providerConfig(kv map[string]cty.Value) sdk.Config {
	return vendortest.Config(providerAttrs(), kv)
}

// clock is the shared fake clock, with the test key in its environment.
type clock struct{ *vendortest.Clock }

func newClock() *clock { return &clock{vendortest.NewClock(vendortest.Day())} }

func (c *clock) env() vendorapi.Env {
	return vendorapi.Env{Now: c.Now, Sleep: c.Sleep, Jitter: vendortest.NoJitter,
		Getenv: vendortest.Getenv(map[string]string{"BFL_API_KEY": testKey})}
}

// startFake serves a fake BFL and returns a provider configured for it
// (extra provider attributes in kv) on a fake clock.
func startFake(t testing.TB, cfg fakeapi.BFLConfig, kv map[string]cty.Value) (*Provider, *fakeapi.BFL, *clock) {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	clk := newClock()
	p := NewWithEnv(clk.env())
	return p, vendortest.Serve(t, p, providerAttrs(), fakeapi.NewBFL(cfg), kv), clk
}

func submissions(fake *fakeapi.BFL) int {
	n := 0
	for _, r := range fake.Received() {
		if r.Method == "POST" {
			n++
		}
	}
	return n
}

func deref(f *float64) float64 {
	if f == nil {
		return -1
	}
	return *f
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
