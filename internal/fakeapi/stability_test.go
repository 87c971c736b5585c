package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const stabKey = "sk-stab-0123456789abcdef"

// stabPost sends a multipart generation; image, when not nil, is the
// "image" file part.
func stabPost(t testing.TB, base, endpoint, accept string, fields map[string]string, image *filePart) answer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if image != nil {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+image.field+`"; filename="`+image.filename+`"`)
		h.Set("Content-Type", image.contentType)
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(image.data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, base+stabPrefix+endpoint, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+stabKey)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return do(t, req)
}

func (a answer) stabError(t testing.TB) (string, []string) {
	t.Helper()
	var e struct {
		ID     string   `json:"id"`
		Name   string   `json:"name"`
		Errors []string `json:"errors"`
	}
	if err := json.Unmarshal(a.body, &e); err != nil || e.Name == "" || len(e.Errors) == 0 || len(e.ID) != 32 {
		t.Fatalf("answer %d is not a Stability error: %s", a.status, short(a.body))
	}
	return e.Name, e.Errors
}

func pngPart(t testing.TB, w, h int) *filePart {
	return &filePart{field: "image", filename: "ref.png", contentType: "image/png", data: encodeImage(t, "png", w, h)}
}

func TestStabilityImages(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		fields   map[string]string
		image    *filePart
		format   string
		size     string
	}{
		{"core default", "core", map[string]string{"prompt": "an otter"}, nil, "png", "1024x1024"},
		{"core 16:9 webp", "core", map[string]string{"prompt": "x", "aspect_ratio": "16:9", "output_format": "webp", "style_preset": "anime"}, nil, "webp", "1344x768"},
		{"ultra is larger", "ultra", map[string]string{"prompt": "x", "aspect_ratio": "1:1", "output_format": "jpeg"}, nil, "jpeg", "1536x1536"},
		{"ultra image-to-image keeps the ratio", "ultra", map[string]string{"prompt": "x", "strength": "0.6"}, pngPart(t, 200, 100), "png", "2176x1088"},
		{"sd3 medium 9:21", "sd3", map[string]string{"prompt": "x", "model": "sd3.5-medium", "aspect_ratio": "9:21"}, nil, "png", "640x1536"},
		{"sd3 image-to-image", "sd3", map[string]string{"prompt": "x", "mode": "image-to-image", "strength": "0.3"}, pngPart(t, 64, 64), "png", "1024x1024"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStability(StabilityConfig{APIKey: stabKey})
			a := stabPost(t, s.Start(t), tt.endpoint, "image/*", tt.fields, tt.image)
			if a.status != 200 {
				t.Fatalf("status %d: %s", a.status, short(a.body))
			}
			m, format, err := image.Decode(bytes.NewReader(a.body))
			if err != nil {
				t.Fatalf("the body does not decode: %v", err)
			}
			if got := sizeOf(m); format != tt.format || got != tt.size || a.header.Get("Content-Type") != "image/"+tt.format {
				t.Errorf("got %s %s (Content-Type %s), want %s %s", format, got, a.header.Get("Content-Type"), tt.format, tt.size)
			}
			if a.header.Get("finish-reason") != "SUCCESS" || a.header.Get("seed") == "" || a.header.Get("seed") == "0" {
				t.Errorf("headers finish-reason %q seed %q", a.header.Get("finish-reason"), a.header.Get("seed"))
			}
			if s.Stats().Images != 1 {
				t.Errorf("stats = %+v", s.Stats())
			}
		})
	}
}

func TestStabilitySeedAndJSON(t *testing.T) {
	s := NewStability(StabilityConfig{})
	base := s.Start(t)
	fields := map[string]string{"prompt": "x", "seed": "42"}
	raw := stabPost(t, base, "core", "", fields, nil)
	if raw.header.Get("seed") != "42" {
		t.Errorf("seed header %q, want 42", raw.header.Get("seed"))
	}
	var j struct {
		Image        string `json:"image"`
		FinishReason string `json:"finish_reason"`
		Seed         int64  `json:"seed"`
	}
	a := stabPost(t, base, "core", "application/json", fields, nil)
	if err := json.Unmarshal(a.body, &j); err != nil || j.FinishReason != "SUCCESS" || j.Seed != 42 {
		t.Fatalf("JSON answer %s: %v", short(a.body), err)
	}
	if data, _ := base64.StdEncoding.DecodeString(j.Image); !bytes.Equal(data, raw.body) {
		t.Error("the same request with the same seed gave different bytes as JSON")
	}
}

