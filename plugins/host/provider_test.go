package host

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

func TestGetSchemaRoundTrip(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	got, err := p.GetSchema(testContext(t))
	if err != nil {
		t.Fatal(err)
	}
	want := &plugins.Schema{
		HashVersion: 3,
		Version:     "1.2.3",
		QueuesCalls: true, // every provider built with the SDK
		Provider: []plugins.Attribute{
			{Name: "api_key", Type: cty.String, Sensitive: true, Description: "The API key."},
			{Name: "endpoint", Type: cty.String, Default: cty.StringVal("https://fake.invalid/v1")},
			{Name: "max_concurrency", Type: cty.Number, Default: cty.NumberIntVal(4)},
			{Name: "timeout", Type: cty.Number, NoHash: true},
		},
		Image: []plugins.Attribute{
			{Name: "prompt", Type: cty.String, Required: true, Description: "What the image should show."},
			{Name: "model", Type: cty.String, Default: cty.StringVal("fake-1"), Description: "The model that generates the image."},
			{Name: "size", Type: cty.String, Default: cty.StringVal("1024x1024"), Description: "Output size as WIDTHxHEIGHT, such as 1024x1024."},
			{Name: "mode", Type: cty.String, Default: cty.StringVal("echo")},
			{Name: "image_path", Type: cty.String},
			{Name: "seed", Type: cty.Number},
			{Name: "transparent", Type: cty.Bool, Default: cty.False},
			{Name: "styles", Type: cty.List(cty.String), Default: cty.ListValEmpty(cty.String)},
			{Name: "labels", Type: cty.Map(cty.String)},
			{Name: "colors", Type: cty.Set(cty.String)},
			{Name: "pair", Type: cty.Tuple([]cty.Type{cty.String, cty.Number})},
			{Name: "crop", Type: cty.Object(map[string]cty.Type{"x": cty.Number, "y": cty.Number}),
				Default: cty.ObjectVal(map[string]cty.Value{"x": cty.Zero, "y": cty.NumberFloatVal(0.5)})},
			{Name: "extra", Type: cty.DynamicPseudoType},
			{Name: "retries", Type: cty.Number, NoHash: true, Default: cty.NumberIntVal(2)},
		},
		Models: []plugins.Model{
			{ID: "fake-1", Description: "The fake model.", Sizes: []string{"1024x1024", "4096x4096"},
				Qualities: []string{"low", "high"}, Formats: []string{"png"}, Price: "$0.01 per image",
				Status: plugins.Active, Source: "https://fake.invalid/pricing", AsOf: "2026-01-02"},
			{ID: "fake-0", SizeRule: "any multiple of 64", Status: plugins.Deprecated, Date: "2026-06-30",
				Replacement: "fake-1", Source: "https://fake.invalid/deprecations", AsOf: "2026-01-02"},
		},
	}
	if diff := cmp.Diff(want, got, ctyCmp); diff != "" {
		t.Errorf("schema (-want +got):\n%s", diff)
	}
}

