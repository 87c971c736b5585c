package fakeapi

import (
	"bytes"
	"encoding/json"
	"image"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const oakKey = "oak_test_0123456789abcdef"

func oakPost(t testing.TB, base, key string, body any) answer {
	t.Helper()
	return postJSON(t, base, oakgenPath, key, body)
}

func oakGet(t testing.TB, url, key string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return do(t, req)
}

func (a answer) oakError(t testing.TB) (code, message string) {
	t.Helper()
	var e struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error == nil {
		t.Fatalf("answer %d is not an Oakgen error: %s", a.status, short(a.body))
	}
	return e.Error.Code, e.Error.Message
}

// oakResult is the fields of a 200 the tests read.
type oakResult struct {
	ID          string `json:"id"`
	Status      string `json:"status"`
	PollingURL  string `json:"polling_url"`
	CreditsUsed int    `json:"credits_used"`
	Image       string `json:"image"`
	Images      []struct {
		URL     string `json:"url"`
		B64JSON string `json:"b64_json"`
	} `json:"images"`
}

func (a answer) oakResult(t testing.TB, status int) oakResult {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d: %s", a.status, status, short(a.body))
	}
	var r oakResult
	if err := json.Unmarshal(a.body, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// oakImage fetches or decodes the result's image completely.
func oakImage(t testing.TB, r oakResult) (image.Image, string) {
	t.Helper()
	switch {
	case r.Image != "":
		_, b64, _ := strings.Cut(r.Image, ";base64,")
		return decodeB64(t, b64)
	case len(r.Images) != 1:
		t.Fatalf("want one image, got %d", len(r.Images))
	case r.Images[0].B64JSON != "":
		return decodeB64(t, r.Images[0].B64JSON)
	}
	a := oakGet(t, r.Images[0].URL, "")
	if a.status != http.StatusOK {
		t.Fatalf("fetching the result: %d", a.status)
	}
	m, format, err := image.Decode(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("decoding the result: %v", err)
	}
	if ct := a.header.Get("Content-Type"); ct != "image/"+format {
		t.Errorf("Content-Type %s for a %s", ct, format)
	}
	return m, format
}

func TestOakgenGenerates(t *testing.T) {
	tests := []struct {
		name       string
		response   OakgenResponse
		body       map[string]any
		wantSize   string
		wantFormat string
		wantCost   int
	}{
		{name: "url, defaults", body: map[string]any{"model": "gpt-image-1", "prompt": "otter"}, wantSize: "1024x1024", wantFormat: "png", wantCost: 16},
		{name: "url, 2048", body: map[string]any{"model": "gpt-image-1", "prompt": "otter", "size": "2048x2048"},
			wantSize: "2048x2048", wantFormat: "png", wantCost: 16},
		{name: "base64 mini", response: OakgenBase64, body: map[string]any{"model": "gpt-image-1-mini", "prompt": "otter", "size": "1536x1024", "output_format": "jpeg", "quality": "low"},
			wantSize: "1536x1024", wantFormat: "jpeg", wantCost: 8},
		{name: "data url flux", response: OakgenDataURL, body: map[string]any{"model": "flux-pro-1-1", "prompt": "otter", "size": "1440x736"},
			wantSize: "1440x736", wantFormat: "jpeg", wantCost: 10},
		{name: "references", body: map[string]any{"model": "gpt-image-1", "prompt": "otter", "image_urls": []string{"https://cdn.example.com/a.png", "https://cdn.example.com/b.jpg"}},
			wantSize: "1024x1024", wantFormat: "png", wantCost: 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := NewOakgen(OakgenConfig{APIKey: oakKey, Response: tt.response})
			base := fake.Start(t)
			r := oakPost(t, base, oakKey, tt.body).oakResult(t, http.StatusOK)
			m, format := oakImage(t, r)
			if got := sizeOf(m); got != tt.wantSize || format != tt.wantFormat || r.CreditsUsed != tt.wantCost {
				t.Errorf("got a %s %s for %d credits, want a %s %s for %d", got, format, r.CreditsUsed, tt.wantSize, tt.wantFormat, tt.wantCost)
			}
			if st := fake.Stats(); st.Images != 1 || st.ByStatus[200] != 1 {
				t.Errorf("Stats = %+v", st)
			}
		})
	}
}

func TestOakgenRejects(t *testing.T) {
	ok := func(kv ...any) map[string]any {
		b := map[string]any{"model": "gpt-image-1", "prompt": "otter"}
		for i := 0; i+1 < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	tests := []struct {
		name       string
		cfg        OakgenConfig
		key        string // "" for oakKey, "-" for none
		body       any
		wantStatus int
		wantCode   string
		wantMsg    string
	}{
		{name: "no key", cfg: OakgenConfig{APIKey: oakKey}, key: "-", body: ok(), wantStatus: 401, wantCode: "unauthorized"},
		{name: "wrong key", cfg: OakgenConfig{APIKey: oakKey}, key: "oak_wrong_key_123456", body: ok(), wantStatus: 401, wantCode: "invalid_api_key", wantMsg: "oak*****3456"},
		{name: "no model", body: map[string]any{"prompt": "otter"}, wantStatus: 400, wantCode: "missing_parameter", wantMsg: "'model' is required"},
		{name: "unknown model", body: ok("model", "gpt-image-2"), wantStatus: 400, wantCode: "invalid_model",
			wantMsg: "Available models: flux-pro-1-1, gpt-image-1, gpt-image-1-mini."},
		{name: "empty prompt", body: ok("prompt", "  "), wantStatus: 400, wantCode: "missing_parameter"},
		{name: "prompt too long", body: ok("prompt", strings.Repeat("a", 32001)), wantStatus: 400, wantCode: "prompt_too_long"},
		{name: "unknown field", body: ok("n", 2), wantStatus: 400, wantCode: "unknown_parameter", wantMsg: "'n'"},
		{name: "wrong type", body: ok("size", 1024), wantStatus: 400, wantCode: "invalid_type"},
		{name: "gpt size not in list", body: ok("size", "1792x1024"), wantStatus: 400, wantCode: "invalid_size"},
		{name: "mini has no 2048", body: ok("model", "gpt-image-1-mini", "size", "2048x2048"), wantStatus: 400, wantCode: "invalid_size"},
		{name: "flux size not a multiple of 32", body: ok("model", "flux-pro-1-1", "size", "1000x1000"), wantStatus: 400, wantCode: "invalid_size",
			wantMsg: "multiples of 32 from 256 to 1440"},
		{name: "flux has no webp", body: ok("model", "flux-pro-1-1", "output_format", "webp"), wantStatus: 400, wantCode: "invalid_output_format"},
		{name: "flux has no quality", body: ok("model", "flux-pro-1-1", "quality", "high"), wantStatus: 400, wantCode: "unsupported_parameter"},
		{name: "bad quality", body: ok("quality", "ultra"), wantStatus: 400, wantCode: "invalid_quality"},
		{name: "flux takes no references", body: ok("model", "flux-pro-1-1", "image_urls", []string{"https://x.test/a.png"}), wantStatus: 400,
			wantCode: "unsupported_parameter"},
		{name: "too many references", body: ok("image_urls", make([]string, 17)), wantStatus: 400, wantCode: "too_many_images"},
		{name: "references must be https", body: ok("image_urls", []string{"http://cdn.example.com/a.png"}), wantStatus: 400, wantCode: "invalid_image_url"},
		{name: "a local path is no URL", body: ok("image_urls", []string{"brand/logo.png"}), wantStatus: 400, wantCode: "invalid_image_url"},
		{name: "unreachable reference", cfg: OakgenConfig{ReachableReferences: []string{"https://cdn.example.com/a.png"}},
			body: ok("image_urls", []string{"https://cdn.example.com/b.png"}), wantStatus: 400, wantCode: "image_download_failed"},
		{name: "another reference field", cfg: OakgenConfig{ReferenceField: "reference_images"},
			body: ok("image_urls", []string{"https://cdn.example.com/a.png"}), wantStatus: 400, wantCode: "unknown_parameter"},
		{name: "not json", body: []byte("model=gpt-image-1"), wantStatus: 400, wantCode: "invalid_json"},
		{name: "out of credits", cfg: OakgenConfig{OutOfCredits: true}, body: ok(), wantStatus: 402, wantCode: "insufficient_credits"},
		{name: "moderation", cfg: OakgenConfig{ModerationWord: "gore"}, body: ok("prompt", "much GORE"), wantStatus: 400,
			wantCode: "content_policy_violation", wantMsg: "flagged by our content moderation"},
		{name: "rate limit", cfg: OakgenConfig{RateLimit: Fault{First: 1}}, body: ok(), wantStatus: 429, wantCode: "rate_limited"},
		{name: "server error", cfg: OakgenConfig{ServerError: Fault{First: 1}}, body: ok(), wantStatus: 500, wantCode: "internal_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := NewOakgen(tt.cfg)
			base := fake.Start(t)
			key := oakKey
			switch tt.key {
			case "":
			case "-":
				key = ""
			default:
				key = tt.key
			}
			var a answer
			if raw, isRaw := tt.body.([]byte); isRaw {
				req, _ := http.NewRequest(http.MethodPost, base+oakgenPath, bytes.NewReader(raw))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+key)
				a = do(t, req)
			} else {
				a = oakPost(t, base, key, tt.body)
			}
			code, msg := a.oakError(t)
			if a.status != tt.wantStatus || code != tt.wantCode || !strings.Contains(msg, tt.wantMsg) {
				t.Errorf("got %d %s %q, want %d %s containing %q", a.status, code, msg, tt.wantStatus, tt.wantCode, tt.wantMsg)
			}
			if tt.wantStatus == 429 && a.header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After = %q, want 1", a.header.Get("Retry-After"))
			}
			if fake.Stats().Images != 0 {
				t.Error("a refused request counted an image")
			}
		})
	}
}

