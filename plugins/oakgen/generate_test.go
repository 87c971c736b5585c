package oakgen

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// generated reads and checks a response's image.
func generated(t *testing.T, resp *sdk.Response, format string, w, h int) vendorapi.Image {
	t.Helper()
	data, err := io.ReadAll(resp.Image)
	if err != nil {
		t.Fatal(err)
	}
	img, err := vendorapi.CheckImage(data, vendorapi.Want{Formats: []string{format}, Width: w, Height: h})
	if err != nil {
		t.Fatalf("the image: %v", err)
	}
	return img
}

func TestGenerate(t *testing.T) {
	ref := "https://cdn.example.com/brand/logo.png"
	tests := []struct {
		name       string
		cfg        fakeapi.OakgenConfig
		provider   map[string]cty.Value
		req        *sdk.Request
		refs       []string
		wantFormat string
		wantSize   [2]int
		wantCost   float64
		wantSent   fakeapi.OakgenReceived
		wantWarn   string
	}{
		{name: "url answer", req: newRequest(t, "prompt", "otter"), wantFormat: "png", wantSize: [2]int{1024, 1024}, wantCost: 16 * DefaultUSDPerCredit,
			wantSent: fakeapi.OakgenReceived{Model: "gpt-image-1", Prompt: "otter", Params: map[string]string{"size": "1024x1024", "output_format": "png"}}},
		{name: "base64 answer, jpeg", cfg: fakeapi.OakgenConfig{Response: fakeapi.OakgenBase64},
			req:        newRequest(t, "prompt", "otter", "model", "gpt-image-1-mini", "size", "1536x1024", "quality", "low", "output", "a.jpg"),
			wantFormat: "jpeg", wantSize: [2]int{1536, 1024}, wantCost: 8 * DefaultUSDPerCredit,
			wantSent: fakeapi.OakgenReceived{Model: "gpt-image-1-mini", Prompt: "otter", Params: map[string]string{"size": "1536x1024", "output_format": "jpeg", "quality": "low"}}},
		{name: "data URL answer at 2048", cfg: fakeapi.OakgenConfig{Response: fakeapi.OakgenDataURL},
			req: newRequest(t, "prompt", "otter", "size", "2048x2048"), wantFormat: "png", wantSize: [2]int{2048, 2048}, wantCost: 16 * DefaultUSDPerCredit,
			wantSent: fakeapi.OakgenReceived{Model: "gpt-image-1", Prompt: "otter", Params: map[string]string{"size": "2048x2048", "output_format": "png"}}},
		{name: "reference URLs", req: newRequest(t, "prompt", "otter"), refs: []string{ref},
			wantFormat: "png", wantSize: [2]int{1024, 1024}, wantCost: 16 * DefaultUSDPerCredit,
			wantSent: fakeapi.OakgenReceived{Model: "gpt-image-1", Prompt: "otter", Params: map[string]string{"size": "1024x1024", "output_format": "png"}, References: []string{ref}}},
		{name: "another reference field", cfg: fakeapi.OakgenConfig{ReferenceField: "reference_images"},
			provider: map[string]cty.Value{"reference_field": cty.StringVal("reference_images")},
			req:      newRequest(t, "prompt", "otter"), refs: []string{ref}, wantFormat: "png", wantSize: [2]int{1024, 1024}, wantCost: 16 * DefaultUSDPerCredit,
			wantSent: fakeapi.OakgenReceived{Model: "gpt-image-1", Prompt: "otter", Params: map[string]string{"size": "1024x1024", "output_format": "png"}, References: []string{ref}}},
		{name: "flux made as jpeg, converted to webp", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "size", "1024x768", "output", "a.webp"),
			wantFormat: "webp", wantSize: [2]int{1024, 768}, wantCost: 10 * DefaultUSDPerCredit, wantWarn: "flux-pro-1-1 cannot make webp",
			wantSent: fakeapi.OakgenReceived{Model: "flux-pro-1-1", Prompt: "otter", Params: map[string]string{"size": "1024x768", "output_format": "jpeg"}}},
		{name: "a usd_per_credit of the block", provider: map[string]cty.Value{"usd_per_credit": cty.NumberFloatVal(0.01)},
			req: newRequest(t, "prompt", "otter"), wantFormat: "png", wantSize: [2]int{1024, 1024}, wantCost: 0.16,
			wantSent: fakeapi.OakgenReceived{Model: "gpt-image-1", Prompt: "otter", Params: map[string]string{"size": "1024x1024", "output_format": "png"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, _ := startFake(t, tt.cfg, tt.provider)
			for _, r := range tt.refs {
				tt.req.References = append(tt.req.References, urlRef(r))
			}
			resp, err := p.Generate(context.Background(), tt.req)
			if err != nil {
				t.Fatalf("Generate: %v", err)
			}
			generated(t, resp, tt.wantFormat, tt.wantSize[0], tt.wantSize[1])
			if !near(deref(resp.CostUSD), tt.wantCost) {
				t.Errorf("cost $%v, want $%v", deref(resp.CostUSD), tt.wantCost)
			}
			if resp.Metadata["request_id"] == "" || resp.Metadata["model"] != tt.wantSent.Model {
				t.Errorf("metadata %v", resp.Metadata)
			}
			got := fake.Received()
			tt.wantSent.Method, tt.wantSent.Status = "POST", 200
			if diff := cmp.Diff([]fakeapi.OakgenReceived{tt.wantSent}, got); diff != "" {
				t.Errorf("requests (-want +got):\n%s", diff)
			}
			if (tt.wantWarn == "") != (len(resp.Warnings) == 0) || len(resp.Warnings) > 0 && resp.Warnings[0].Summary != tt.wantWarn {
				t.Errorf("warnings %v, want %q", resp.Warnings, tt.wantWarn)
			}
		})
	}
}

