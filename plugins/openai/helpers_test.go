package openai

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

const testKey = "sk-proj-TESTKEY0123456789abcdefXYZ"

// today is the date the tests run the lifecycle at.
var today = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// newRequest builds an image request the way easel does: every schema
// attribute present, defaults applied, null where unset. kv holds
// attribute names and values (string, int or cty.Value); "output" sets
// the output path and so the format.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	given := map[string]cty.Value{}
	req := &sdk.Request{Address: "image.test", OutputPath: "out.png", Format: "png", SpecHash: "sha256:00"}
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

func withRefs(req *sdk.Request, refs ...sdk.Reference) *sdk.Request {
	req.References = refs
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
	case cty.Value:
		return v
	}
	t.Fatalf("toCty: %T", v)
	return cty.NilVal
}

// providerConfig builds a provider block's value with defaults applied.
func providerConfig(kv ...any) sdk.Config {
	given := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		given[kv[i].(string)] = kv[i+1]
	}
	vals := map[string]cty.Value{}
	for _, a := range providerAttrs() {
		switch v, ok := given[a.Name]; {
		case ok:
			vals[a.Name] = toCty(nil, v)
		case a.Default != cty.NilVal:
			vals[a.Name] = a.Default
		default:
			vals[a.Name] = cty.NullVal(a.Type)
		}
	}
	return sdk.Config{Values: cty.ObjectVal(vals)}
}

// imageBytes returns a real w x h image.
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

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewNRGBA(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h)), nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// fileRef is a file reference holding data.
func fileRef(name, mediaType string, data []byte) sdk.Reference {
	sum := sha256.Sum256(data)
	return sdk.NewReference("file", name, hex.EncodeToString(sum[:]), mediaType, int64(len(data)),
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
}

// imageRef is another image's output, whose media type is not given.
func imageRef(address string, data []byte) sdk.Reference {
	sum := sha256.Sum256(data)
	return sdk.NewReference("image", address, hex.EncodeToString(sum[:]), "", int64(len(data)),
		func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
}

// planRef is a reference as validation sees it: no bytes.
func planRef(name, mediaType string, size int64) sdk.Reference {
	return sdk.NewReference("file", name, "", mediaType, size, nil)
}

// sized gives a reference the dimensions easel read from it.
func sized(r sdk.Reference, w, h int) sdk.Reference {
	r.Width, r.Height = w, h
	return r
}

// withMask hands req the mask file the way easel does for the mask
// attribute.
func withMask(req *sdk.Request, mask sdk.Reference) *sdk.Request {
	req.SetFile("mask", mask)
	return req
}

// sleeper records the waits the provider asks for instead of waiting.
type sleeper struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeper) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeper) recorded() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// harness is a provider configured against a fake OpenAI server.
type harness struct {
	p     *Provider
	fake  *fakeapi.OpenAI
	sleep *sleeper
}

// newHarness starts a fake with cfg (its key set to testKey) and a
// provider configured against it; settings add provider attributes.
func newHarness(t testing.TB, cfg fakeapi.Config, settings ...any) *harness {
	t.Helper()
	cfg.APIKey = testKey
	h := &harness{fake: fakeapi.NewOpenAI(cfg), sleep: &sleeper{}}
	url := h.fake.Start(t)
	h.p = NewWithOptions(Options{
		Getenv: func(k string) string { return map[string]string{"OPENAI_API_KEY": testKey}[k] },
		Now:    func() time.Time { return today },
		Sleep:  h.sleep.sleep,
		Jitter: func() float64 { return 0.5 },
	})
	if diags := h.p.Configure(context.Background(), providerConfig(append([]any{"base_url", url}, settings...)...)); diags.HasErrors() {
		t.Fatalf("Configure: %v", diags)
	}
	return h
}

// generate runs Generate and reads the image.
func (h *harness) generate(t testing.TB, req *sdk.Request) (*sdk.Response, []byte, error) {
	t.Helper()
	resp, err := h.p.Generate(context.Background(), req)
	if err != nil {
		return nil, nil, err
	}
	data, err := io.ReadAll(resp.Image)
	if err != nil {
		t.Fatal(err)
	}
	return resp, data, nil
}
