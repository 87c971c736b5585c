package oakgen

import (
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

const testKey = "oak_live_TESTKEY0123456789abcdefXYZ"

// newRequest builds an image request the way easel does: every schema
// attribute present, defaults applied, null where unset. kv holds names
// and values (string or cty.Value); "output" sets the output path and so
// the format.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	given := map[string]cty.Value{}
	req := &sdk.Request{Address: "image.test", OutputPath: "out.png", Format: "png", SpecHash: "sha256:00"}
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			if name == "output" {
				req.OutputPath = v
				req.Format, _ = imagefmt.FormatFromPath(v)
				continue
			}
			given[name] = cty.StringVal(v)
		case cty.Value:
			given[name] = v
		default:
			t.Fatalf("newRequest: %s has type %T", name, v)
		}
	}
	vals := map[string]cty.Value{}
	for _, a := range imageAttrs() {
		switch v, ok := given[a.Name]; {
		case ok:
			vals[a.Name] = v
			delete(given, a.Name)
		case a.Default != cty.NilVal:
			vals[a.Name] = a.Default
		default:
			vals[a.Name] = cty.NullVal(a.Type)
		}
	}
	if len(given) > 0 {
		t.Fatalf("newRequest: unknown attributes %v", given)
	}
	req.Values = cty.ObjectVal(vals)
	return req
}

func urlRef(u string) sdk.Reference { return sdk.NewReference("url", u, "", "", 0, nil) }

func fileRef(path string) sdk.Reference {
	return sdk.NewReference("file", path, "", "image/png", 100, func() (io.ReadCloser, error) { return nil, io.EOF })
}

// providerConfig is a provider block with every attribute, null where not
// given.
func providerConfig(kv map[string]cty.Value) sdk.Config {
	vals := map[string]cty.Value{}
	for _, a := range providerAttrs() {
		vals[a.Name] = cty.NullVal(a.Type)
		if a.Default != cty.NilVal {
			vals[a.Name] = a.Default
		}
		if v, ok := kv[a.Name]; ok {
			vals[a.Name] = v
		}
	}
	return sdk.Config{Values: cty.ObjectVal(vals)}
}

// clock is a fake clock that sleeping moves forward at once.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(max(d, 0))
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// startFake serves a fake Oakgen and returns a provider configured for it
// (extra provider attributes in kv), with a fake clock.
func startFake(t testing.TB, cfg fakeapi.OakgenConfig, kv map[string]cty.Value) (*Provider, *fakeapi.Oakgen, *clock) {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	fake := fakeapi.NewOakgen(cfg)
	base := fake.Start(t)
	clk := &clock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	p := NewWithEnv(vendorapi.Env{Now: clk.Now, Sleep: clk.Sleep, Jitter: func() float64 { return 0 },
		Getenv: func(k string) string { return map[string]string{"OAKGEN_API_KEY": testKey}[k] }})
	attrs := map[string]cty.Value{"base_url": cty.StringVal(base)}
	for k, v := range kv {
		attrs[k] = v
	}
	if diags := p.Configure(context.Background(), providerConfig(attrs)); diags.HasErrors() {
		t.Fatalf("Configure: %v", diags)
	}
	return p, fake, clk
}

func clockEnv() vendorapi.Env {
	clk := &clock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	return vendorapi.Env{Now: clk.Now, Sleep: clk.Sleep, Jitter: func() float64 { return 0 }, Getenv: func(string) string { return "" }}
}

func deref(f *float64) float64 {
	if f == nil {
		return 0
	}
	return *f
}

func near(a, b float64) bool { return a-b < 1e-9 && b-a < 1e-9 }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
