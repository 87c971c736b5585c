package bfl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/internal/vendorapi/vendortest"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func generated(t *testing.T, resp *sdk.Response, format string) vendorapi.Image {
	t.Helper()
	data, err := io.ReadAll(resp.Image)
	if err != nil {
		t.Fatal(err)
	}
	img, err := vendorapi.CheckImage(data, vendorapi.Want{Formats: []string{format}})
	if err != nil {
		t.Fatalf("the image: %v", err)
	}
	return img
}

func TestGenerate(t *testing.T) {
	tests := []struct {
		name       string
		req        *sdk.Request
		refs       []sdk.Reference
		wantFormat string
		wantSize   string
		wantCost   float64
		wantSent   fakeapi.BFLReceived
		wantSeed   string // "" for any
		wantWarn   string
	}{
		{name: "flux-pro-1.1 defaults", req: newRequest(t, "prompt", "otter"), wantFormat: "jpeg", wantSize: "1024x768", wantCost: 0.04,
			wantSent: fakeapi.BFLReceived{Model: "flux-pro-1.1", Params: map[string]string{"width": "1024", "height": "768", "output_format": "jpeg"}}},
		{name: "a seed, a size and png", req: newRequest(t, "prompt", "otter", "seed", 42, "size", "1440x256", "safety_tolerance", 6, "output", "a.png"),
			wantFormat: "png", wantSize: "1440x256", wantCost: 0.04, wantSeed: "42",
			wantSent: fakeapi.BFLReceived{Model: "flux-pro-1.1", Params: map[string]string{"width": "1440", "height": "256", "output_format": "png", "seed": "42", "safety_tolerance": "6"}}},
		{name: "webp made from png", req: newRequest(t, "prompt", "otter", "output", "a.webp"), wantFormat: "webp", wantSize: "1024x768", wantCost: 0.04,
			wantWarn: "BFL cannot make webp",
			wantSent: fakeapi.BFLReceived{Model: "flux-pro-1.1", Params: map[string]string{"width": "1024", "height": "768", "output_format": "png"}}},
		{name: "a file reference as image_prompt", req: newRequest(t, "prompt", "otter"), refs: []sdk.Reference{pngRef(t, "brand/logo.png", 40, 20)},
			wantFormat: "jpeg", wantSize: "1024x768", wantCost: 0.04,
			wantSent: fakeapi.BFLReceived{Model: "flux-pro-1.1", Params: map[string]string{"width": "1024", "height": "768", "output_format": "jpeg", "image_prompt": "base64"},
				Images: []fakeapi.Upload{{Param: "image_prompt", ContentType: "image/png", Width: 40, Height: 20}}}},
		{name: "ultra at its default ratio", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1.1-ultra", "raw", true, "output", "u.png"),
			wantFormat: "png", wantSize: "2720x1536", wantCost: 0.06,
			wantSent: fakeapi.BFLReceived{Model: "flux-pro-1.1-ultra", Params: map[string]string{"raw": "true", "output_format": "png"}}},
		{name: "kontext edits a file at its ratio", req: newRequest(t, "prompt", "otter", "model", "flux-kontext-pro"),
			refs: []sdk.Reference{pngRef(t, "photo.png", 64, 32)}, wantFormat: "jpeg", wantSize: "1440x736", wantCost: 0.04,
			wantSent: fakeapi.BFLReceived{Model: "flux-kontext-pro", Params: map[string]string{"output_format": "jpeg", "input_image": "base64"},
				Images: []fakeapi.Upload{{Param: "input_image", ContentType: "image/png", Width: 64, Height: 32}}}},
		{name: "kontext with a URL's fetched bytes and a file", req: newRequest(t, "prompt", "otter", "model", "flux-kontext-max", "aspect_ratio", "1:1"),
			refs:       []sdk.Reference{vendortest.FetchedURLRef("https://cdn.example.com/a.png", "image/png", vendortest.Image(t, "png", 24, 12)), pngRef(t, "b.png", 16, 16)},
			wantFormat: "jpeg", wantSize: "1024x1024", wantCost: 0.08,
			wantSent: fakeapi.BFLReceived{Model: "flux-kontext-max", Params: map[string]string{"output_format": "jpeg", "aspect_ratio": "1:1", "input_image": "base64", "input_image_2": "base64"},
				Images: []fakeapi.Upload{{Param: "input_image", ContentType: "image/png", Width: 24, Height: 12}, {Param: "input_image_2", ContentType: "image/png", Width: 16, Height: 16}}}},
		{name: "flux-2 priced by megapixels in and out", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro", "size", "2048x1024", "output", "a.png"),
			refs: []sdk.Reference{pngRef(t, "a.png", 1024, 512)}, wantFormat: "png", wantSize: "2048x1024", wantCost: 0.0525,
			wantSent: fakeapi.BFLReceived{Model: "flux-2-pro", Params: map[string]string{"width": "2048", "height": "1024", "output_format": "png", "input_image": "base64"},
				Images: []fakeapi.Upload{{Param: "input_image", ContentType: "image/png", Width: 1024, Height: 512}}}},
		{name: "flex", req: newRequest(t, "prompt", "otter", "model", "flux-2-flex", "size", "512x512", "steps", 20, "guidance", 3.5),
			wantFormat: "jpeg", wantSize: "512x512", wantCost: 0.05,
			wantSent: fakeapi.BFLReceived{Model: "flux-2-flex", Params: map[string]string{"width": "512", "height": "512", "output_format": "jpeg", "steps": "20", "guidance": "3.5"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, _ := startFake(t, fakeapi.BFLConfig{}, nil)
			tt.req.References = tt.refs
			resp, err := p.Generate(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			img := generated(t, resp, tt.wantFormat)
			if got := sizeOf(img); got != tt.wantSize {
				t.Errorf("size %s, want %s", got, tt.wantSize)
			}
			if !near(deref(resp.CostUSD), tt.wantCost) {
				t.Errorf("cost $%v, want $%v", deref(resp.CostUSD), tt.wantCost)
			}
			if md := resp.Metadata; md["request_id"] == "" || md["seed"] == "" || tt.wantSeed != "" && md["seed"] != tt.wantSeed {
				t.Errorf("metadata %v", md)
			}
			sent := fake.Received()[0]
			for i := range sent.Images {
				sent.Images[i].Bytes = 0
			}
			tt.wantSent.Method, tt.wantSent.Status, tt.wantSent.Prompt = "POST", 200, "otter"
			if diff := cmp.Diff(tt.wantSent, sent); diff != "" {
				t.Errorf("submission (-want +got):\n%s", diff)
			}
			if (tt.wantWarn == "") != (len(resp.Warnings) == 0) || len(resp.Warnings) > 0 && resp.Warnings[0].Summary != tt.wantWarn {
				t.Errorf("warnings %v, want %q", resp.Warnings, tt.wantWarn)
			}
		})
	}
}

func sizeOf(img vendorapi.Image) string { return fmt.Sprintf("%dx%d", img.Width, img.Height) }

// The same seed gives the same image.
func TestGenerateSeedIsReproducible(t *testing.T) {
	p, _, _ := startFake(t, fakeapi.BFLConfig{}, nil)
	get := func(seed int) []byte {
		resp, err := p.Generate(context.Background(), newRequest(t, "prompt", "otter", "seed", seed, "output", "a.png"))
		if err != nil {
			t.Fatal(err)
		}
		return generated(t, resp, "png").Data
	}
	a, b, c := get(7), get(7), get(8)
	if string(a) != string(b) || string(a) == string(c) {
		t.Errorf("same seed same bytes: %v; another seed other bytes: %v", string(a) == string(b), string(a) != string(c))
	}
}

func TestGenerateFailures(t *testing.T) {
	tests := []struct {
		name        string
		cfg         fakeapi.BFLConfig
		provider    map[string]cty.Value
		req         *sdk.Request
		wantKind    sdk.ErrorKind // "" for success
		wantMsg     string
		wantCats    []string
		wantMayBill bool
		wantBilled  int
		wantSubmits int
		wantSleeps  []time.Duration
	}{
		{name: "request moderated", cfg: fakeapi.BFLConfig{ModerationWord: "logo"}, req: newRequest(t, "prompt", "the Acme logo"),
			wantKind: sdk.ErrRefused, wantMsg: "BFL's safety system refused the request: Request Moderated (Derivative Works) [request ",
			wantCats: []string{"Derivative Works"}, wantSubmits: 1, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "content moderated", cfg: fakeapi.BFLConfig{ContentModerationWord: "nude"}, req: newRequest(t, "prompt", "a nude statue"),
			wantKind: sdk.ErrRefused, wantMsg: "Content Moderated (NSFW)", wantCats: []string{"NSFW"}, wantSubmits: 1, wantSleeps: []time.Duration{500 * time.Millisecond}},
		{name: "rate limits then success", cfg: fakeapi.BFLConfig{RateLimit: fakeapi.Fault{First: 2}, RetryAfter: 3 * time.Second}, req: newRequest(t, "prompt", "otter"),
			wantSubmits: 3, wantSleeps: []time.Duration{3 * time.Second, 3 * time.Second, 500 * time.Millisecond}},
		{name: "the vendor's message on a 422", req: newRequest(t, "prompt", "otter", "model", "flux-dev", "prompt_upsampling", true),
			wantKind: sdk.ErrInvalid, wantMsg: "BFL rejected the request: HTTP 422: prompt_upsampling: Extra inputs are not permitted", wantSubmits: 1},
		{name: "out of credits", cfg: fakeapi.BFLConfig{OutOfCredits: true}, req: newRequest(t, "prompt", "otter"),
			wantKind: sdk.ErrQuota, wantMsg: "the BFL account is out of credits: HTTP 402: Insufficient credits", wantSubmits: 1},
		{name: "a task error is resubmitted once and counted", cfg: fakeapi.BFLConfig{TaskError: fakeapi.Fault{First: 1}}, req: newRequest(t, "prompt", "otter"),
			wantBilled: 1, wantSubmits: 2, wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 500 * time.Millisecond}},
		{name: "two task errors", cfg: fakeapi.BFLConfig{TaskError: fakeapi.Fault{First: 2}}, req: newRequest(t, "prompt", "otter"),
			wantKind: sdk.ErrFailed, wantMsg: `BFL's task ended with Error: {"error":"Generation failed: internal error"}`, wantMayBill: true,
			wantSubmits: 2, wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 500 * time.Millisecond}},
		{name: "a failed poll is repeated, not resubmitted", cfg: fakeapi.BFLConfig{PollError: fakeapi.Fault{First: 1}}, req: newRequest(t, "prompt", "otter"),
			wantSubmits: 1, wantSleeps: []time.Duration{500 * time.Millisecond, 750 * time.Millisecond}},
		{name: "a 500 on submission", cfg: fakeapi.BFLConfig{ServerError: fakeapi.Fault{First: 1}}, req: newRequest(t, "prompt", "otter"),
			wantBilled: 1, wantSubmits: 2, wantSleeps: []time.Duration{time.Second, 500 * time.Millisecond}},
		{name: "a broken result", cfg: fakeapi.BFLConfig{Garbage: fakeapi.Fault{First: 1}, GarbageKind: fakeapi.GarbageWrongSize}, req: newRequest(t, "prompt", "otter"),
			wantBilled: 1, wantSubmits: 2, wantSleeps: []time.Duration{500 * time.Millisecond, time.Second, 500 * time.Millisecond}},
		{name: "a poll that times out", cfg: fakeapi.BFLConfig{NeverReady: true}, provider: map[string]cty.Value{"poll_timeout": cty.StringVal("5s")},
			req: newRequest(t, "prompt", "otter"), wantKind: sdk.ErrFailed, wantMsg: "BFL's task did not finish: no result after 5s (6 polls); last status Pending",
			wantMayBill: true, wantSubmits: 1,
			wantSleeps: []time.Duration{500 * time.Millisecond, 750 * time.Millisecond, 1125 * time.Millisecond, 1687500 * time.Microsecond, 937500 * time.Microsecond}},
		{name: "no billed retries", cfg: fakeapi.BFLConfig{Disconnect: fakeapi.Fault{First: 1}}, provider: map[string]cty.Value{"max_billed_retries": cty.NumberIntVal(0)},
			req: newRequest(t, "prompt", "otter"), wantKind: sdk.ErrFailed, wantMsg: "the connection to BFL failed after the request was sent", wantMayBill: true, wantSubmits: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, clk := startFake(t, tt.cfg, tt.provider)
			resp, err := p.Generate(context.Background(), tt.req)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				generated(t, resp, "jpeg")
				if resp.BilledRetries != tt.wantBilled {
					t.Errorf("BilledRetries = %d, want %d", resp.BilledRetries, tt.wantBilled)
				}
			} else {
				se := checkError(t, err, tt.wantKind, tt.wantMsg, tt.wantMayBill)
				if diff := cmp.Diff(tt.wantCats, se.Categories); diff != "" {
					t.Errorf("categories (-want +got):\n%s", diff)
				}
			}
			if n := submissions(fake); n != tt.wantSubmits {
				t.Errorf("%d submissions, want %d", n, tt.wantSubmits)
			}
			if diff := cmp.Diff(tt.wantSleeps, clk.Sleeps()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
		})
	}
}