func TestStabilityRejects(t *testing.T) {
	tests := []struct {
		name     string
		cfg      StabilityConfig
		endpoint string
		fields   map[string]string
		image    *filePart
		status   int
		errName  string
		inMsg    string
	}{
		{"no prompt", StabilityConfig{}, "core", map[string]string{"aspect_ratio": "1:1"}, nil, 400, "bad_request", "prompt: cannot be empty"},
		{"long prompt", StabilityConfig{}, "core", map[string]string{"prompt": strings.Repeat("x", 10001)}, nil, 400, "bad_request", "at most 10000 characters"},
		{"unknown field", StabilityConfig{}, "core", map[string]string{"prompt": "x", "size": "1024x1024"}, nil, 400, "bad_request", "size: is not a valid field for core"},
		{"image on core", StabilityConfig{}, "core", map[string]string{"prompt": "x"}, pngPart(t, 64, 64), 400, "bad_request", "image: is not a valid field for core"},
		{"webp on sd3", StabilityConfig{}, "sd3", map[string]string{"prompt": "x", "output_format": "webp"}, nil, 400, "bad_request", "output_format: must be one of png, jpeg"},
		{"bad ratio", StabilityConfig{}, "ultra", map[string]string{"prompt": "x", "aspect_ratio": "4:3"}, nil, 400, "bad_request", "aspect_ratio: must be one of"},
		{"seed too large", StabilityConfig{}, "core", map[string]string{"prompt": "x", "seed": "4294967295"}, nil, 400, "bad_request", "seed: must be an integer"},
		{"unknown model", StabilityConfig{}, "sd3", map[string]string{"prompt": "x", "model": "sd3-large"}, nil, 400, "bad_request", "model: must be one of"},
		{"image-to-image without image", StabilityConfig{}, "sd3", map[string]string{"prompt": "x", "mode": "image-to-image", "strength": "0.5"}, nil, 400, "bad_request", "image: is required"},
		{"image without strength", StabilityConfig{}, "ultra", map[string]string{"prompt": "x"}, pngPart(t, 64, 64), 400, "bad_request", "strength: is required"},
		{"ratio with image", StabilityConfig{}, "ultra", map[string]string{"prompt": "x", "strength": "0.5", "aspect_ratio": "1:1"}, pngPart(t, 64, 64), 400, "bad_request", "aspect_ratio: is only allowed for text-to-image"},
		{"small image", StabilityConfig{}, "ultra", map[string]string{"prompt": "x", "strength": "0.5"}, pngPart(t, 32, 64), 400, "bad_request", "at least 64 pixels, got 32x64"},
		{"thin image", StabilityConfig{}, "ultra", map[string]string{"prompt": "x", "strength": "0.5"}, pngPart(t, 300, 100), 400, "bad_request", "aspect ratio must be between"},
		{"octet-stream image", StabilityConfig{}, "ultra", map[string]string{"prompt": "x", "strength": "0.5"}, &filePart{field: "image", filename: "a", contentType: "application/octet-stream", data: []byte("x")}, 400, "bad_request", "unsupported content type"},
		{"out of credits", StabilityConfig{OutOfCredits: true}, "core", map[string]string{"prompt": "x"}, nil, 402, "payment_required", "lack sufficient credits"},
		{"moderation", StabilityConfig{ModerationWord: "weapon"}, "core", map[string]string{"prompt": "a Weapon"}, nil, 403, "content_moderation", "flagged by our content moderation"},
		{"rate limit", StabilityConfig{RateLimit: Fault{First: 1}}, "core", map[string]string{"prompt": "x"}, nil, 429, "rate_limit_exceeded", "exceeded the rate limit"},
		{"server error", StabilityConfig{ServerError: Fault{First: 1}}, "core", map[string]string{"prompt": "x"}, nil, 500, "internal_error", "unexpected server error"},
		{"unknown endpoint", StabilityConfig{}, "sd4", map[string]string{"prompt": "x"}, nil, 404, "not_found", "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewStability(tt.cfg)
			a := stabPost(t, s.Start(t), tt.endpoint, "image/*", tt.fields, tt.image)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, short(a.body))
			}
			name, errs := a.stabError(t)
			if name != tt.errName || !strings.Contains(errs[0], tt.inMsg) {
				t.Errorf("error %s %q, want %s containing %q", name, errs, tt.errName, tt.inMsg)
			}
			if s.Stats().Images != 0 {
				t.Error("a rejected request counted an image")
			}
		})
	}
}

