package gemini

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
)

func TestGenerate(t *testing.T) {
	tests := []struct {
		name     string
		cfg      fakeapi.GeminiConfig
		req      *sdk.Request
		format   string
		size     string
		cost     float64
		metadata map[string]string
		warning  string
	}{
		{"nano banana default", fakeapi.GeminiConfig{}, newRequest(t, "prompt", "an otter"), "png", "1024x1024", 1120*30e-6 + 3*1.5e-6 + 9*7.5e-6,
			map[string]string{"model": "gemini-nano-banana-2.1", "model_version": "gemini-nano-banana-2.1", "input_tokens": "3", "image_tokens": "1120", "text_tokens": "9"}, ""},
		{"3 pro 16:9", fakeapi.GeminiConfig{}, newRequest(t, "prompt", "an otter", "model", "gemini-3-pro-image", "aspect_ratio", "16:9"),
			"png", "1376x768", 1120 * 120e-6, map[string]string{"model": "gemini-3-pro-image"}, ""},
		{"another ratio than asked is kept with a warning", fakeapi.GeminiConfig{Garbage: fakeapi.Fault{First: 1}, GarbageKind: fakeapi.GarbageWrongSize}, newRequest(t, "prompt", "x"), "png", "1024x1536", -1,
			nil, "Gemini returned another aspect ratio"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, _ := configured(t, tt.cfg)
			resp, err := p.Generate(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			data := readAll(t, resp)
			format, w, h, err := imagefmt.Sniff(bytes.NewReader(data))
			if got := fmt.Sprintf("%s %dx%d", format, w, h); err != nil || got != tt.format+" "+tt.size {
				t.Errorf("image is %s (%v), want %s %s", got, err, tt.format, tt.size)
			}
			if resp.MediaType != imagefmt.MediaType(tt.format) {
				t.Errorf("MediaType = %s", resp.MediaType)
			}
			if tt.cost >= 0 && (resp.CostUSD == nil || abs(*resp.CostUSD-tt.cost) > 1e-9) {
				t.Errorf("cost = %v, want %v", resp.CostUSD, tt.cost)
			}
			for k, v := range tt.metadata {
				if resp.Metadata[k] != v {
					t.Errorf("metadata %s = %q, want %q (all: %v)", k, resp.Metadata[k], v, resp.Metadata)
				}
			}
			var warned []string
			for _, w := range resp.Warnings {
				warned = append(warned, w.Summary)
			}
			if got := strings.Join(warned, "; "); got != tt.warning {
				t.Errorf("warnings %q, want %q", got, tt.warning)
			}
			if resp.BilledRetries != 0 || fake.Stats().Generations != 1 {
				t.Errorf("billed retries %d, requests %d; want 0 and 1", resp.BilledRetries, fake.Stats().Generations)
			}
		})
	}
}

func abs(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}

