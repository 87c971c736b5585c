package fakeapi

import (
	"bytes"
	"context"
	"encoding/base64"
	"image"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/easelhq/easel/internal/testwait"
)

func TestRateLimitThenSuccess(t *testing.T) {
	o := NewOpenAI(Config{APIKey: testKey, RateLimit: Fault{First: 2}, RetryAfter: 1500 * time.Millisecond})
	url := o.Start(t)
	for i := range 2 {
		a := postJSON(t, url, "/images/generations", testKey, with("gpt-image-2"))
		if a.status != http.StatusTooManyRequests || a.header.Get("Retry-After") != "2" || a.header.Get("Retry-After-Ms") != "1500" {
			t.Fatalf("request %d: status %d, Retry-After %q, Retry-After-Ms %q; want 429, 2 and 1500",
				i, a.status, a.header.Get("Retry-After"), a.header.Get("Retry-After-Ms"))
		}
		if e := a.apiError(t); deref(e.Code) != "rate_limit_exceeded" {
			t.Errorf("code = %q", deref(e.Code))
		}
	}
	postJSON(t, url, "/images/generations", testKey, with("gpt-image-2")).images(t)
	want := Stats{Generations: 3, Images: 1, ByStatus: map[int]int{429: 2, 200: 1}}
	if diff := cmp.Diff(want, o.Stats()); diff != "" {
		t.Errorf("Stats (-want +got):\n%s", diff)
	}
}

func TestAccountErrors(t *testing.T) {
	tests := []struct {
		name     string
		cfg      Config
		body     map[string]any
		status   int
		typ      string
		code     string
		inMsg    string
		wantCats []string
	}{
		{"insufficient quota", Config{InsufficientQuota: true}, with("gpt-image-2"), 429, "insufficient_quota", "insufficient_quota", "exceeded your current quota", nil},
		{"moderation word", Config{ModerationWord: "Weapon"}, with("gpt-image-2", "prompt", "an otter with a weapon"), 400, "image_generation_user_error", "moderation_blocked", "safety_violations=[violence]", []string{"violence"}},
		{"moderation categories", Config{ModerationWord: "x", ModerationCategories: []string{"sexual", "violence"}}, with("gpt-image-2", "prompt", "x"), 400, "image_generation_user_error", "moderation_blocked", "safety_violations=[sexual, violence]", []string{"sexual", "violence"}},
		{"unverified organization", Config{UnverifiedModels: []string{"gpt-image-2"}}, with("gpt-image-2"), 403, "invalid_request_error", "", "must be verified", nil},
		{"retired model", Config{RetiredModels: []string{"dall-e-3"}}, with("dall-e-3"), 404, "invalid_request_error", "model_not_found", "has been deprecated", nil},
		{"server error", Config{ServerError: Fault{First: 1}}, with("gpt-image-2"), 500, "server_error", "", "error while processing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.APIKey = testKey
			o := NewOpenAI(tt.cfg)
			a := postJSON(t, o.Start(t), "/images/generations", testKey, tt.body)
			if a.status != tt.status {
				t.Fatalf("status = %d, want %d: %s", a.status, tt.status, short(a.body))
			}
			e := a.apiError(t)
			if e.Type != tt.typ || deref(e.Code) != tt.code || !strings.Contains(e.Message, tt.inMsg) {
				t.Errorf("error = %+v, want type %q code %q message containing %q", e, tt.typ, tt.code, tt.inMsg)
			}
			var cats []string
			if e.Moderation != nil {
				cats = e.Moderation.Categories
			}
			if !cmp.Equal(cats, tt.wantCats) {
				t.Errorf("moderation categories = %v, want %v", cats, tt.wantCats)
			}
			if o.Stats().Images != 0 {
				t.Errorf("an error answer counted %d images", o.Stats().Images)
			}
		})
	}
}

func TestGarbage(t *testing.T) {
	tests := []struct {
		name string
		kind GarbageKind
		bad  func(data []byte) bool // reports whether the image is unusable
	}{
		{"invalid base64", GarbageBase64, nil},
		{"not an image", GarbageNotImage, func(data []byte) bool {
			_, _, err := image.DecodeConfig(bytes.NewReader(data))
			return err != nil
		}},
		{"wrong size", GarbageWrongSize, func(data []byte) bool {
			c, _, err := image.DecodeConfig(bytes.NewReader(data))
			return err == nil && c.Width == 512 && c.Height == 512
		}},
		{"wrong format", GarbageWrongFormat, func(data []byte) bool {
			_, f, err := image.DecodeConfig(bytes.NewReader(data))
			return err == nil && f == "jpeg"
		}},
		{"truncated", GarbageTruncated, func(data []byte) bool {
			_, _, err := image.Decode(bytes.NewReader(data))
			return err != nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := NewOpenAI(Config{APIKey: testKey, Garbage: Fault{First: 1}, GarbageKind: tt.kind})
			url := o.Start(t)
			r := postJSON(t, url, "/images/generations", testKey, with("gpt-image-2")).images(t)
			data, err := base64.StdEncoding.DecodeString(r.Data[0].B64JSON)
			if tt.bad == nil {
				if err == nil {
					t.Error("b64_json decodes")
				}
			} else if err != nil || !tt.bad(data) {
				t.Errorf("garbage image is usable (base64 error %v)", err)
			}
			if o.Stats().Images != 0 {
				t.Error("garbage counted as an image")
			}
			decodeB64(t, postJSON(t, url, "/images/generations", testKey, with("gpt-image-2")).images(t).Data[0].B64JSON)
		})
	}
}

