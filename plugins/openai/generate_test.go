package openai

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/testcount"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/image/webp"
)

func TestGenerate(t *testing.T) {
	h := newHarness(t, fakeapi.Config{})
	req := newRequest(t, "prompt", "A friendly otter mascot, flat vector", "quality", "medium", "size", "1536x1024")
	resp, data, err := h.generate(t, req)
	if err != nil {
		t.Fatal(err)
	}
	format, w, hgt, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil || format != "png" || w != 1536 || hgt != 1024 || resp.MediaType != "image/png" {
		t.Fatalf("got %s %dx%d (%v), media type %s; want png 1536x1024", format, w, hgt, err, resp.MediaType)
	}
	got := h.fake.Received()
	if len(got) != 1 || got[0].Endpoint != "generations" || got[0].Model != "gpt-image-2" {
		t.Fatalf("fake received %+v, want one generation on gpt-image-2", got)
	}
	wantParams := map[string]string{"size": "1536x1024", "quality": "medium", "output_format": "png"}
	if diff := cmp.Diff(wantParams, got[0].Params); diff != "" {
		t.Errorf("sent parameters (-want +got):\n%s", diff)
	}
	if resp.Metadata["request_id"] != got[0].RequestID || resp.Metadata["model"] != "gpt-image-2" || resp.Metadata["quality"] != "medium" {
		t.Errorf("metadata = %v", resp.Metadata)
	}
	// 1,372 output tokens at $30/1M, plus the fake's text tokens at $5/1M.
	text := float64(mustAtoi(t, resp.Metadata["input_tokens"]))
	want := (1372*30 + text*5) / 1e6
	if resp.CostUSD == nil || math.Abs(*resp.CostUSD-want) > 1e-12 {
		t.Errorf("CostUSD = %v, want %v", resp.CostUSD, want)
	}
	if resp.BilledRetries != 0 || len(h.clock.Sleeps()) != 0 {
		t.Errorf("a clean call retried: %d billed, waits %v", resp.BilledRetries, h.clock.Sleeps())
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("%q is not a number", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

func TestEditWithThreeReferencesAndMask(t *testing.T) {
	h := newHarness(t, fakeapi.Config{})
	refs := []sdk.Reference{
		fileRef("brand/logo.png", "image/png", imageBytes(t, "png", 64, 48)),
		fileRef("photos/shop.jpg", "image/jpeg", jpegBytes(t, 30, 20)),
		// An upstream image whose media type the engine did not fill in:
		// the part's type comes from the bytes.
		imageRef(`image.mascot["en"]`, imageBytes(t, "webp", 32, 32)),
	}
	req := withRefs(newRequest(t, "prompt", "Poster with the logo and the mascot", "mask", "brand/mask.png",
		"input_fidelity", "high", "quality", "low"), refs...)
	withMask(req, fileRef("brand/mask.png", "image/png", pngBytes(t, 64, 48)))
	_, data, err := h.generate(t, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("returned image does not decode: %v", err)
	}
	got := h.fake.Received()[0]
	var parts []fakeapi.Upload
	for _, u := range got.Images {
		parts = append(parts, fakeapi.Upload{Param: u.Param, Filename: u.Filename, ContentType: u.ContentType, Width: u.Width, Height: u.Height})
	}
	want := []fakeapi.Upload{
		{Param: "image[0]", Filename: "logo.png", ContentType: "image/png", Width: 64, Height: 48},
		{Param: "image[1]", Filename: "shop.jpg", ContentType: "image/jpeg", Width: 30, Height: 20},
		{Param: "image[2]", Filename: "image.mascot__en__.webp", ContentType: "image/webp", Width: 32, Height: 32},
	}
	if diff := cmp.Diff(want, parts); diff != "" {
		t.Errorf("image parts (-want +got):\n%s", diff)
	}
	if got.Endpoint != "edits" || got.Mask == nil || got.Mask.ContentType != "image/png" || got.Params["input_fidelity"] != "high" {
		t.Errorf("edit = %+v, want a mask part and input_fidelity high", got)
	}
}

func TestMaskCheckedBeforeAnyCall(t *testing.T) {
	tests := []struct {
		name string
		mask *sdk.Reference // nil: easel handed over no file
		want string
	}{
		{"other size", ptr(fileRef("m.png", "image/png", pngBytes(t, 100, 100))), "same size"},
		{"not a PNG", ptr(fileRef("m.png", "image/png", jpegBytes(t, 64, 48))), "not a PNG"},
		{"no bytes", ptr(planRef("m.png", "image/png", 10)), "not available"},
		{"not handed over", nil, "did not hand over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, fakeapi.Config{})
			// The first reference's size is only known from its bytes.
			req := withRefs(newRequest(t, "prompt", "p", "mask", "m.png"), fileRef("a.png", "image/png", pngBytes(t, 64, 48)))
			if tt.mask != nil {
				withMask(req, *tt.mask)
			}
			_, _, err := h.generate(t, req)
			var se *sdk.Error
			if !errors.As(err, &se) || se.Kind != sdk.ErrInvalid || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want an invalid-request error mentioning %q", err, tt.want)
			}
			if s := h.fake.Stats(); s.Edits+s.Generations != 0 {
				t.Errorf("the fake was called %d times", s.Edits+s.Generations)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestTransparentWebP(t *testing.T) {
	h := newHarness(t, fakeapi.Config{})
	req := newRequest(t, "prompt", "A sticker of an otter", "background", "transparent", "output", "assets/sticker.webp", "size", "1024x1024", "quality", "low")
	resp, data, err := h.generate(t, req)
	if err != nil {
		t.Fatal(err)
	}
	m, err := webp.Decode(bytes.NewReader(data))
	if err != nil || resp.MediaType != "image/webp" {
		t.Fatalf("not a WebP (%v), media type %s", err, resp.MediaType)
	}
	if _, _, _, a := m.At(0, 0).RGBA(); a != 0 {
		t.Errorf("corner alpha = %d, want transparent", a)
	}
	if p := h.fake.Received()[0].Params; p["background"] != "transparent" || p["output_format"] != "webp" {
		t.Errorf("sent %v", p)
	}
}

// gpt-image-2.6 makes GIF and SVG: output_format is sent as the output's
// extension says, and the answer is checked as that format, whole.
func TestGIFAndSVGOnGPTImage26(t *testing.T) {
	h := newHarness(t, fakeapi.Config{})
	for _, tt := range []struct{ output, mediaType string }{
		{"assets/badge.gif", "image/gif"},
		{"assets/logo.svg", "image/svg+xml"},
	} {
		req := newRequest(t, "prompt", "A flat otter logo", "model", "gpt-image-2.6-flare", "output", tt.output, "size", "1024x1024", "quality", "low")
		resp, data, err := h.generate(t, req)
		if err != nil {
			t.Fatalf("%s: %v", tt.output, err)
		}
		format, w, hgt, err := imagefmt.Sniff(bytes.NewReader(data))
		if err != nil || resp.MediaType != tt.mediaType || imagefmt.MediaType(format) != tt.mediaType {
			t.Fatalf("%s: got %s (%s), %v", tt.output, resp.MediaType, format, err)
		}
		if format == imagefmt.GIF && (w != 1024 || hgt != 1024) {
			t.Errorf("%s: %dx%d, want 1024x1024", tt.output, w, hgt)
		}
		if format == imagefmt.SVG {
			if err := imagefmt.CheckSVG(data); err != nil {
				t.Errorf("%s: %v", tt.output, err)
			}
		}
		got := h.fake.Received()
		if p := got[len(got)-1].Params; p["output_format"] != format {
			t.Errorf("%s: sent output_format %q", tt.output, p["output_format"])
		}
	}
}

// An SVG answer that breaks off is refused like any truncated image.
func TestTruncatedSVGIsNeverAnImage(t *testing.T) {
	h := newHarness(t, fakeapi.Config{Garbage: fakeapi.Fault{First: 10}, GarbageKind: fakeapi.GarbageTruncated})
	req := newRequest(t, "prompt", "A flat otter logo", "model", "gpt-image-2.6-flare", "output", "assets/logo.svg", "size", "1024x1024", "quality", "low")
	if _, _, err := h.generate(t, req); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("generate = %v, want a truncated-image error", err)
	}
}

func TestModerationRefusal(t *testing.T) {
	h := newHarness(t, fakeapi.Config{ModerationWord: "weapon", ModerationCategories: []string{"violence", "weapons"}})
	_, _, err := h.generate(t, newRequest(t, "prompt", "An otter holding a weapon"))
	var se *sdk.Error
	if !errors.As(err, &se) || se.Kind != sdk.ErrRefused {
		t.Fatalf("err = %v, want a refusal", err)
	}
	if !cmp.Equal(se.Categories, []string{"violence", "weapons"}) || !strings.Contains(se.Hint, `moderation = "low"`) {
		t.Errorf("refusal = %+v", se)
	}
	if n := h.fake.Stats().Generations; n != 1 {
		t.Errorf("a refusal was retried: %d calls", n)
	}
}

func TestRateLimitBurstEndsInSuccess(t *testing.T) {
	h := newHarness(t, fakeapi.Config{RateLimit: fakeapi.Fault{First: 3}, RetryAfter: 2 * time.Second})
	resp, _, err := h.generate(t, newRequest(t, "prompt", "p", "quality", "low"))
	if err != nil {
		t.Fatal(err)
	}
	waits := h.clock.Sleeps()
	if len(waits) != 3 {
		t.Fatalf("waited %v, want three waits", waits)
	}
	for _, w := range waits {
		if w < 2*time.Second || w > 2400*time.Millisecond {
			t.Errorf("wait %v does not honour Retry-After 2s (plus at most a fifth)", w)
		}
	}
	if resp.BilledRetries != 0 || h.fake.Stats().Generations != 4 {
		t.Errorf("billed retries %d, calls %d; want 0 and 4", resp.BilledRetries, h.fake.Stats().Generations)
	}
}

func TestRateLimitGivesUp(t *testing.T) {
	h := newHarness(t, fakeapi.Config{RateLimit: fakeapi.Fault{First: 100}})
	_, _, err := h.generate(t, newRequest(t, "prompt", "p"))
	var se *sdk.Error
	if !errors.As(err, &se) || se.Kind != sdk.ErrRateLimit || se.MayHaveBilled {
		t.Fatalf("err = %v, want a rate-limit error that was not billed", err)
	}
	if n, want := h.fake.Stats().Generations, vendorapi.DefaultPolicy().MaxRateLimitRetries+1; n != want {
		t.Errorf("%d calls, want %d", n, want)
	}
}

func TestInsufficientQuotaStopsCalls(t *testing.T) {
	h := newHarness(t, fakeapi.Config{InsufficientQuota: true})
	for i := range 3 {
		_, _, err := h.generate(t, newRequest(t, "prompt", "p"))
		var se *sdk.Error
		if !errors.As(err, &se) || se.Kind != sdk.ErrQuota || !strings.Contains(se.Hint, "billing") {
			t.Fatalf("call %d: err = %v, want a quota error", i, err)
		}
	}
	if n := h.fake.Stats().Generations; n != 1 {
		t.Errorf("%d calls reached the API, want 1: quota must stop further calls", n)
	}
	if len(h.clock.Sleeps()) != 0 {
		t.Error("insufficient_quota was retried")
	}
}

func TestBilledRetries(t *testing.T) {
	tests := []struct {
		name        string
		cfg         fakeapi.Config
		maxRetries  int
		wantCalls   int
		wantErr     bool
		wantBilled  int
		wantMessage string
	}{
		{"500 then success", fakeapi.Config{ServerError: fakeapi.Fault{First: 1}}, 1, 2, false, 1, ""},
		{"500 twice, one retry", fakeapi.Config{ServerError: fakeapi.Fault{First: 2}}, 1, 2, true, 0, "HTTP 500"},
		{"500, no retries", fakeapi.Config{ServerError: fakeapi.Fault{First: 1}}, 0, 1, true, 0, "HTTP 500"},
		{"dropped connection then success", fakeapi.Config{Disconnect: fakeapi.Fault{First: 1}}, 1, 2, false, 1, ""},
		{"garbage then success", fakeapi.Config{Garbage: fakeapi.Fault{First: 1}}, 1, 2, false, 1, ""},
		{"garbage always", fakeapi.Config{Garbage: fakeapi.Fault{First: 10}}, 2, 3, true, 0, "unusable image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.cfg, "max_billed_retries", tt.maxRetries)
			resp, data, err := h.generate(t, newRequest(t, "prompt", "p", "quality", "low"))
			if n := h.fake.Stats().Generations; n != tt.wantCalls {
				t.Errorf("%d calls, want %d", n, tt.wantCalls)
			}
			if tt.wantErr {
				var se *sdk.Error
				if !errors.As(err, &se) || !se.MayHaveBilled || !strings.Contains(se.Message, tt.wantMessage) {
					t.Fatalf("err = %v, want a may-have-billed error mentioning %q", err, tt.wantMessage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if resp.BilledRetries != tt.wantBilled {
				t.Errorf("BilledRetries = %d, want %d", resp.BilledRetries, tt.wantBilled)
			}
			if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
				t.Errorf("image does not decode: %v", err)
			}
		})
	}
}

// TestGarbageIsNeverAnImage: each way a 200 answer can be broken is an
// error, never an image.
func TestGarbageIsNeverAnImage(t *testing.T) {
	kinds := map[string]fakeapi.GarbageKind{
		"invalid base64": fakeapi.GarbageBase64, "not an image": fakeapi.GarbageNotImage,
		"wrong size": fakeapi.GarbageWrongSize, "wrong format": fakeapi.GarbageWrongFormat, "truncated": fakeapi.GarbageTruncated,
	}
	for name, kind := range kinds {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, fakeapi.Config{Garbage: fakeapi.Fault{Rate: 1}, GarbageKind: kind}, "max_billed_retries", 0)
			resp, _, err := h.generate(t, newRequest(t, "prompt", "p", "quality", "low"))
			var se *sdk.Error
			if resp != nil || !errors.As(err, &se) || se.Kind != sdk.ErrFailed || !se.MayHaveBilled {
				t.Fatalf("got %v, %v; want an error that may have been billed", resp, err)
			}
		})
	}
}

func TestAccessErrors(t *testing.T) {
	tests := []struct {
		name     string
		cfg      fakeapi.Config
		model    string
		key      string
		wantKind sdk.ErrorKind
		wantHint string
	}{
		{"organization not verified", fakeapi.Config{UnverifiedModels: []string{"gpt-image-2"}}, "gpt-image-2", "", sdk.ErrAuth, "Verify the organization"},
		{"wrong key", fakeapi.Config{}, "gpt-image-2", "sk-proj-WRONGKEY9876543210", sdk.ErrAuth, "OPENAI_API_KEY"},
		{"model not served", fakeapi.Config{RetiredModels: []string{"gpt-image-2.5-flare"}}, "gpt-image-2.5-flare", "", sdk.ErrInvalid, "Change model"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var h *harness
			if tt.key != "" {
				h = newHarness(t, tt.cfg, "api_key", tt.key)
			} else {
				h = newHarness(t, tt.cfg)
			}
			_, _, err := h.generate(t, newRequest(t, "prompt", "p", "model", tt.model))
			var se *sdk.Error
			if !errors.As(err, &se) || se.Kind != tt.wantKind || !strings.Contains(se.Hint, tt.wantHint) {
				t.Fatalf("err = %#v, want kind %s with a hint about %q", err, tt.wantKind, tt.wantHint)
			}
			if tt.key != "" && strings.Contains(se.Message+se.Hint, "9876") {
				t.Errorf("the error repeats part of the key: %q", se.Message)
			}
		})
	}
}

// TestKeyNeverInErrors drives every failure and checks that neither the
// key nor the part of it the API echoes appears in any error text.
func TestKeyNeverInErrors(t *testing.T) {
	const key = "sk-proj-SUPERSECRETghijklmnopqrstuvwxyz"
	cfgs := []fakeapi.Config{
		{RateLimit: fakeapi.Fault{First: 100}}, {ServerError: fakeapi.Fault{First: 100}}, {Disconnect: fakeapi.Fault{First: 100}},
		{Garbage: fakeapi.Fault{First: 100}}, {InsufficientQuota: true}, {ModerationWord: "p"},
		{UnverifiedModels: []string{"gpt-image-2"}}, {RetiredModels: []string{"gpt-image-2"}},
	}
	for i, cfg := range cfgs {
		for _, apiKey := range []string{key, key + "-wrong"} {
			cfg.APIKey = apiKey // the fake expects this key; the provider sends key
			fake := fakeapi.NewOpenAI(cfg)
			p := NewWithOptions(Options{Getenv: func(string) string { return key }, Now: func() time.Time { return today },
				Sleep: func(ctx context.Context, d time.Duration) error { return nil }})
			if diags := p.Configure(context.Background(), providerConfig("base_url", fake.Start(t))); diags.HasErrors() {
				t.Fatal(diags)
			}
			_, err := p.Generate(context.Background(), newRequest(t, "prompt", "p"))
			if err == nil {
				t.Fatalf("config %d: no error", i)
			}
			var se *sdk.Error
			errors.As(err, &se)
			text := err.Error() + " " + se.Hint + " " + strings.Join(se.Categories, " ")
			for _, secret := range []string{key, "SUPERSECRET", key[len(key)-4:]} {
				if strings.Contains(text, secret) {
					t.Errorf("config %d: error text contains %q: %s", i, secret, text)
				}
			}
		}
	}
}

func TestMaxConcurrency(t *testing.T) {
	var inFlight testcount.Gauge
	h := newHarness(t, fakeapi.Config{Latency: 20 * time.Millisecond}, "max_concurrency", 2)
	hc := h.p.client.HTTP
	orig := hc.Transport
	if orig == nil {
		t.Skip("no transport to wrap")
	}
	hc.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		inFlight.Enter()
		defer inFlight.Leave()
		return orig.RoundTrip(r)
	})
	var wg sync.WaitGroup
	for range 6 {
		wg.Go(func() {
			if _, _, err := h.generate(t, newRequest(t, "prompt", "p", "quality", "low")); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if peak := inFlight.Peak(); peak > 2 {
		t.Errorf("%d requests in flight at once, want at most 2", peak)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNotConfigured(t *testing.T) {
	_, err := NewWithOptions(Options{}).Generate(context.Background(), newRequest(t, "prompt", "p"))
	if err == nil || !strings.Contains(err.Error(), "not configured") {
		t.Errorf("err = %v", err)
	}
}

func TestShutDownModelNeverCalled(t *testing.T) {
	h := newHarness(t, fakeapi.Config{})
	_, _, err := h.generate(t, newRequest(t, "prompt", "p", "model", "gpt-image-1"))
	var se *sdk.Error
	if !errors.As(err, &se) || se.Kind != sdk.ErrInvalid || !strings.Contains(se.Message, "shut down on 2026-10-23") {
		t.Fatalf("err = %v", err)
	}
	if h.fake.Stats().Generations != 0 {
		t.Error("a shut-down model reached the API")
	}
}

// TestCompatibleServerAnswersWithURL: an OpenAI-compatible server that
// answers with a url instead of b64_json; the image is downloaded and
// checked, and the image host never sees the API key.
func TestCompatibleServerAnswersWithURL(t *testing.T) {
	img := imageBytes(t, "png", 1024, 1024)
	var imageAuth []string
	var mu sync.Mutex
	files := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		imageAuth = append(imageAuth, r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Write(img)
	}))
	t.Cleanup(files.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			http.Error(w, `{"error":{"message":"no key"}}`, http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"created":1,"data":[{"url":%q}]}`, files.URL+"/img/1.png")
	}))
	t.Cleanup(api.Close)
	p := NewWithOptions(Options{Getenv: func(string) string { return testKey }, Now: func() time.Time { return today }})
	if diags := p.Configure(context.Background(), providerConfig("base_url", api.URL+"/v1")); diags.HasErrors() {
		t.Fatal(diags)
	}
	resp, err := p.Generate(context.Background(), newRequest(t, "prompt", "p", "quality", "low"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Image)
	if !bytes.Equal(data, img) {
		t.Errorf("got %d bytes, want the %d served", len(data), len(img))
	}
	if !cmp.Equal(imageAuth, []string{""}) {
		t.Errorf("image host saw Authorization %q, want one request without it", imageAuth)
	}
}
