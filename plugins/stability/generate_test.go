package stability

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
	png := imageBytes(t, "png", 200, 100)
	tests := []struct {
		name     string
		req      *sdk.Request
		format   string
		size     string
		cost     float64
		received fakeapi.StabilityReceived
	}{
		{"core default", newRequest(t, "prompt", "an otter"), "png", "1024x1024", 0.03,
			fakeapi.StabilityReceived{Endpoint: "core", Fields: map[string]string{"prompt": "an otter", "output_format": "png"}}},
		{"sd3.5 with every field", newRequest(t, "prompt", "x", "model", "sd3.5-large-turbo", "negative_prompt", "blur", "aspect_ratio", "16:9", "seed", 42, "style_preset", "anime"),
			"png", "1344x768", 0.04, fakeapi.StabilityReceived{Endpoint: "sd3", Fields: map[string]string{"prompt": "x", "model": "sd3.5-large-turbo",
				"negative_prompt": "blur", "aspect_ratio": "16:9", "seed": "42", "style_preset": "anime", "output_format": "png"}}},
		{"ultra image-to-image", withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.35), fileRef("brand/mascot.png", "png", png)),
			"png", "2176x1088", 0.08, fakeapi.StabilityReceived{Endpoint: "ultra", Fields: map[string]string{"prompt": "x", "strength": "0.35", "output_format": "png"},
				Image: &fakeapi.Upload{Param: "image", Filename: "reference.png", ContentType: "image/png", Width: 200, Height: 100, Bytes: len(png)}}},
		{"sd3 image-to-image", withRefs(newRequest(t, "prompt", "x", "model", "sd3.5-medium", "strength", 0.5), fileRef("a.png", "png", imageBytes(t, "png", 64, 64))),
			"png", "1024x1024", 0.035, fakeapi.StabilityReceived{Endpoint: "sd3", Fields: map[string]string{"prompt": "x", "model": "sd3.5-medium",
				"mode": "image-to-image", "strength": "0.5", "output_format": "png"}, Image: &fakeapi.Upload{Param: "image", Filename: "reference.png", ContentType: "image/png", Width: 64, Height: 64, Bytes: 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, _ := configured(t, fakeapi.StabilityConfig{})
			resp, err := p.Generate(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			format, w, h, err := imagefmt.Sniff(bytes.NewReader(readAll(t, resp)))
			if got := fmt.Sprintf("%s %dx%d", format, w, h); err != nil || got != tt.format+" "+tt.size {
				t.Errorf("image %s (%v), want %s %s", got, err, tt.format, tt.size)
			}
			if resp.CostUSD == nil || *resp.CostUSD != tt.cost || resp.Metadata["seed"] == "" || len(resp.Warnings) != 0 {
				t.Errorf("cost %v, metadata %v, warnings %v", resp.CostUSD, resp.Metadata, resp.Warnings)
			}
			got := fake.Received()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			want := tt.received
			want.Status, want.Accept = 200, "image/*"
			if want.Image != nil && want.Image.Bytes == 0 {
				want.Image.Bytes = got[0].Image.Bytes
			}
			if diff := cmp.Diff(want, got[0]); diff != "" {
				t.Errorf("request (-want +got):\n%s", diff)
			}
		})
	}
}

// The seed sent comes back in the lockfile's metadata, and a random one
// is recorded so the image can be made again.
func TestGenerateRecordsSeed(t *testing.T) {
	p, _, _ := configured(t, fakeapi.StabilityConfig{Seed: 7})
	resp, err := p.Generate(context.Background(), newRequest(t, "prompt", "x", "seed", 1234))
	if err != nil || resp.Metadata["seed"] != "1234" {
		t.Fatalf("seed %q (%v)", resp.Metadata["seed"], err)
	}
	resp, err = p.Generate(context.Background(), newRequest(t, "prompt", "x"))
	if err != nil || resp.Metadata["seed"] == "" || resp.Metadata["seed"] == "0" {
		t.Fatalf("random seed %q (%v)", resp.Metadata["seed"], err)
	}
}