func TestValidateImagesAndEstimateCost(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	ref := plugins.Reference{Kind: plugins.ReferenceFile, Name: "brand/logo.png", SHA256: "ab", Size: 3,
		MediaType: "image/png", Open: openBytes([]byte("png"))}
	tests := []struct {
		name      string
		req       *plugins.ImageRequest
		wantDiags plugins.Diagnostics
		wantUSD   *float64
	}{
		{
			name:    "valid with a reference whose bytes stay at home",
			req:     imageReq("image.ok", map[string]cty.Value{"prompt": cty.StringVal("an otter"), "size": cty.StringVal("1024x1024"), "model": cty.StringVal("fake-1")}, ref),
			wantUSD: ptr(0.02),
		},
		{
			name: "unsupported size is reported against the size attribute",
			req:  imageReq("image.big", map[string]cty.Value{"prompt": cty.StringVal("an otter"), "size": cty.StringVal("7x7"), "model": cty.StringVal("fake-1")}),
			wantDiags: plugins.Diagnostics{{Severity: plugins.SeverityError, Summary: "Unsupported size for fake-1",
				Detail: `"7x7" is not one of 1024x1024, 4096x4096.`, Path: cty.GetAttrPath("size")}},
			wantUSD: ptr(0.01),
		},
		{
			name: "warning and unknown model",
			req:  imageReq("image.polite", map[string]cty.Value{"prompt": cty.StringVal("please draw"), "size": cty.StringVal("1024x1024"), "model": cty.StringVal("fake-9")}),
			wantDiags: plugins.Diagnostics{{Severity: plugins.SeverityWarning, Summary: "Polite prompt",
				Detail: "The model ignores courtesy.", Path: cty.GetAttrPath("prompt")}},
			wantUSD: nil,
		},
	}
	reqs := make([]*plugins.ImageRequest, len(tests))
	for i, tc := range tests {
		reqs[i] = tc.req
	}
	diags, ests, err := p.CheckImages(testContext(t), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != len(tests) || len(ests) != len(tests) {
		t.Fatalf("got %d diagnostics and %d estimates for %d requests", len(diags), len(ests), len(tests))
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.wantDiags, diags[i], ctyCmp); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantUSD, ests[i].USD); diff != "" {
				t.Errorf("estimate USD (-want +got):\n%s", diff)
			}
		})
	}
}

// longRequests are n requests with long prompts, the size of the i-th
// given by size: enough of them to need several batches.
func longRequests(n int, size func(i int) string) []*plugins.ImageRequest {
	prompt := cty.StringVal(strings.Repeat("a very long and detailed prompt ", 20))
	reqs := make([]*plugins.ImageRequest, n)
	for i := range reqs {
		reqs[i] = imageReq("image.i"+itoa(i), map[string]cty.Value{"prompt": prompt, "model": cty.StringVal("fake-1"), "size": cty.StringVal(size(i))})
	}
	return reqs
}