func TestGenerateFailures(t *testing.T) {
	tests := []struct {
		name         string
		cfg          fakeapi.OakgenConfig
		provider     map[string]cty.Value
		req          *sdk.Request
		wantKind     sdk.ErrorKind // "" for success
		wantMsg      string
		wantMayBill  bool
		wantBilled   int // BilledRetries of a success
		wantRequests int
		wantSleeps   []time.Duration
	}{
		{name: "refusal with Oakgen's words", cfg: fakeapi.OakgenConfig{ModerationWord: "gore"}, req: newRequest(t, "prompt", "gore"),
			wantKind: sdk.ErrRefused, wantMsg: "Oakgen's safety system refused the request: Your prompt was flagged by our content moderation system (category: violence)",
			wantRequests: 1},
		{name: "rate limit then success", cfg: fakeapi.OakgenConfig{RateLimit: fakeapi.Fault{First: 2}, RetryAfter: 3 * time.Second},
			req: newRequest(t, "prompt", "otter"), wantRequests: 3, wantSleeps: []time.Duration{3 * time.Second, 3 * time.Second}},
		{name: "the vendor's message on an API error", req: newRequest(t, "prompt", "otter", "model", "gpt-image-9"),
			wantKind: sdk.ErrInvalid, wantMsg: "Oakgen rejected the request: HTTP 400 invalid_model: Model 'gpt-image-9' is not available. Available models: flux-pro-1-1, gpt-image-1, gpt-image-1-mini.",
			wantRequests: 1},
		{name: "a 500 is retried once and counted", cfg: fakeapi.OakgenConfig{ServerError: fakeapi.Fault{First: 1}},
			req: newRequest(t, "prompt", "otter"), wantBilled: 1, wantRequests: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "two 500s give up", cfg: fakeapi.OakgenConfig{ServerError: fakeapi.Fault{First: 2}}, req: newRequest(t, "prompt", "otter"),
			wantKind: sdk.ErrFailed, wantMsg: "Oakgen failed: HTTP 500 internal_error: Generation failed upstream. Please try again. (after 1 retries that may have been billed)",
			wantMayBill: true, wantRequests: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "no billed retries allowed", cfg: fakeapi.OakgenConfig{Disconnect: fakeapi.Fault{First: 1}},
			provider: map[string]cty.Value{"max_billed_retries": cty.NumberIntVal(0)}, req: newRequest(t, "prompt", "otter"),
			wantKind: sdk.ErrFailed, wantMsg: "the connection to Oakgen failed after the request was sent", wantMayBill: true, wantRequests: 1},
		{name: "a broken image is billed, retried and counted", cfg: fakeapi.OakgenConfig{Garbage: fakeapi.Fault{First: 1}, GarbageKind: fakeapi.GarbageWrongSize},
			req: newRequest(t, "prompt", "otter"), wantBilled: 1, wantRequests: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "garbage twice is an error, never an image", cfg: fakeapi.OakgenConfig{Garbage: fakeapi.Fault{First: 2}, GarbageKind: fakeapi.GarbageNotImage, Response: fakeapi.OakgenBase64},
			req: newRequest(t, "prompt", "otter"), wantKind: sdk.ErrFailed, wantMsg: "Oakgen returned an unusable image: sniffing image: not a PNG, JPEG, WebP, GIF or SVG image",
			wantMayBill: true, wantRequests: 2, wantSleeps: []time.Duration{time.Second}},
		{name: "out of credits", cfg: fakeapi.OakgenConfig{OutOfCredits: true}, req: newRequest(t, "prompt", "otter"),
			wantKind: sdk.ErrQuota, wantMsg: "the Oakgen account is out of credits: HTTP 402 insufficient_credits: Not enough credits", wantRequests: 1},
		{name: "an async job is polled", cfg: fakeapi.OakgenConfig{AsyncPolls: 3}, req: newRequest(t, "prompt", "otter"),
			wantRequests: 1, wantSleeps: []time.Duration{time.Second, 1500 * time.Millisecond, 2250 * time.Millisecond}},
		{name: "an async job that never ends", cfg: fakeapi.OakgenConfig{AsyncPolls: 1 << 30},
			provider: map[string]cty.Value{"poll_timeout": cty.StringVal("20s")}, req: newRequest(t, "prompt", "otter"),
			wantKind: sdk.ErrFailed, wantMsg: "Oakgen's job did not finish: no result after 20s", wantMayBill: true, wantRequests: 1,
			wantSleeps: []time.Duration{1e9, 1.5e9, 2.25e9, 3.375e9, 5e9, 5e9, 1.875e9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, fake, clk := startFake(t, tt.cfg, tt.provider)
			resp, err := p.Generate(context.Background(), tt.req)
			if tt.wantKind == "" {
				if err != nil {
					t.Fatalf("Generate: %v", err)
				}
				generated(t, resp, "png", 1024, 1024)
				if resp.BilledRetries != tt.wantBilled {
					t.Errorf("BilledRetries = %d, want %d", resp.BilledRetries, tt.wantBilled)
				}
			} else {
				checkError(t, err, tt.wantKind, tt.wantMsg, tt.wantMayBill)
			}
			if n := posts(fake); n != tt.wantRequests {
				t.Errorf("%d generation requests, want %d", n, tt.wantRequests)
			}
			if diff := cmp.Diff(tt.wantSleeps, clk.Sleeps()); diff != "" {
				t.Errorf("sleeps (-want +got):\n%s", diff)
			}
		})
	}
}

