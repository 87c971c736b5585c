package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const gemKey = "AIzaSyFAKE-0123456789abcdefghijklmno"

func gemPost(t testing.TB, base, model, key string, body any) answer {
	t.Helper()
	b, ok := body.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(body); err != nil {
			t.Fatal(err)
		}
	}
	req, err := http.NewRequest(http.MethodPost, base+"/v1beta/models/"+model+":generateContent", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("x-goog-api-key", key)
	}
	return do(t, req)
}

// gemBody is a request with a prompt, optional references and config.
func gemBody(prompt string, config map[string]any, refs ...[]byte) map[string]any {
	parts := []any{map[string]any{"text": prompt}}
	for _, r := range refs {
		mt := "image/" + map[byte]string{0x89: "png", 0xff: "jpeg", 'R': "webp"}[r[0]]
		parts = append(parts, map[string]any{"inlineData": map[string]any{"mimeType": mt, "data": base64.StdEncoding.EncodeToString(r)}})
	}
	body := map[string]any{"contents": []any{map[string]any{"role": "user", "parts": parts}}}
	if config != nil {
		body["generationConfig"] = config
	}
	return body
}

func imageConfig(kv ...string) map[string]any {
	ic := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		ic[kv[i]] = kv[i+1]
	}
	return map[string]any{"responseModalities": []string{"IMAGE"}, "imageConfig": ic}
}

func (a answer) gemResponse(t testing.TB) gemResponse {
	t.Helper()
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, short(a.body))
	}
	var r gemResponse
	if err := json.Unmarshal(a.body, &r); err != nil {
		t.Fatalf("decoding the answer: %v", err)
	}
	return r
}

func (a answer) gemError(t testing.TB) (int, string, string) {
	t.Helper()
	var e struct {
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
		} `json:"error"`
	}
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error == nil {
		t.Fatalf("answer %d is not a Google error: %s", a.status, short(a.body))
	}
	if e.Error.Code != a.status {
		t.Errorf("error.code %d differs from the HTTP status %d", e.Error.Code, a.status)
	}
	return e.Error.Code, e.Error.Status, e.Error.Message
}

// gemImage decodes the answer's image completely.
func gemImage(t testing.TB, r gemResponse) (image.Image, string) {
	t.Helper()
	if len(r.Candidates) != 1 || r.Candidates[0].Content == nil {
		t.Fatalf("want one candidate with content, got %+v", r.Candidates)
	}
	for _, p := range r.Candidates[0].Content.Parts {
		if p.InlineData != nil {
			m, format := decodeB64(t, p.InlineData.Data)
			if "image/"+format != p.InlineData.MimeType {
				t.Errorf("mimeType %s, bytes are %s", p.InlineData.MimeType, format)
			}
			return m, format
		}
	}
	t.Fatal("no inlineData part in the answer")
	return nil, ""
}

func TestGeminiImageSizes(t *testing.T) {
	tests := []struct {
		name   string
		model  string
		config map[string]any
		refs   [][]byte
		want   string
		tokens int
	}{
		{"2.5 flash default square", "gemini-2.5-flash-image", nil, nil, "1024x1024", 1290},
		{"2.5 flash 16:9", "gemini-2.5-flash-image", imageConfig("aspectRatio", "16:9"), nil, "1344x768", 1290},
		{"3 pro 2K 3:2", "gemini-3-pro-image", imageConfig("aspectRatio", "3:2", "imageSize", "2K"), nil, "2528x1696", 1120},
		{"nano banana 2.1 extreme ratio", "gemini-nano-banana-2.1", imageConfig("aspectRatio", "4:1"), nil, "2048x512", 1120},
		{"snake_case fields", "gemini-3-pro-image", map[string]any{"response_modalities": []string{"TEXT", "IMAGE"}, "image_config": map[string]any{"aspect_ratio": "9:16"}}, nil, "768x1376", 1120},
		{"reference sets the ratio", "gemini-3-pro-image", nil, [][]byte{encodeImage(t, "jpeg", 300, 200)}, "1264x848", 1120},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGemini(GeminiConfig{APIKey: gemKey})
			r := gemPost(t, g.Start(t), tt.model, gemKey, gemBody("an otter", tt.config, tt.refs...)).gemResponse(t)
			m, format := gemImage(t, r)
			if got := sizeOf(m); got != tt.want || format != "png" {
				t.Errorf("image is %s %s, want png %s", format, got, tt.want)
			}
			if img := gemOutImageTokens(r.UsageMetadata); img != tt.tokens {
				t.Errorf("image output tokens = %d, want %d", img, tt.tokens)
			}
			if r.Candidates[0].FinishReason != "STOP" || r.ModelVersion != tt.model {
				t.Errorf("finishReason %q, modelVersion %q", r.Candidates[0].FinishReason, r.ModelVersion)
			}
			if s := g.Stats(); s.Images != 1 || s.ByStatus[200] != 1 {
				t.Errorf("stats = %+v", s)
			}
		})
	}
}