// A plan of thousands of images goes through in chunks checked side by
// side and batches that each stay under the message size limit, and every
// result lands in its place.
func TestCheckImagesLargeBatch(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	const n = 4000
	reqs := longRequests(n, func(i int) string {
		if i%1000 == 999 {
			return "7x7"
		}
		return "1024x1024"
	})
	diags, ests, err := p.CheckImages(testContext(t), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if len(diags) != n || len(ests) != n {
		t.Fatalf("got %d diagnostics and %d estimates, want %d of each", len(diags), len(ests), n)
	}
	for i := range reqs {
		if ests[i].Detail != reqs[i].Address {
			t.Fatalf("estimate %d is for %q, want %q", i, ests[i].Detail, reqs[i].Address)
		}
		if bad := i%1000 == 999; bad != diags[i].HasErrors() {
			t.Fatalf("image %d: diagnostics %v, want an error: %v", i, diags[i], bad)
		}
	}
}

// A provider built before ValidateImages could price answers without
// estimates: CheckImages then prices the batch through EstimateCost.
func TestCheckImagesOlderProvider(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	prov := p.(*provider)
	old := &olderProvider{ProviderClient: prov.rpc}
	prov.rpc = old
	reqs := []*plugins.ImageRequest{
		imageReq("image.ok", map[string]cty.Value{"prompt": cty.StringVal("an otter"), "size": cty.StringVal("1024x1024"), "model": cty.StringVal("fake-1")}),
		imageReq("image.big", map[string]cty.Value{"prompt": cty.StringVal("an otter"), "size": cty.StringVal("7x7"), "model": cty.StringVal("fake-1")}),
	}
	diags, ests, err := prov.CheckImages(testContext(t), reqs)
	if err != nil {
		t.Fatal(err)
	}
	if old.estimateCalls.Load() != 1 {
		t.Errorf("EstimateCost was called %d times, want once", old.estimateCalls.Load())
	}
	if diags[0].HasErrors() || !diags[1].HasErrors() {
		t.Errorf("diagnostics = %v, want an error for the second image only", diags)
	}
	if diff := cmp.Diff([]*float64{ptr(0.01), ptr(0.01)}, []*float64{ests[0].USD, ests[1].USD}); diff != "" {
		t.Errorf("estimates (-want +got):\n%s", diff)
	}
}

// olderProvider answers ValidateImages as a provider built before
// Request.estimate existed: without estimates.
type olderProvider struct {
	pb.ProviderClient
	estimateCalls atomic.Int32
}

func (o *olderProvider) ValidateImages(ctx context.Context, in *pb.ValidateImages_Request, opts ...grpc.CallOption) (*pb.ValidateImages_Response, error) {
	resp, err := o.ProviderClient.ValidateImages(ctx, in, opts...)
	for _, r := range resp.GetResults() {
		r.Estimate = nil
	}
	return resp, err
}

func (o *olderProvider) EstimateCost(ctx context.Context, in *pb.EstimateCost_Request, opts ...grpc.CallOption) (*pb.EstimateCost_Response, error) {
	o.estimateCalls.Add(1)
	return o.ProviderClient.EstimateCost(ctx, in, opts...)
}

func TestBareProviderHasNoDiagnosticsAndUnknownCost(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	p := startProvider(t, newTestHost(t, opts), "bare")
	reqs := []*plugins.ImageRequest{imageReq("image.a", map[string]cty.Value{"prompt": cty.StringVal("x")})}
	diags, ests, err := p.CheckImages(testContext(t), reqs)
	if err != nil || len(diags) != 1 || diags[0] != nil {
		t.Errorf("CheckImages diagnostics = %v, %v; want one empty result", diags, err)
	}
	if len(ests) != 1 || ests[0].USD != nil {
		t.Errorf("CheckImages estimates = %+v; want one unknown cost", ests)
	}
	if d := p.ValidateConfig(testContext(t), cty.EmptyObjectVal); len(d) != 0 {
		t.Errorf("ValidateConfig = %v, want none", d)
	}
}

func TestConfigureKeepsSecretsOutOfLogs(t *testing.T) {
	t.Parallel()
	const secret = "sk-test-7f3a9c-SECRET"
	p, logs := startFake(t)
	config := func(key cty.Value, endpoint string) cty.Value {
		return cty.ObjectVal(map[string]cty.Value{"api_key": key, "endpoint": cty.StringVal(endpoint),
			"max_concurrency": cty.NumberIntVal(4), "timeout": cty.NullVal(cty.Number)})
	}
	tests := []struct {
		name   string
		call   func(cty.Value) plugins.Diagnostics
		config cty.Value
		want   plugins.Diagnostics
	}{
		{name: "validate rejects an insecure endpoint", call: validate(p), config: config(cty.StringVal(secret).Mark("sensitive"), "http://x"),
			want: plugins.Diagnostics{{Summary: "Insecure endpoint", Detail: "Use https.", Path: cty.GetAttrPath("endpoint")}}},
		{name: "configure without a key", call: configure(p), config: config(cty.NullVal(cty.String), "https://x"),
			want: plugins.Diagnostics{{Summary: "Missing API key", Detail: "Set api_key.", Path: cty.GetAttrPath("api_key")}}},
		{name: "configure with a marked secret", call: configure(p), config: config(cty.StringVal(secret).Mark("sensitive"), "https://x")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.call(tc.config), ctyCmp); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
	res, err := p.Generate(testContext(t), imageReq("image.a", map[string]cty.Value{"mode": cty.StringVal("echo")}), discard{})
	if err != nil || res.Metadata["configured"] != "true" {
		t.Fatalf("Generate after Configure = %+v, %v; want configured", res, err)
	}
	p.Close() // flush the provider's output into the log
	if !strings.Contains(logs.String(), "fake provider configured") {
		t.Errorf("the provider's log line did not reach the host log:\n%s", logs)
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the secret appears in the log:\n%s", logs)
	}
}

func validate(p plugins.Provider) func(cty.Value) plugins.Diagnostics {
	return func(v cty.Value) plugins.Diagnostics { return p.ValidateConfig(context.Background(), v) }
}

func configure(p plugins.Provider) func(cty.Value) plugins.Diagnostics {
	return func(v cty.Value) plugins.Diagnostics { return p.Configure(context.Background(), v) }
}