// The request carries the key in its header only, the prompt, each
// reference inline with its real MIME type, and the image options.
func TestGenerateRequest(t *testing.T) {
	p, fake, _ := configured(t, fakeapi.GeminiConfig{})
	jpg, webp := imageBytes(t, "jpeg", 120, 80), imageBytes(t, "webp", 64, 64)
	req := withRefs(newRequest(t, "prompt", "the mascot on a poster", "aspect_ratio", "4:5", "image_size", "2k", "thinking_level", "minimal", "person_generation", "allow_none"),
		fileRef("brand/mascot.jpg", "jpeg", jpg), fileRef("brand/logo.webp", "webp", webp))
	if _, err := p.Generate(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	want := []fakeapi.GeminiReceived{{Status: 200, Model: "gemini-nano-banana-2.1", Prompt: "the mascot on a poster",
		Images: []fakeapi.Upload{
			{Param: "contents[0].parts[1].inline_data", ContentType: "image/jpeg", Width: 120, Height: 80, Bytes: len(jpg)},
			{Param: "contents[0].parts[2].inline_data", ContentType: "image/webp", Width: 64, Height: 64, Bytes: len(webp)},
		},
		ResponseModalities: []string{"TEXT", "IMAGE"}, AspectRatio: "4:5", ImageSize: "2K", PersonGeneration: "ALLOW_NONE", ThinkingLevel: "MINIMAL"}}
	if diff := cmp.Diff(want, fake.Received()); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
}

// A model with one size gets no imageSize: the API would not take it.
func TestGenerateOmitsSizeOfOneSizeModels(t *testing.T) {
	p, fake, _ := configured(t, fakeapi.GeminiConfig{})
	if _, err := p.Generate(context.Background(), newRequest(t, "prompt", "x", "model", "gemini-2.5-flash-image", "image_size", "1K")); err != nil {
		t.Fatal(err)
	}
	if got := fake.Received()[0].ImageSize; got != "" {
		t.Errorf("imageSize %q was sent to gemini-2.5-flash-image", got)
	}
}

func TestGenerateFailures(t *testing.T) {
	tests := []struct {
		name     string
		cfg      fakeapi.GeminiConfig
		req      *sdk.Request
		kind     sdk.ErrorKind
		inMsg    string
		cats     []string
		billed   bool
		requests int
	}{
		{"image safety", fakeapi.GeminiConfig{SafetyWord: "weapon"}, newRequest(t, "prompt", "an otter with a weapon"),
			sdk.ErrRefused, "Gemini's safety system refused the request: finish reason IMAGE_SAFETY", []string{"IMAGE_SAFETY"}, false, 1},
		{"blocked prompt", fakeapi.GeminiConfig{BlockWord: "forbidden"}, newRequest(t, "prompt", "forbidden"),
			sdk.ErrRefused, "the prompt was blocked (PROHIBITED_CONTENT)", []string{"PROHIBITED_CONTENT"}, false, 1},
		{"no image finish reason", fakeapi.GeminiConfig{SafetyWord: "x", SafetyReason: "NO_IMAGE"}, newRequest(t, "prompt", "x"),
			sdk.ErrRefused, "no image (finish reason NO_IMAGE)", []string{"NO_IMAGE"}, false, 1},
		{"retired model", fakeapi.GeminiConfig{RetiredModels: []string{"gemini-3-pro-image"}}, newRequest(t, "prompt", "x", "model", "gemini-3-pro-image"),
			sdk.ErrInvalid, "Gemini does not serve gemini-3-pro-image: HTTP 404 NOT_FOUND: models/gemini-3-pro-image is not found", nil, false, 1},
		{"vendor's validation message", fakeapi.GeminiConfig{}, withRefs(newRequest(t, "prompt", "x"), manyFileRefs(t, 15)...),
			sdk.ErrInvalid, "Too many references", nil, false, 0},
		{"server error twice", fakeapi.GeminiConfig{ServerError: fakeapi.Fault{First: 2}}, newRequest(t, "prompt", "x"),
			sdk.ErrFailed, "HTTP 500 INTERNAL: An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (after 1 retries that may have been billed)", nil, true, 2},
		{"truncated image", fakeapi.GeminiConfig{Garbage: fakeapi.Fault{First: 2}, GarbageKind: fakeapi.GarbageTruncated}, newRequest(t, "prompt", "x"),
			sdk.ErrFailed, "Gemini returned an unusable image: the png file is truncated", nil, true, 2},
		{"wrong MIME type", fakeapi.GeminiConfig{Garbage: fakeapi.Fault{First: 2}, GarbageKind: fakeapi.GarbageWrongFormat}, newRequest(t, "prompt", "x"),
			sdk.ErrFailed, "the part says image/png but holds image/jpeg", nil, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, _ := configured(t, tt.cfg)
			_, err := p.Generate(context.Background(), tt.req)
			var se *sdk.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not an *sdk.Error", err)
			}
			if se.Kind != tt.kind || !strings.Contains(se.Message, tt.inMsg) || se.MayHaveBilled != tt.billed || !cmp.Equal(se.Categories, tt.cats) {
				t.Errorf("error %+v, want kind %s containing %q, categories %v, may have billed %v", se, tt.kind, tt.inMsg, tt.cats, tt.billed)
			}
			if n := fake.Stats().Generations; n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func manyFileRefs(t testing.TB, n int) []sdk.Reference {
	data := imageBytes(t, "png", 8, 8)
	var refs []sdk.Reference
	for range n {
		refs = append(refs, fileRef("r.png", "png", data))
	}
	return refs
}

// The fake rejects 15 references too; sent past validation (an unknown
// model is not checked), the vendor's message reaches the user.
func TestGenerateSurfacesVendorMessage(t *testing.T) {
	p, fake, _ := configured(t, fakeapi.GeminiConfig{})
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "x", "model", "gemini-3-pro-image", "image_size", "4K", "thinking_level", "high"))
	if err == nil || !strings.Contains(err.Error(), "thinking_level is not supported") || fake.Stats().Generations != 0 {
		t.Fatalf("plan-time check: %v", err)
	}
	_, err = p.Generate(context.Background(), newRequest(t, "prompt", "x", "model", "gemini-3-pro-image-preview", "aspect_ratio", "21:9"))
	if err != nil {
		t.Fatalf("the preview alias is served: %v", err)
	}
}

func TestGenerateRateLimitEndsInSuccess(t *testing.T) {
	tests := []struct {
		name  string
		cfg   fakeapi.GeminiConfig
		sleep time.Duration
	}{
		{"RetryInfo detail", fakeapi.GeminiConfig{RateLimit: fakeapi.Fault{First: 2}, RetryDelay: 7 * time.Second}, 7 * time.Second},
		{"Retry-After header wins", fakeapi.GeminiConfig{RateLimit: fakeapi.Fault{First: 2}, RetryDelay: 2500 * time.Millisecond, RetryAfterHeader: true}, 3 * time.Second},
		{"overloaded is retried like a rate limit", fakeapi.GeminiConfig{Overloaded: fakeapi.Fault{First: 2}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, clk := configured(t, tt.cfg)
			resp, err := p.Generate(context.Background(), newRequest(t, "prompt", "x"))
			if err != nil {
				t.Fatal(err)
			}
			if resp.BilledRetries != 0 || fake.Stats().Generations != 3 || fake.Stats().Images != 1 {
				t.Errorf("billed retries %d, stats %+v", resp.BilledRetries, fake.Stats())
			}
			sleeps := clk.Sleeps()
			if len(sleeps) != 2 || (tt.sleep > 0 && (sleeps[0] != tt.sleep || sleeps[1] != tt.sleep)) {
				t.Errorf("sleeps %v, want two of %v", sleeps, tt.sleep)
			}
		})
	}
}

// The key never reaches a URL or an error, even when the server quotes it.
func TestKeyStaysSecret(t *testing.T) {
	fake := fakeapi.NewGemini(fakeapi.GeminiConfig{APIKey: "AIza-the-right-key-0000000000"})
	p, _ := testProvider(map[string]string{KeyEnv: testKey})
	if diags := p.Configure(context.Background(), providerConfig("base_url", fake.Start(t))); diags.HasErrors() {
		t.Fatal(diags)
	}
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "x"))
	var se *sdk.Error
	if !errors.As(err, &se) || se.Kind != sdk.ErrAuth || strings.Contains(se.Message+se.Hint, testKey[4:16]) {
		t.Fatalf("error %+v, want an auth error without the key", err)
	}
	if !strings.Contains(se.Hint, "GEMINI_API_KEY") {
		t.Errorf("hint %q does not name the variable", se.Hint)
	}
	for _, r := range fake.Received() {
		if r.KeyInURL {
			t.Error("the key was sent in the URL")
		}
	}
}