func TestDisconnect(t *testing.T) {
	o := NewOpenAI(Config{APIKey: testKey, Disconnect: Fault{First: 1}})
	url := o.Start(t)
	req, _ := http.NewRequest(http.MethodPost, url+"/images/generations", strings.NewReader(`{"model":"gpt-image-2","prompt":"p"}`))
	req.Header.Set("Authorization", "Bearer "+testKey)
	req.Header.Set("Content-Type", "application/json")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("got status %d, want a dropped connection", resp.StatusCode)
	}
	if got := o.Stats().ByStatus[0]; got != 1 {
		t.Errorf("dropped connections = %d, want 1", got)
	}
}

// TestSeedReproducible: the same seed draws the same faults, latencies
// and request ids, so a failing run can be replayed.
func TestSeedReproducible(t *testing.T) {
	run := func(seed uint64) (ids []string, statuses []int, delays []time.Duration) {
		o := NewOpenAI(Config{APIKey: testKey, Seed: seed, RateLimit: Fault{Rate: 0.5}, Latency: time.Millisecond, LatencyMax: 3 * time.Millisecond})
		url := o.Start(t)
		for range 12 {
			a := postJSON(t, url, "/images/generations", testKey, with("gpt-image-2", "quality", "low"))
			ids = append(ids, a.header.Get("x-request-id"))
			statuses = append(statuses, a.status)
			delays = append(delays, o.dice.latency(o.cfg.Latency, o.cfg.LatencyMax))
		}
		return ids, statuses, delays
	}
	ids1, st1, d1 := run(7)
	ids2, st2, d2 := run(7)
	ids3, _, _ := run(8)
	if !cmp.Equal(ids1, ids2) || !cmp.Equal(st1, st2) || !cmp.Equal(d1, d2) {
		t.Error("the same seed gave different runs")
	}
	if cmp.Equal(ids1, ids3) {
		t.Error("different seeds gave the same request ids")
	}
	if !containsInt(st1, 429) || !containsInt(st1, 200) {
		t.Errorf("a 0.5 rate over 12 requests gave statuses %v", st1)
	}
	for _, d := range d1 {
		if d < time.Millisecond || d > 3*time.Millisecond {
			t.Errorf("latency %v outside [1ms, 3ms]", d)
		}
	}
}

func containsInt(vs []int, v int) bool {
	for _, x := range vs {
		if x == v {
			return true
		}
	}
	return false
}

// TestConcurrentCounters runs generations and edits in parallel; run with
// -race.
func TestConcurrentCounters(t *testing.T) {
	o := NewOpenAI(Config{APIKey: testKey, RateLimit: Fault{Rate: 0.3}, Seed: 3})
	url := o.Start(t)
	ref := filePart{"image[]", "a.png", "image/png", encodeImage(t, "png", 64, 64)}
	var wg sync.WaitGroup
	var mu sync.Mutex
	okImages := 0
	for i := range 24 {
		wg.Go(func() {
			var a answer
			if i%2 == 0 {
				a = postJSON(t, url, "/images/generations", testKey, with("gpt-image-2", "quality", "low", "n", 2))
			} else {
				a = postMultipart(t, url, testKey, fields("gpt-image-1.5", "quality", "low"), []filePart{ref})
			}
			if a.status == http.StatusOK {
				mu.Lock()
				okImages += len(a.images(t).Data)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	s := o.Stats()
	if s.Generations != 12 || s.Edits != 12 || s.Images != okImages || s.ByStatus[200]+s.ByStatus[429] != 24 {
		t.Errorf("Stats = %+v, want 12 generations, 12 edits, %d images, 24 answers", s, okImages)
	}
	if len(o.Received()) != 24 {
		t.Errorf("Received holds %d requests, want 24", len(o.Received()))
	}
}

// TestLatencyEndsWithTheClient: a client that gives up does not leave the
// fake sleeping out its latency.
func TestLatencyEndsWithTheClient(t *testing.T) {
	o := NewOpenAI(Config{APIKey: testKey, Latency: time.Hour})
	url := o.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url+"/images/generations", strings.NewReader(`{"model":"gpt-image-2","prompt":"p"}`))
		req.Header.Set("Authorization", "Bearer "+testKey)
		req.Header.Set("Content-Type", "application/json")
		_, err := http.DefaultClient.Do(req)
		errc <- err
	}()
	testwait.Until(t, "the generation to be counted", func() bool { return o.Stats().Generations == 1 })
	cancel()
	if err := <-errc; err == nil {
		t.Fatal("the request succeeded despite an hour of latency")
	}
	testwait.Until(t, "the abandoned request to be counted as 499", func() bool { return o.Stats().ByStatus[499] == 1 })
}