// The tiers scale the 1K table; rendering a 4K image is left out of the
// tests above (slow under the race detector).
func TestGeminiDims(t *testing.T) {
	m := gemModels()["gemini-3-pro-image"]
	for _, tt := range []struct{ ratio, size, want string }{
		{"1:1", "4K", "4096x4096"}, {"21:9", "4K", "6336x2688"}, {"16:9", "2K", "2752x1536"},
	} {
		if w, h := m.dims(tt.ratio, tt.size); fmt.Sprintf("%dx%d", w, h) != tt.want {
			t.Errorf("%s %s: %dx%d, want %s", tt.ratio, tt.size, w, h, tt.want)
		}
	}
	if n := gemModels()["gemini-3.1-flash-image"]; fmt.Sprint(n.dims("4:1", "512")) != "1024 256" {
		t.Errorf("512 tier of 4:1: %v", fmt.Sprint(n.dims("4:1", "512")))
	}
}

func sizeOf(m image.Image) string {
	return fmt.Sprintf("%dx%d", m.Bounds().Dx(), m.Bounds().Dy())
}

func gemOutImageTokens(u gemUsage) int {
	for _, d := range u.CandidatesTokensDetails {
		if d.Modality == "IMAGE" {
			return d.TokenCount
		}
	}
	return 0
}

func TestGeminiRejects(t *testing.T) {
	png := encodeImage(t, "png", 64, 64)
	many := make([][]byte, 15)
	for i := range many {
		many[i] = png
	}
	badMIME := gemBody("x", nil)
	badMIME["contents"].([]any)[0].(map[string]any)["parts"] = []any{map[string]any{"inlineData": map[string]any{"mimeType": "image/jpeg", "data": base64.StdEncoding.EncodeToString(png)}}}
	tests := []struct {
		name   string
		model  string
		key    string
		body   any
		status int
		code   string
		inMsg  string
	}{
		{"no key", "gemini-3-pro-image", "", gemBody("x", nil), 403, "PERMISSION_DENIED", "unregistered callers"},
		{"wrong key", "gemini-3-pro-image", "AIza-wrong", gemBody("x", nil), 400, "INVALID_ARGUMENT", "API key not valid"},
		{"unknown model", "imagen-4.0-generate-001", gemKey, gemBody("x", nil), 404, "NOT_FOUND", "is not found for API version v1beta"},
		{"unknown field", "gemini-3-pro-image", gemKey, map[string]any{"contents": []any{}, "prompt": "x"}, 400, "INVALID_ARGUMENT", `Unknown name "prompt": Cannot find field.`},
		{"unknown nested field", "gemini-3-pro-image", gemKey, gemBody("x", map[string]any{"imageConfig": map[string]any{"size": "2K"}}), 400, "INVALID_ARGUMENT", `Unknown name "size" at 'generation_config.image_config'`},
		{"no contents", "gemini-3-pro-image", gemKey, map[string]any{"contents": []any{}}, 400, "INVALID_ARGUMENT", "contents is not specified"},
		{"two data fields in a part", "gemini-3-pro-image", gemKey, map[string]any{"contents": []any{map[string]any{"parts": []any{map[string]any{"text": "x", "inlineData": map[string]any{"mimeType": "image/png", "data": ""}}}}}}, 400, "INVALID_ARGUMENT", "oneof field 'data'"},
		{"lower-case k", "gemini-3-pro-image", gemKey, gemBody("x", imageConfig("imageSize", "2k")), 400, "INVALID_ARGUMENT", `Unsupported image size "2k"`},
		{"2K on 2.5 flash", "gemini-2.5-flash-image", gemKey, gemBody("x", imageConfig("imageSize", "2K")), 400, "INVALID_ARGUMENT", "Unsupported image size"},
		{"extreme ratio on 3 pro", "gemini-3-pro-image", gemKey, gemBody("x", imageConfig("aspectRatio", "8:1")), 400, "INVALID_ARGUMENT", "Unsupported aspect ratio"},
		{"thinking on 2.5 flash", "gemini-2.5-flash-image", gemKey, gemBody("x", map[string]any{"thinkingConfig": map[string]any{"thinkingLevel": "HIGH"}}), 400, "INVALID_ARGUMENT", "Thinking level is not supported"},
		{"too many references", "gemini-3-pro-image", gemKey, gemBody("x", nil, many...), 400, "INVALID_ARGUMENT", "Too many input images: 15"},
		{"image bytes of another type", "gemini-3-pro-image", gemKey, badMIME, 400, "INVALID_ARGUMENT", "Unable to process input image"},
		{"not JSON", "gemini-3-pro-image", gemKey, []byte("prompt=x"), 400, "INVALID_ARGUMENT", "Invalid JSON payload"},
		{"too large", "gemini-3-pro-image", gemKey, gemBody(strings.Repeat("x", gemMaxBody), nil), 400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 20971520 bytes."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGemini(GeminiConfig{APIKey: gemKey})
			a := gemPost(t, g.Start(t), tt.model, tt.key, tt.body)
			if a.status != tt.status {
				t.Fatalf("status %d, want %d: %s", a.status, tt.status, short(a.body))
			}
			_, code, msg := a.gemError(t)
			if code != tt.code || !strings.Contains(msg, tt.inMsg) {
				t.Errorf("error %s %q, want %s containing %q", code, msg, tt.code, tt.inMsg)
			}
			if g.Stats().Images != 0 {
				t.Error("a rejected request counted an image")
			}
		})
	}
}

