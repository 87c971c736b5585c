package bfl

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
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

const testKey = "bfl_TESTKEY_0123456789abcdefXYZ"

// newRequest builds an image request the way easel does: every schema
// attribute present, null where unset. kv holds names and values (string,
// int, float64, bool or cty.Value); "output" sets the output path.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	given := map[string]cty.Value{}
	req := &sdk.Request{Address: "image.test", OutputPath: "out.jpg", Format: "jpeg", SpecHash: "sha256:00"}
	for i := 0; i+1 < len(kv); i += 2 {
		name := kv[i].(string)
		if name == "output" {
			req.OutputPath = kv[i+1].(string)
			req.Format, _ = imagefmt.FormatFromPath(req.OutputPath)
			continue
		}
		given[name] = toCty(t, kv[i+1])
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

func toCty(t testing.TB, v any) cty.Value {
	switch v := v.(type) {
	case string:
		return cty.StringVal(v)
	case int:
		return cty.NumberIntVal(int64(v))
	case float64:
		return cty.NumberFloatVal(v)
	case bool:
		return cty.BoolVal(v)
	case cty.Value:
		return v
	}
	t.Fatalf("toCty: %T", v)
	return cty.NilVal
}

// pngRef is a file reference holding a real w x h PNG.
func pngRef(t testing.TB, name string, w, h int) sdk.Reference {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0x80
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	ref := sdk.NewReference("file", name, "", "image/png", int64(len(data)), func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
	ref.Width, ref.Height = w, h
	return ref
}

func urlRef(u string) sdk.Reference { return sdk.NewReference("url", u, "", "", 0, nil) }

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

func newClock() *clock { return &clock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

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

func (c *clock) env() vendorapi.Env {
	return vendorapi.Env{Now: c.Now, Sleep: c.Sleep, Jitter: func() float64 { return 0 },
		Getenv: func(k string) string { return map[string]string{"BFL_API_KEY": testKey}[k] }}
}

// startFake serves a fake BFL and returns a provider configured for it
// (extra provider attributes in kv) on a fake clock.
func startFake(t testing.TB, cfg fakeapi.BFLConfig, kv map[string]cty.Value) (*Provider, *fakeapi.BFL, *clock) {
	t.Helper()
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	fake := fakeapi.NewBFL(cfg)
	base := fake.Start(t)
	clk := newClock()
	p := NewWithEnv(clk.env())
	attrs := map[string]cty.Value{"base_url": cty.StringVal(base)}
	for k, v := range kv {
		attrs[k] = v
	}
	if diags := p.Configure(context.Background(), providerConfig(attrs)); diags.HasErrors() {
		t.Fatalf("Configure: %v", diags)
	}
	return p, fake, clk
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