func TestOakgenAsync(t *testing.T) {
	fake := NewOakgen(OakgenConfig{AsyncPolls: 2})
	base := fake.Start(t)
	r := oakPost(t, base, oakKey, map[string]any{"model": "gpt-image-1", "prompt": "otter"}).oakResult(t, http.StatusAccepted)
	if r.Status != "processing" || !strings.HasPrefix(r.PollingURL, base+oakgenPath+"/gen_") {
		t.Fatalf("202 body = %+v", r)
	}
	var statuses []string
	for range 3 {
		p := oakGet(t, r.PollingURL, oakKey).oakResult(t, http.StatusOK)
		statuses = append(statuses, p.Status)
		if p.Status == "completed" {
			oakImage(t, p)
		}
	}
	if diff := cmp.Diff([]string{"processing", "processing", "completed"}, statuses); diff != "" {
		t.Errorf("poll statuses (-want +got):\n%s", diff)
	}
	if a := oakGet(t, r.PollingURL, ""); a.status != http.StatusUnauthorized {
		t.Errorf("a poll without the key answered %d", a.status)
	}
	if a := oakGet(t, base+oakgenPath+"/gen_nope", oakKey); a.status != http.StatusNotFound {
		t.Errorf("an unknown job answered %d", a.status)
	}
}