func TestGenerateFailures(t *testing.T) {
	tests := []struct {
		name     string
		cfg      fakeapi.StabilityConfig
		req      *sdk.Request
		kind     sdk.ErrorKind
		inMsg    string
		billed   bool
		requests int
	}{
		{"filtered on a 200", fakeapi.StabilityConfig{FilterWord: "beach"}, newRequest(t, "prompt", "an otter on a beach"),
			sdk.ErrRefused, "Stability's safety system refused the request: the image was filtered (finish-reason CONTENT_FILTERED)", true, 1},
		{"moderation 403", fakeapi.StabilityConfig{ModerationWord: "weapon"}, newRequest(t, "prompt", "a weapon"),
			sdk.ErrRefused, "flagged by our content moderation system", false, 1},
		{"out of credits", fakeapi.StabilityConfig{OutOfCredits: true}, newRequest(t, "prompt", "x"),
			sdk.ErrQuota, "the Stability account is out of credits: HTTP 402 payment_required: You lack sufficient credits", false, 1},
		{"vendor's validation message", fakeapi.StabilityConfig{}, withRefs(newRequest(t, "prompt", "x", "model", "ultra", "strength", 0.5), fileRef("tiny.png", "png", imageBytes(t, "png", 32, 32))),
			sdk.ErrInvalid, "Stability rejected the request: HTTP 400 bad_request: image: width and height must be at least 64 pixels, got 32x32 [request ", false, 1},
		{"server error twice", fakeapi.StabilityConfig{ServerError: fakeapi.Fault{First: 2}}, newRequest(t, "prompt", "x"),
			sdk.ErrFailed, "HTTP 500 internal_error: An unexpected server error has occurred, please try again later. [request ", true, 2},
		{"not an image twice", fakeapi.StabilityConfig{Garbage: fakeapi.Fault{First: 2}, GarbageKind: fakeapi.GarbageNotImage}, newRequest(t, "prompt", "x"),
			sdk.ErrFailed, "Stability returned an unusable image", true, 2},
		{"wrong format twice", fakeapi.StabilityConfig{Garbage: fakeapi.Fault{First: 2}, GarbageKind: fakeapi.GarbageWrongFormat}, newRequest(t, "prompt", "x"),
			sdk.ErrFailed, "it is jpeg, not the png asked for", true, 2},
		{"unknown endpoint", fakeapi.StabilityConfig{}, newRequest(t, "prompt", "x", "model", "sd4"),
			sdk.ErrInvalid, "Stability does not serve sd4", false, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, _ := configured(t, tt.cfg)
			_, err := p.Generate(context.Background(), tt.req)
			var se *sdk.Error
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not an *sdk.Error", err)
			}
			if se.Kind != tt.kind || !strings.Contains(se.Message, tt.inMsg) || se.MayHaveBilled != tt.billed {
				t.Errorf("error %+v, want kind %s containing %q, may have billed %v", se, tt.kind, tt.inMsg, tt.billed)
			}
			if n := fake.Stats().Generations; n != tt.requests {
				t.Errorf("%d requests, want %d", n, tt.requests)
			}
		})
	}
}

func TestGenerateRateLimitEndsInSuccess(t *testing.T) {
	p, fake, clk := configured(t, fakeapi.StabilityConfig{RateLimit: fakeapi.Fault{First: 2}, RetryAfter: 3 * time.Second})
	resp, err := p.Generate(context.Background(), newRequest(t, "prompt", "x"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.BilledRetries != 0 || fake.Stats().Generations != 3 {
		t.Errorf("billed retries %d, stats %+v", resp.BilledRetries, fake.Stats())
	}
	if got := clk.Sleeps(); !cmp.Equal(got, []time.Duration{3 * time.Second, 3 * time.Second}) {
		t.Errorf("sleeps %v, want the Retry-After twice", got)
	}
}

// After a 402 the provider makes no further call in this run.
func TestQuotaLatches(t *testing.T) {
	p, fake, _ := configured(t, fakeapi.StabilityConfig{OutOfCredits: true})
	for range 2 {
		if _, err := p.Generate(context.Background(), newRequest(t, "prompt", "x")); err == nil {
			t.Fatal("no error")
		}
	}
	if n := fake.Stats().Generations; n != 1 {
		t.Errorf("%d requests after a 402, want 1", n)
	}
}

func TestKeyStaysSecret(t *testing.T) {
	fake := fakeapi.NewStability(fakeapi.StabilityConfig{APIKey: "sk-the-right-one-000000"})
	p, _ := testProvider(map[string]string{KeyEnv: testKey})
	if diags := p.Configure(context.Background(), providerConfig("base_url", fake.Start(t))); diags.HasErrors() {
		t.Fatal(diags)
	}
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "x"))
	var se *sdk.Error
	if !errors.As(err, &se) || se.Kind != sdk.ErrAuth || strings.Contains(se.Message+se.Hint, testKey[3:15]) || !strings.Contains(se.Hint, KeyEnv) {
		t.Fatalf("error %+v, want an auth error naming %s without the key", err, KeyEnv)
	}
}

