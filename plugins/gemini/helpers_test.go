package gemini

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

const testKey = "AIzaSyTEST-0123456789abcdefghijklmnopq"

// today is the day the lifecycle is checked at.
var today = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// clock is a fake clock: sleeping moves it forward at once and is
// recorded, so retries cost no wall time.
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
	c.now = c.now.Add(d)
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// testProvider is a provider on a fake clock with env as its environment.
func testProvider(env map[string]string) (*Provider, *clock) {
	c := &clock{now: today}
	p := NewWithOptions(Options{Env: vendorapi.Env{Now: c.Now, Sleep: c.Sleep, Jitter: func() float64 { return 0 },
		Getenv: func(k string) string { return env[k] }}})
	return p, c
}

// configured is a provider configured against a fake Gemini.
func configured(t testing.TB, cfg fakeapi.GeminiConfig, kv ...any) (*Provider, *fakeapi.Gemini, *clock) {
	t.Helper()
	cfg.APIKey = testKey
	fake := fakeapi.NewGemini(cfg)
	p, c := testProvider(map[string]string{KeyEnv: testKey})
	if diags := p.Configure(context.Background(), providerConfig(append([]any{"base_url", fake.Start(t)}, kv...)...)); diags.HasErrors() {
		t.Fatalf("Configure: %v", diags)
	}
	return p, fake, c
}

// newRequest builds an image request as easel does: every attribute
// present, defaults applied, null where unset. "output" sets the output
// path and format.
func newRequest(t testing.TB, kv ...string) *sdk.Request {
	t.Helper()
	req := &sdk.Request{Address: "image.test", OutputPath: "out.png", Format: "png", SpecHash: "sha256:00"}
	given := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "output" {
			req.OutputPath = kv[i+1]
			req.Format, _ = imagefmt.FormatFromPath(req.OutputPath)
			continue
		}
		given[kv[i]] = kv[i+1]
	}
	vals := map[string]cty.Value{}
	for _, a := range imageAttrs() {
		switch v, ok := given[a.Name]; {
		case ok:
			vals[a.Name] = cty.StringVal(v)
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

func providerConfig(kv ...any) sdk.Config {
	given := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		given[kv[i].(string)] = kv[i+1]
	}
	vals := map[string]cty.Value{}
	for _, a := range providerAttrs() {
		switch v, ok := given[a.Name]; {
		case ok && a.Type == cty.Number:
			vals[a.Name] = cty.NumberIntVal(int64(v.(int)))
		case ok:
			vals[a.Name] = cty.StringVal(v.(string))
		case a.Default != cty.NilVal:
			vals[a.Name] = a.Default
		default:
			vals[a.Name] = cty.NullVal(a.Type)
		}
	}
	return sdk.Config{Values: cty.ObjectVal(vals)}
}

// imageBytes is a real w x h image in format.
func imageBytes(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var buf bytes.Buffer
	if err := imagefmt.Encode(&buf, m, format, 0); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileRef is a file reference with its bytes.
func fileRef(name, format string, data []byte) sdk.Reference {
	ref := sdk.NewReference("file", name, "", imagefmt.MediaType(format), int64(len(data)),
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	return ref
}

// planRef is a reference as plan time sees it: no bytes.
func planRef(name, mediaType string, size int64) sdk.Reference {
	return sdk.NewReference("file", name, "", mediaType, size, nil)
}

// readAll reads a response's image.
func readAll(t testing.TB, r *sdk.Response) []byte {
	t.Helper()
	data, err := io.ReadAll(r.Image)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