func checkError(t *testing.T, err error, kind sdk.ErrorKind, msg string, mayBill bool) *sdk.Error {
	t.Helper()
	var se *sdk.Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want *sdk.Error %s", err, kind)
	}
	if se.Kind != kind || !strings.Contains(se.Message, msg) || se.MayHaveBilled != mayBill {
		t.Errorf("err = {%s %q MayHaveBilled=%v}, want {%s containing %q MayHaveBilled=%v}", se.Kind, se.Message, se.MayHaveBilled, kind, msg, mayBill)
	}
	if strings.Contains(se.Message+se.Hint, testKey[:12]) {
		t.Errorf("the error quotes the key: %v", se)
	}
	return se
}

// A result link that has expired is not retried as a download: the task
// is resubmitted within max_billed_retries.
func TestGenerateExpiredResult(t *testing.T) {
	p, fake, _ := startFake(t, fakeapi.BFLConfig{ResultTTL: time.Nanosecond}, nil)
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "otter"))
	checkError(t, err, sdk.ErrFailed, "BFL: downloading the image: HTTP 403 (the result link has expired or is wrong) (after 1 retries that may have been billed)", true)
	if n := submissions(fake); n != 2 {
		t.Errorf("%d submissions, want 2", n)
	}
}

func TestGenerateWrongKey(t *testing.T) {
	p, _, _ := startFake(t, fakeapi.BFLConfig{}, map[string]cty.Value{"api_key": cty.StringVal("bfl_WRONGKEY_0123456789")})
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "otter"))
	checkError(t, err, sdk.ErrAuth, "BFL rejected the API key (HTTP 401)", false)
	if strings.Contains(err.Error(), "WRONGKEY") || strings.Contains(err.Error(), "6789") {
		t.Errorf("the error quotes the key: %v", err)
	}
}

// Kontext [max] allows 6 tasks in flight: more images at once wait for a
// slot instead of meeting BFL's 429.
func TestGenerateKontextMaxInFlight(t *testing.T) {
	p, fake, _ := startFake(t, fakeapi.BFLConfig{PendingPolls: 3}, nil)
	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = p.Generate(context.Background(), newRequest(t, "prompt", "otter", "model", "flux-kontext-max", "output", "a.png"))
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("image %d: %v", i, err)
		}
	}
	if st := fake.Stats(); st.ByStatus[429] != 0 || submissions(fake) != 10 {
		t.Errorf("%d answers 429 and %d submissions; want none and 10", st.ByStatus[429], submissions(fake))
	}
}
