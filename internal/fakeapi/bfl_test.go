package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const bflKey = "bfl-test-0123456789abcdef"

func bflSubmit(t testing.TB, base, model, key string, body map[string]any) answer {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, base+"/v1/"+model, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("x-key", key)
	}
	return do(t, req)
}

func bflGet(t testing.TB, url, key string) answer {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if key != "" {
		req.Header.Set("x-key", key)
	}
	return do(t, req)
}

type bflPollBody struct {
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Details map[string]any `json:"details"`
	Result  *struct {
		Sample string `json:"sample"`
		Seed   int64  `json:"seed"`
	} `json:"result"`
}

// bflRun submits a task and polls it until a status other than Pending,
// returning every status seen and the last body.
func bflRun(t testing.TB, base, model string, body map[string]any) ([]string, bflPollBody) {
	t.Helper()
	a := bflSubmit(t, base, model, bflKey, body)
	if a.status != http.StatusOK {
		t.Fatalf("submit: %d %s", a.status, short(a.body))
	}
	var sub struct {
		ID         string `json:"id"`
		PollingURL string `json:"polling_url"`
	}
	if err := json.Unmarshal(a.body, &sub); err != nil || sub.ID == "" || !strings.HasPrefix(sub.PollingURL, base+"/v1/get_result?id=") {
		t.Fatalf("submit answer %s", a.body)
	}
	var statuses []string
	for range 10 {
		var p bflPollBody
		pa := bflGet(t, sub.PollingURL, bflKey)
		if err := json.Unmarshal(pa.body, &p); err != nil || pa.status != http.StatusOK {
			t.Fatalf("poll: %d %s", pa.status, short(pa.body))
		}
		statuses = append(statuses, p.Status)
		if p.Status != "Pending" {
			return statuses, p
		}
	}
	t.Fatal("still Pending after 10 polls")
	return nil, bflPollBody{}
}

func bflImage(t testing.TB, p bflPollBody) (image.Image, string, []byte) {
	t.Helper()
	if p.Result == nil {
		t.Fatalf("no result in %+v", p)
	}
	a := bflGet(t, p.Result.Sample, "")
	if a.status != http.StatusOK {
		t.Fatalf("result link: %d", a.status)
	}
	m, format, err := image.Decode(bytes.NewReader(a.body))
	if err != nil {
		t.Fatalf("decoding the result: %v", err)
	}
	return m, format, a.body
}

func pngB64(t testing.TB, w, h int) string {
	return base64.StdEncoding.EncodeToString(encodeImage(t, "png", w, h))
}

func TestBFLGenerates(t *testing.T) {
	tests := []struct {
		name       string
		model      string
		body       map[string]any
		wantSize   string
		wantFormat string
	}{
		{"flux-pro-1.1 defaults", "flux-pro-1.1", map[string]any{"prompt": "otter"}, "1024x768", "jpeg"},
		{"flux-pro-1.1 size and png", "flux-pro-1.1", map[string]any{"prompt": "otter", "width": 1440, "height": 256, "output_format": "png",
			"seed": 7, "safety_tolerance": 6, "prompt_upsampling": true, "image_prompt": pngB64(t, 32, 32)}, "1440x256", "png"},
		{"ultra 16:9", "flux-pro-1.1-ultra", map[string]any{"prompt": "otter", "aspect_ratio": "16:9", "raw": true, "output_format": "png"}, "2720x1536", "png"},
		{"ultra default 16:9", "flux-pro-1.1-ultra", map[string]any{"prompt": "otter", "output_format": "png"}, "2720x1536", "png"},
		{"ultra 1:1", "flux-pro-1.1-ultra", map[string]any{"prompt": "otter", "aspect_ratio": "1:1", "output_format": "png"}, "2048x2048", "png"},
		{"kontext takes the input's ratio", "flux-kontext-pro", map[string]any{"prompt": "otter", "input_image": pngB64(t, 64, 32)}, "1440x736", "jpeg"},
		{"kontext aspect ratio", "flux-kontext-max", map[string]any{"prompt": "otter", "aspect_ratio": "21:9", "input_image": "https://cdn.example.com/a.png"}, "1568x672", "jpeg"},
		{"flux-2 default", "flux-2-pro", map[string]any{"prompt": "otter", "output_format": "png"}, "1024x1024", "png"},
		{"flux-2 sizes by 16 with 8 references", "flux-2-max", map[string]any{"prompt": "otter", "width": 1040, "height": 400,
			"input_image": pngB64(t, 16, 16), "input_image_8": pngB64(t, 16, 16)}, "1040x400", "jpeg"},
		{"flux-2 flex", "flux-2-flex", map[string]any{"prompt": "otter", "width": 64, "height": 80, "steps": 50, "guidance": 1.5}, "64x80", "jpeg"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := NewBFL(BFLConfig{APIKey: bflKey})
			base := fake.Start(t)
			statuses, p := bflRun(t, base, tt.model, tt.body)
			if diff := cmp.Diff([]string{"Pending", "Ready"}, statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			m, format, _ := bflImage(t, p)
			if sizeOf(m) != tt.wantSize || format != tt.wantFormat {
				t.Errorf("got a %s %s, want a %s %s", sizeOf(m), format, tt.wantSize, tt.wantFormat)
			}
			if st := fake.Stats(); st.Images != 1 || fake.Active() != 0 {
				t.Errorf("Stats %+v, %d active", st, fake.Active())
			}
		})
	}
}