func TestGeminiRefusalsAre200WithoutImage(t *testing.T) {
	tests := []struct {
		name       string
		cfg        GeminiConfig
		prompt     string
		finish     string
		block      string
		candidates int
	}{
		{"image safety", GeminiConfig{SafetyWord: "weapon"}, "an otter with a WEAPON", "IMAGE_SAFETY", "", 1},
		{"other finish reason", GeminiConfig{SafetyWord: "weapon", SafetyReason: "IMAGE_PROHIBITED_CONTENT"}, "weapon", "IMAGE_PROHIBITED_CONTENT", "", 1},
		{"prompt blocked", GeminiConfig{BlockWord: "forbidden"}, "something forbidden", "", "PROHIBITED_CONTENT", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := NewGemini(tt.cfg)
			r := gemPost(t, g.Start(t), "gemini-3-pro-image", gemKey, gemBody(tt.prompt, nil)).gemResponse(t)
			if len(r.Candidates) != tt.candidates {
				t.Fatalf("candidates = %+v", r.Candidates)
			}
			if tt.candidates > 0 && (r.Candidates[0].FinishReason != tt.finish || r.Candidates[0].Content != nil) {
				t.Errorf("candidate = %+v, want finishReason %s and no content", r.Candidates[0], tt.finish)
			}
			if got := ""; r.PromptFeedback != nil {
				got = r.PromptFeedback.BlockReason
				if got != tt.block {
					t.Errorf("blockReason = %q, want %q", got, tt.block)
				}
			} else if tt.block != "" {
				t.Error("no promptFeedback")
			}
			if g.Stats().Images != 0 {
				t.Error("a refusal counted an image")
			}
		})
	}
}