func TestOakgenGarbage(t *testing.T) {
	for _, kind := range []GarbageKind{GarbageNotImage, GarbageWrongSize, GarbageWrongFormat, GarbageTruncated} {
		fake := NewOakgen(OakgenConfig{Garbage: Fault{First: 1}, GarbageKind: kind})
		base := fake.Start(t)
		r := oakPost(t, base, oakKey, map[string]any{"model": "gpt-image-1", "prompt": "otter", "output_format": "png"}).oakResult(t, http.StatusOK)
		a := oakGet(t, r.Images[0].URL, "")
		m, format, err := image.Decode(bytes.NewReader(a.body))
		if err == nil && sizeOf(m) == "1024x1024" && format == "png" {
			t.Errorf("garbage kind %d returned a good image", kind)
		}
		if fake.Stats().Images != 0 {
			t.Errorf("garbage kind %d counted as an image", kind)
		}
	}
}

func TestOakgenRecordsRequests(t *testing.T) {
	fake := NewOakgen(OakgenConfig{})
	base := fake.Start(t)
	oakPost(t, base, oakKey, map[string]any{"model": "gpt-image-1", "prompt": "otter", "size": "1536x1024",
		"image_urls": []string{"https://cdn.example.com/a.png"}})
	want := []OakgenReceived{{Method: "POST", Status: 200, Model: "gpt-image-1", Prompt: "otter",
		Params: map[string]string{"size": "1536x1024"}, References: []string{"https://cdn.example.com/a.png"}}}
	if diff := cmp.Diff(want, fake.Received()); diff != "" {
		t.Errorf("Received (-want +got):\n%s", diff)
	}
}