// The same seed gives the same image; without one, BFL picks and reports it.
func TestBFLSeed(t *testing.T) {
	fake := NewBFL(BFLConfig{})
	base := fake.Start(t)
	get := func(body map[string]any) (int64, []byte) {
		_, p := bflRun(t, base, "flux-pro-1.1", body)
		_, _, data := bflImage(t, p)
		return p.Result.Seed, data
	}
	s1, a := get(map[string]any{"prompt": "otter", "seed": 42})
	s2, b := get(map[string]any{"prompt": "otter", "seed": 42})
	s3, c := get(map[string]any{"prompt": "otter", "seed": 43})
	if s1 != 42 || s2 != 42 || s3 != 43 || !bytes.Equal(a, b) || bytes.Equal(a, c) {
		t.Errorf("seeds %d %d %d; same seed same bytes: %v; other seed other bytes: %v", s1, s2, s3, bytes.Equal(a, b), !bytes.Equal(a, c))
	}
}

func TestBFLRejects(t *testing.T) {
	tests := []struct {
		name       string
		cfg        BFLConfig
		key        string
		model      string
		body       map[string]any
		wantStatus int
		wantText   string
	}{
		{name: "no key", key: "-", model: "flux-pro-1.1", wantStatus: 403, wantText: "Not authenticated"},
		{name: "wrong key", key: "bfl-wrong-key-123456", model: "flux-pro-1.1", wantStatus: 401, wantText: "Invalid API key"},
		{name: "unknown model", model: "flux-pro-9", wantStatus: 404, wantText: "Not Found"},
		{name: "no prompt", model: "flux-pro-1.1", body: map[string]any{"prompt": ""}, wantStatus: 422, wantText: `"loc":["body","prompt"]`},
		{name: "an unknown field", model: "flux-pro-1.1", body: map[string]any{"prompt": "x", "aspect_ratio": "1:1"}, wantStatus: 422, wantText: "Extra inputs are not permitted"},
		{name: "width off 32", model: "flux-pro-1.1", body: map[string]any{"prompt": "x", "width": 1000}, wantStatus: 422, wantText: "multiple of 32 between 256 and 1440"},
		{name: "height too big", model: "flux-pro-1.1", body: map[string]any{"prompt": "x", "height": 1472}, wantStatus: 422, wantText: "height must be"},
		{name: "flux-2 over 4 MP", model: "flux-2-pro", body: map[string]any{"prompt": "x", "width": 2048, "height": 2064}, wantStatus: 422, wantText: "at most 4 megapixels"},
		{name: "flux-2 off 16", model: "flux-2-pro", body: map[string]any{"prompt": "x", "width": 1000}, wantStatus: 422, wantText: "multiple of 16"},
		{name: "flux-2 safety 6", model: "flux-2-pro", body: map[string]any{"prompt": "x", "safety_tolerance": 6}, wantStatus: 422, wantText: "less than or equal to 5"},
		{name: "a fractional seed", model: "flux-pro-1.1", body: map[string]any{"prompt": "x", "seed": 1.5}, wantStatus: 422, wantText: "valid integer"},
		{name: "webp", model: "flux-pro-1.1", body: map[string]any{"prompt": "x", "output_format": "webp"}, wantStatus: 422, wantText: "'jpeg' or 'png'"},
		{name: "ratio too wide", model: "flux-pro-1.1-ultra", body: map[string]any{"prompt": "x", "aspect_ratio": "3:1"}, wantStatus: 422, wantText: "between 21:9 and 9:21"},
		{name: "not an image", model: "flux-kontext-pro", body: map[string]any{"prompt": "x", "input_image": base64.StdEncoding.EncodeToString([]byte("<html>"))},
			wantStatus: 422, wantText: "could not decode"},
		{name: "five images on klein", model: "flux-2-klein-4b", body: map[string]any{"prompt": "x", "input_image_5": "https://x.test/a.png"},
			wantStatus: 422, wantText: "Extra inputs"},
		{name: "flex fields elsewhere", model: "flux-2-pro", body: map[string]any{"prompt": "x", "steps": 10}, wantStatus: 422, wantText: "Extra inputs"},
		{name: "flux-dev has no upsampling", model: "flux-dev", body: map[string]any{"prompt": "x", "prompt_upsampling": true}, wantStatus: 422,
			wantText: `{"detail":[{"loc":["body","prompt_upsampling"],"msg":"Extra inputs are not permitted","type":"extra_forbidden"}]}`},
		{name: "flex steps", model: "flux-2-flex", body: map[string]any{"prompt": "x", "steps": 51}, wantStatus: 422, wantText: "steps must be"},
		{name: "out of credits", cfg: BFLConfig{OutOfCredits: true}, model: "flux-pro-1.1", wantStatus: 402, wantText: "Insufficient credits"},
		{name: "rate limit", cfg: BFLConfig{RateLimit: Fault{First: 1}}, model: "flux-pro-1.1", wantStatus: 429, wantText: "limit of 24 active tasks"},
		{name: "server error", cfg: BFLConfig{ServerError: Fault{First: 1}}, model: "flux-pro-1.1", wantStatus: 500, wantText: "Internal Server Error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.APIKey = bflKey
			fake := NewBFL(tt.cfg)
			base := fake.Start(t)
			key := map[string]string{"": bflKey, "-": ""}[tt.key]
			if tt.key != "" && tt.key != "-" {
				key = tt.key
			}
			body := tt.body
			if body == nil {
				body = map[string]any{"prompt": "otter"}
			}
			a := bflSubmit(t, base, tt.model, key, body)
			if a.status != tt.wantStatus || !strings.Contains(string(a.body), tt.wantText) {
				t.Errorf("got %d %s, want %d containing %s", a.status, short(a.body), tt.wantStatus, tt.wantText)
			}
			if tt.wantStatus == 429 && a.header.Get("Retry-After") != "1" {
				t.Errorf("Retry-After %q", a.header.Get("Retry-After"))
			}
			if fake.Active() != 0 {
				t.Error("a rejected submission made a task")
			}
		})
	}
}