func posts(fake *fakeapi.Oakgen) int {
	n := 0
	for _, r := range fake.Received() {
		if r.Method == "POST" {
			n++
		}
	}
	return n
}

func checkError(t *testing.T, err error, kind sdk.ErrorKind, msg string, mayBill bool) {
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
}

// Once the account is out of credits no further call is made.
func TestGenerateQuotaStopsCalls(t *testing.T) {
	p, fake, _ := startFake(t, fakeapi.OakgenConfig{OutOfCredits: true}, nil)
	for range 2 {
		_, err := p.Generate(context.Background(), newRequest(t, "prompt", "otter"))
		checkError(t, err, sdk.ErrQuota, "out of credits", false)
	}
	if n := posts(fake); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
}

func TestGenerateWrongKey(t *testing.T) {
	p, fake, _ := startFake(t, fakeapi.OakgenConfig{}, map[string]cty.Value{"api_key": cty.StringVal("oak_live_WRONGKEY_0123456789")})
	_ = fake
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "otter"))
	checkError(t, err, sdk.ErrAuth, "Oakgen rejected the API key (HTTP 401)", false)
	if strings.Contains(err.Error(), "WRONGKEY") || strings.Contains(err.Error(), "6789") {
		t.Errorf("the error quotes the key: %v", err)
	}
}

func TestGenerateLocalReference(t *testing.T) {
	p, fake, _ := startFake(t, fakeapi.OakgenConfig{}, nil)
	req := newRequest(t, "prompt", "otter")
	req.References = []sdk.Reference{fileRef("brand/logo.png")}
	_, err := p.Generate(context.Background(), req)
	checkError(t, err, sdk.ErrInvalid, "Oakgen cannot take a local file as a reference", false)
	if n := posts(fake); n != 0 {
		t.Errorf("%d requests, want none", n)
	}
}

// An image whose header and end are intact but whose pixel data is
// damaged is an error, never an image: every answer is decoded.
func TestGenerateDamagedImage(t *testing.T) {
	var buf bytes.Buffer
	if err := imagefmt.Encode(&buf, image.NewGray(image.Rect(0, 0, 1024, 1024)), "png", 0); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	data[len(data)/2] ^= 0xff // inside IDAT: the chunk's CRC no longer matches
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"id":"gen_1","images":[{"b64_json":%q}]}`, base64.StdEncoding.EncodeToString(data))
	}))
	defer srv.Close()
	clk := &clock{now: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)}
	p := NewWithEnv(vendorapi.Env{Now: clk.Now, Sleep: clk.Sleep, Jitter: func() float64 { return 0 }, Getenv: func(string) string { return "" }})
	if d := p.Configure(context.Background(), providerConfig(map[string]cty.Value{"base_url": cty.StringVal(srv.URL), "max_billed_retries": cty.NumberIntVal(0)})); d.HasErrors() {
		t.Fatal(d)
	}
	if _, err := vendorapi.CheckImage(data, vendorapi.Want{}); err != nil {
		t.Fatalf("the damage shows in the header or end already: %v", err)
	}
	_, err := p.Generate(context.Background(), newRequest(t, "prompt", "otter"))
	checkError(t, err, sdk.ErrFailed, "Oakgen returned an unusable image: decoding png", true)
}