func TestGeminiRateLimitThenSuccess(t *testing.T) {
	g := NewGemini(GeminiConfig{RateLimit: Fault{First: 1}, RetryAfterHeader: true})
	base := g.Start(t)
	a := gemPost(t, base, "gemini-nano-banana-2.1", gemKey, gemBody("x", nil))
	if _, code, _ := a.gemError(t); a.status != 429 || code != "RESOURCE_EXHAUSTED" || a.header.Get("Retry-After") != "1" {
		t.Fatalf("first answer: %d %s Retry-After %q", a.status, code, a.header.Get("Retry-After"))
	}
	if !strings.Contains(string(a.body), `"retryDelay":"1s"`) {
		t.Errorf("no RetryInfo detail: %s", a.body)
	}
	gemImage(t, gemPost(t, base, "gemini-nano-banana-2.1", gemKey, gemBody("x", nil)).gemResponse(t))
	want := Stats{Generations: 2, Images: 1, ByStatus: map[int]int{429: 1, 200: 1}}
	if diff := cmp.Diff(want, g.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestGeminiServerFaults(t *testing.T) {
	tests := []struct {
		name   string
		cfg    GeminiConfig
		status int
		code   string
	}{
		{"overloaded", GeminiConfig{Overloaded: Fault{First: 1}}, 503, "UNAVAILABLE"},
		{"internal", GeminiConfig{ServerError: Fault{First: 1}}, 500, "INTERNAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := gemPost(t, NewGemini(tt.cfg).Start(t), "gemini-3-pro-image", gemKey, gemBody("x", nil))
			if _, code, _ := a.gemError(t); a.status != tt.status || code != tt.code {
				t.Errorf("answer %d %s, want %d %s", a.status, code, tt.status, tt.code)
			}
		})
	}
}

func TestGeminiGarbage(t *testing.T) {
	tests := []struct {
		kind  GarbageKind
		check func(data []byte, mime string) bool // true when broken as asked
	}{
		{GarbageBase64, nil},
		{GarbageNotImage, func(d []byte, _ string) bool { _, _, err := image.DecodeConfig(bytes.NewReader(d)); return err != nil }},
		{GarbageWrongSize, func(d []byte, _ string) bool {
			c, _, err := image.DecodeConfig(bytes.NewReader(d))
			return err == nil && c.Width != c.Height
		}},
		{GarbageWrongFormat, func(d []byte, mime string) bool {
			_, f, _ := image.DecodeConfig(bytes.NewReader(d))
			return "image/"+f != mime
		}},
		{GarbageTruncated, func(d []byte, _ string) bool { _, _, err := image.Decode(bytes.NewReader(d)); return err != nil }},
	}
	for _, tt := range tests {
		g := NewGemini(GeminiConfig{Garbage: Fault{First: 1}, GarbageKind: tt.kind})
		r := gemPost(t, g.Start(t), "gemini-3-pro-image", gemKey, gemBody("x", nil)).gemResponse(t)
		p := r.Candidates[0].Content.Parts[1].InlineData
		data, err := base64.StdEncoding.DecodeString(p.Data)
		switch {
		case tt.check == nil && err == nil:
			t.Errorf("kind %d: the data is valid base64", tt.kind)
		case tt.check != nil && (err != nil || !tt.check(data, p.MimeType)):
			t.Errorf("kind %d: the answer is not broken as asked (base64 error %v)", tt.kind, err)
		}
		if g.Stats().Images != 0 {
			t.Errorf("kind %d: garbage counted as an image", tt.kind)
		}
	}
}

func TestGeminiReceived(t *testing.T) {
	g := NewGemini(GeminiConfig{OutputMIME: "image/jpeg"})
	ref := encodeImage(t, "webp", 40, 30)
	cfg := imageConfig("aspectRatio", "4:3", "imageSize", "1K", "personGeneration", "ALLOW_ADULT")
	cfg["thinkingConfig"] = map[string]any{"thinkingLevel": "MINIMAL"}
	r := gemPost(t, g.Start(t), "gemini-nano-banana-2.1", gemKey, gemBody("an otter", cfg, ref)).gemResponse(t)
	if _, format := gemImage(t, r); format != "jpeg" {
		t.Errorf("OutputMIME image/jpeg gave %s", format)
	}
	want := []GeminiReceived{{Status: 200, Model: "gemini-nano-banana-2.1", Prompt: "an otter",
		Images:             []Upload{{Param: "contents[0].parts[1].inline_data", ContentType: "image/webp", Width: 40, Height: 30, Bytes: len(ref)}},
		ResponseModalities: []string{"IMAGE"}, AspectRatio: "4:3", ImageSize: "1K", PersonGeneration: "ALLOW_ADULT", ThinkingLevel: "MINIMAL"}}
	if diff := cmp.Diff(want, g.Received()); diff != "" {
		t.Errorf("Received (-want +got):\n%s", diff)
	}
}

func TestGeminiRetryDelayFractions(t *testing.T) {
	g := NewGemini(GeminiConfig{RateLimit: Fault{First: 1}, RetryDelay: 20 * time.Millisecond, RetryAfterHeader: true})
	a := gemPost(t, g.Start(t), "gemini-3-pro-image", gemKey, gemBody("x", nil))
	if !strings.Contains(string(a.body), `"retryDelay":"0.02s"`) || a.header.Get("Retry-After") != "1" {
		t.Errorf("retryDelay of 20ms: Retry-After %q, body %s", a.header.Get("Retry-After"), a.body)
	}
}