func TestStabilityNotMultipart(t *testing.T) {
	s := NewStability(StabilityConfig{})
	req, _ := http.NewRequest(http.MethodPost, s.Start(t)+stabPrefix+"core", strings.NewReader(`{"prompt":"x"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer k")
	if a := do(t, req); a.status != 400 || !strings.Contains(string(a.body), "multipart/form-data") {
		t.Errorf("a JSON body got %d %s", a.status, short(a.body))
	}
}

func TestStabilityFilteredIs200(t *testing.T) {
	s := NewStability(StabilityConfig{FilterWord: "beach"})
	a := stabPost(t, s.Start(t), "core", "image/*", map[string]string{"prompt": "an otter on a BEACH"}, nil)
	if a.status != 200 || a.header.Get("finish-reason") != "CONTENT_FILTERED" {
		t.Fatalf("status %d finish-reason %q, want 200 CONTENT_FILTERED", a.status, a.header.Get("finish-reason"))
	}
	if _, _, err := image.Decode(bytes.NewReader(a.body)); err != nil {
		t.Errorf("a filtered answer still carries a real image: %v", err)
	}
	if s.Stats().Images != 0 {
		t.Error("a filtered image counted as generated")
	}
}

func TestStabilityRateLimitThenSuccess(t *testing.T) {
	s := NewStability(StabilityConfig{RateLimit: Fault{First: 2}, RetryAfter: 1500e6})
	base := s.Start(t)
	for range 2 {
		if a := stabPost(t, base, "core", "", map[string]string{"prompt": "x"}, nil); a.status != 429 || a.header.Get("Retry-After") != "2" {
			t.Fatalf("status %d Retry-After %q, want 429 and 2", a.status, a.header.Get("Retry-After"))
		}
	}
	if a := stabPost(t, base, "core", "", map[string]string{"prompt": "x"}, nil); a.status != 200 {
		t.Fatalf("third request: %d", a.status)
	}
	want := Stats{Generations: 3, Images: 1, ByStatus: map[int]int{429: 2, 200: 1}}
	if diff := cmp.Diff(want, s.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestStabilityGarbage(t *testing.T) {
	for _, kind := range []GarbageKind{GarbageBase64, GarbageNotImage, GarbageWrongSize, GarbageWrongFormat, GarbageTruncated} {
		s := NewStability(StabilityConfig{Garbage: Fault{First: 1}, GarbageKind: kind})
		a := stabPost(t, s.Start(t), "core", "image/*", map[string]string{"prompt": "x"}, nil)
		m, format, err := image.Decode(bytes.NewReader(a.body))
		broken := err != nil || format != "png" || sizeOf(m) != "1024x1024"
		if a.status != 200 || !broken {
			t.Errorf("kind %d: status %d, a complete %s image (%v)", kind, a.status, format, err)
		}
		if s.Stats().Images != 0 {
			t.Errorf("kind %d: garbage counted as an image", kind)
		}
	}
}

func TestStabilityReceived(t *testing.T) {
	s := NewStability(StabilityConfig{})
	img := pngPart(t, 80, 64)
	stabPost(t, s.Start(t), "sd3", "image/*", map[string]string{"prompt": "x", "mode": "image-to-image", "strength": "0.4", "model": "sd3.5-large-turbo"}, img)
	want := []StabilityReceived{{Status: 200, Endpoint: "sd3", Accept: "image/*",
		Fields: map[string]string{"prompt": "x", "mode": "image-to-image", "strength": "0.4", "model": "sd3.5-large-turbo"},
		Image:  &Upload{Param: "image", Filename: "ref.png", ContentType: "image/png", Width: 80, Height: 64, Bytes: len(img.data)}}}
	if diff := cmp.Diff(want, s.Received()); diff != "" {
		t.Errorf("Received (-want +got):\n%s", diff)
	}
}

func TestStabilityRetryAfterBelowASecond(t *testing.T) {
	s := NewStability(StabilityConfig{RateLimit: Fault{First: 1}, RetryAfter: 20 * time.Millisecond})
	if a := stabPost(t, s.Start(t), "core", "", map[string]string{"prompt": "x"}, nil); a.header.Get("Retry-After") != "0.02" {
		t.Errorf("Retry-After %q, want 0.02", a.header.Get("Retry-After"))
	}
}