func TestBFLTaskEnds(t *testing.T) {
	tests := []struct {
		name        string
		cfg         BFLConfig
		prompt      string
		wantStatus  string
		wantDetails map[string]any
	}{
		{"request moderated", BFLConfig{ModerationWord: "logo"}, "a famous LOGO", "Request Moderated", map[string]any{"Moderation Reasons": []any{"Derivative Works"}}},
		{"content moderated", BFLConfig{ContentModerationWord: "nude"}, "a nude statue", "Content Moderated", map[string]any{"Moderation Reasons": []any{"NSFW"}}},
		{"error", BFLConfig{TaskError: Fault{First: 1}}, "otter", "Error", map[string]any{"error": "Generation failed: internal error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := NewBFL(tt.cfg)
			base := fake.Start(t)
			statuses, p := bflRun(t, base, "flux-pro-1.1", map[string]any{"prompt": tt.prompt})
			if diff := cmp.Diff([]string{"Pending", tt.wantStatus}, statuses); diff != "" {
				t.Errorf("statuses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantDetails, p.Details); diff != "" || p.Result != nil {
				t.Errorf("details (-want +got):\n%s; result %v", diff, p.Result)
			}
			if fake.Active() != 0 || fake.Stats().Images != 0 {
				t.Errorf("%d active, %d images", fake.Active(), fake.Stats().Images)
			}
		})
	}
}

func TestBFLPolling(t *testing.T) {
	fake := NewBFL(BFLConfig{NeverReady: true, PollError: Fault{First: 1}})
	base := fake.Start(t)
	a := bflSubmit(t, base, "flux-pro-1.1", bflKey, map[string]any{"prompt": "otter"})
	var sub struct {
		PollingURL string `json:"polling_url"`
	}
	_ = json.Unmarshal(a.body, &sub)
	var got []string
	for range 4 {
		pa := bflGet(t, sub.PollingURL, bflKey)
		got = append(got, http.StatusText(pa.status))
	}
	if diff := cmp.Diff([]string{"Bad Gateway", "OK", "OK", "OK"}, got); diff != "" {
		t.Errorf("poll answers (-want +got):\n%s", diff)
	}
	if a := bflGet(t, base+"/v1/get_result?id=nope", bflKey); !strings.Contains(string(a.body), "Task not found") {
		t.Errorf("an unknown task: %d %s", a.status, short(a.body))
	}
	if pa := bflGet(t, sub.PollingURL, ""); pa.status != http.StatusForbidden {
		t.Errorf("a poll without the key: %d", pa.status)
	}
	if fake.Active() != 1 {
		t.Errorf("%d active, want the pending task", fake.Active())
	}
}

// Tasks count as active until they end: flux-kontext-max allows 6.
func TestBFLActiveTasks(t *testing.T) {
	fake := NewBFL(BFLConfig{})
	base := fake.Start(t)
	var urls []string
	for i := range 7 {
		a := bflSubmit(t, base, "flux-kontext-max", bflKey, map[string]any{"prompt": "otter", "output_format": "png"})
		if want := map[bool]int{true: 200, false: 429}[i < 6]; a.status != want {
			t.Fatalf("submission %d: %d, want %d", i+1, a.status, want)
		}
		var sub struct {
			PollingURL string `json:"polling_url"`
		}
		_ = json.Unmarshal(a.body, &sub)
		urls = append(urls, sub.PollingURL)
	}
	if a := bflSubmit(t, base, "flux-pro-1.1", bflKey, map[string]any{"prompt": "otter"}); a.status != 200 {
		t.Errorf("another model is held by kontext-max's limit: %d", a.status)
	}
	bflGet(t, urls[0], bflKey)
	bflGet(t, urls[0], bflKey) // Ready: no longer active
	if a := bflSubmit(t, base, "flux-kontext-max", bflKey, map[string]any{"prompt": "otter"}); a.status != 200 {
		t.Errorf("after a task ended: %d", a.status)
	}
}

func TestBFLResultExpires(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	fake := NewBFL(BFLConfig{Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }})
	base := fake.Start(t)
	_, p := bflRun(t, base, "flux-pro-1.1", map[string]any{"prompt": "otter"})
	bflImage(t, p)
	mu.Lock()
	now = now.Add(10 * time.Minute)
	mu.Unlock()
	if a := bflGet(t, p.Result.Sample, ""); a.status != http.StatusForbidden || !strings.Contains(string(a.body), "AuthenticationFailed") {
		t.Errorf("an expired link: %d %s", a.status, short(a.body))
	}
}

func TestBFLRecords(t *testing.T) {
	fake := NewBFL(BFLConfig{})
	base := fake.Start(t)
	bflRun(t, base, "flux-kontext-pro", map[string]any{"prompt": "otter", "seed": 3, "input_image": pngB64(t, 20, 10)})
	got := fake.Received()
	want := []BFLReceived{
		{Method: "POST", Status: 200, Model: "flux-kontext-pro", Prompt: "otter", Params: map[string]string{"seed": "3", "input_image": "base64"},
			Images: []Upload{{Param: "input_image", ContentType: "image/png", Width: 20, Height: 10, Bytes: len(encodeImage(t, "png", 20, 10))}}},
		{Method: "GET", Status: 200, Model: "flux-kontext-pro", TaskStatus: "Pending"},
		{Method: "GET", Status: 200, Model: "flux-kontext-pro", TaskStatus: "Ready"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Received (-want +got):\n%s", diff)
	}
}