// The sd3 endpoint cannot write WebP: PNG is asked for and converted.
// (A small image: encoders are slow under the race detector.)
func TestWebPFromSD3IsConverted(t *testing.T) {
	s, diags := resolve(newRequest(t, "prompt", "x", "model", "sd3.5-large", "output", "out.webp"))
	if diags.HasErrors() || s.request != "png" || s.format != "webp" {
		t.Fatalf("request %q format %q (%v)", s.request, s.format, diags)
	}
	c := vendorapi.NewClient(defaults(), vendorapi.Settings{APIKey: "k"}, vendorapi.Env{})
	resp := &vendorapi.Response{Status: 200, Header: map[string][]string{"Content-Type": {"image/png"}, "Finish-Reason": {"SUCCESS"}, "Seed": {"9"}},
		Body: imageBytes(t, "png", 48, 48)}
	out := s.decode(c, resp)
	r := out.Response
	if out.Class != vendorapi.Success {
		t.Fatalf("outcome %v: %v", out.Class, out.Err)
	}
	format, w, _, err := imagefmt.Sniff(bytes.NewReader(readAll(t, r)))
	if err != nil || format != "webp" || w != 48 || r.Metadata["converted_from"] != "png" || r.Metadata["seed"] != "9" {
		t.Errorf("got %s %d (%v), metadata %v", format, w, err, r.Metadata)
	}
}

// A JSON answer (if Accept were ignored) is read too.
func TestJSONAnswer(t *testing.T) {
	s, _ := resolve(newRequest(t, "prompt", "x"))
	c := vendorapi.NewClient(defaults(), vendorapi.Settings{APIKey: "k"}, vendorapi.Env{})
	body := fmt.Sprintf(`{"image":%q,"finish_reason":"CONTENT_FILTERED","seed":5}`, vendorapi.EncodeBase64(imageBytes(t, "png", 8, 8)))
	out := s.decode(c, &vendorapi.Response{Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: []byte(body)})
	var se *sdk.Error
	if !errors.As(out.Err, &se) || se.Kind != sdk.ErrRefused {
		t.Errorf("a filtered JSON answer gave %v %v", out.Class, out.Err)
	}
}

// Without a seed, the seed comes from the spec hash: the same spec asks
// for the same picture, another spec (another candidate) for another one;
// 0 asks for a random one.
func TestSeedFromSpecHash(t *testing.T) {
	p, fake, _ := configured(t, fakeapi.StabilityConfig{})
	sent := func(specHash string, kv ...any) string {
		req := newRequest(t, append([]any{"prompt", "x"}, kv...)...)
		req.SpecHash = specHash
		if _, err := p.Generate(context.Background(), req); err != nil {
			t.Fatal(err)
		}
		got := fake.Received()
		return got[len(got)-1].Fields["seed"]
	}
	a := "sha256:" + strings.Repeat("ab", 32)
	b := "sha256:" + strings.Repeat("cd", 32)
	first, again, other := sent(a), sent(a), sent(b)
	if first == "" || first != again || first == other {
		t.Errorf("seeds %q, %q for one spec hash and %q for another", first, again, other)
	}
	if got := sent(a, "seed", 0); got != "" {
		t.Errorf("seed = 0 sent seed %q, want none (random)", got)
	}
	if got := sent(a, "seed", 99); got != "99" {
		t.Errorf("seed = 99 sent %q", got)
	}
}

// An image whose header and end are fine but whose pixel data is damaged
// is an unusable answer: every image is decoded completely.
func TestDamagedPixelsAreUnusable(t *testing.T) {
	data := imageBytes(t, "png", 64, 48)
	for i := len(data) / 2; i < len(data)/2+8; i++ {
		data[i] ^= 0xff
	}
	s, _ := resolve(newRequest(t, "prompt", "x"))
	c := vendorapi.NewClient(defaults(), vendorapi.Settings{APIKey: "k"}, vendorapi.Env{})
	out := s.decode(c, &vendorapi.Response{Status: 200, Header: map[string][]string{"Content-Type": {"image/png"}, "Finish-Reason": {"SUCCESS"}}, Body: data})
	if out.Class != vendorapi.MayHaveBilled {
		t.Errorf("outcome %v (%v), want an unusable answer that may have been billed", out.Class, out.Err)
	}
}