func TestGenerateQuotaLatches(t *testing.T) {
	p, fake, _ := configured(t, fakeapi.GeminiConfig{})
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "x", "model", "gemini-3.1-flash-image"))
	if err == nil || fake.Stats().Generations != 0 {
		t.Fatalf("a shut-down model was sent: %v", err)
	}
}

// Gemini picks PNG or JPEG; the image is converted to the output file's
// format, decoded completely on the way. (Small images: encoders are slow
// under the race detector.)
func TestCheckImageConverts(t *testing.T) {
	tests := []struct {
		name, from, to string
		converted      string
	}{
		{"png kept", "png", "png", ""},
		{"png to webp", "png", "webp", "png"},
		{"jpeg to png", "jpeg", "png", "jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &spec{modelID: "gemini-3-pro-image", format: tt.to}
			data := imageBytes(t, tt.from, 64, 48)
			img, err := s.checkImage(vendorapi.EncodeBase64(data), imagefmt.MediaType(tt.from))
			if err != nil {
				t.Fatal(err)
			}
			resp := s.response(&generateResponse{}, img)
			format, w, h, err := imagefmt.Sniff(bytes.NewReader(readAll(t, resp)))
			if err != nil || format != tt.to || w != 64 || h != 48 || resp.MediaType != imagefmt.MediaType(tt.to) {
				t.Errorf("got %s %dx%d (%v), media type %s; want %s 64x48", format, w, h, err, resp.MediaType, tt.to)
			}
			if resp.Metadata["converted_from"] != tt.converted {
				t.Errorf("converted_from = %q, want %q", resp.Metadata["converted_from"], tt.converted)
			}
		})
	}
}

// An image whose header and end are fine but whose pixel data is damaged
// is not usable: every image is decoded completely.
func TestCheckImageDecodesPixels(t *testing.T) {
	data := imageBytes(t, "png", 64, 48)
	for i := len(data) / 2; i < len(data)/2+8; i++ {
		data[i] ^= 0xff
	}
	s := &spec{modelID: "gemini-3-pro-image", format: "png"}
	if _, err := s.checkImage(vendorapi.EncodeBase64(data), "image/png"); err == nil {
		t.Error("a PNG with damaged pixel data was accepted")
	}
}
