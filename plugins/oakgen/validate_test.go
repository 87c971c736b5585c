package oakgen

import (
	"context"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func TestValidateImage(t *testing.T) {
	tests := []struct {
		name string
		req  *sdk.Request
		refs []sdk.Reference
		want []string // "severity attribute: summary"
	}{
		{name: "defaults", req: newRequest(t, "prompt", "otter")},
		{name: "2048 on gpt-image-1", req: newRequest(t, "prompt", "otter", "size", "2048x2048", "quality", "high")},
		{name: "mini has no 2048", req: newRequest(t, "prompt", "otter", "model", "gpt-image-1-mini", "size", "2048x2048"),
			want: []string{"error size: Unsupported size for gpt-image-1-mini"}},
		{name: "gpt free size", req: newRequest(t, "prompt", "otter", "size", "1000x1000"),
			want: []string{"error size: Unsupported size for gpt-image-1"}},
		{name: "flux rule", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "size", "1440x736", "output", "a.jpg")},
		{name: "flux off the rule", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "size", "1500x740", "output", "a.jpg"),
			want: []string{"error size: Unsupported size for flux-pro-1-1"}},
		{name: "flux has no auto", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "size", "auto", "output", "a.jpg"),
			want: []string{"error size: Unsupported size for flux-pro-1-1"}},
		{name: "flux has no quality", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "quality", "high", "output", "a.jpg"),
			want: []string{"error quality: quality is not an option of flux-pro-1-1"}},
		{name: "flux webp is converted", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "output", "a.webp"),
			want: []string{"warning output: flux-pro-1-1 cannot make webp"}},
		{name: "bad size", req: newRequest(t, "prompt", "otter", "size", "big"), want: []string{"error size: Invalid size"}},
		{name: "bad quality", req: newRequest(t, "prompt", "otter", "quality", "hd"), want: []string{"error quality: Unsupported quality"}},
		{name: "empty prompt", req: newRequest(t, "prompt", " "), want: []string{"error prompt: Empty prompt"}},
		{name: "unknown prompt at plan time", req: newRequest(t, "prompt", cty.UnknownVal(cty.String))},
		{name: "unknown model", req: newRequest(t, "prompt", "otter", "model", "gpt-image-9"), want: []string{"warning model: Unknown Oakgen model"}},
		{name: "https references", req: newRequest(t, "prompt", "otter"),
			refs: []sdk.Reference{urlRef("https://cdn.example.com/a.png"), urlRef("https://cdn.example.com/b.png")}},
		{name: "a local file cannot be sent", req: newRequest(t, "prompt", "otter"), refs: []sdk.Reference{fileRef("brand/logo.png")},
			want: []string{"error references: Oakgen cannot take a local file as a reference"}},
		{name: "another image cannot be sent", req: newRequest(t, "prompt", "otter"),
			refs: []sdk.Reference{sdk.NewReference("image", "image.mascot", "", "image/png", 0, nil)},
			want: []string{"error references: Oakgen cannot take a generated image as a reference"}},
		{name: "a GIF URL cannot be sent", req: newRequest(t, "prompt", "otter"),
			refs: []sdk.Reference{sdk.NewReference("url", "https://cdn.example.com/a.gif", "", "image/gif", 0, nil)},
			want: []string{"error references: Unsupported reference image type"}},
		{name: "an http URL cannot be sent", req: newRequest(t, "prompt", "otter"), refs: []sdk.Reference{urlRef("http://cdn.example.com/a.png")},
			want: []string{"error references: Oakgen needs an https URL"}},
		{name: "flux takes no references", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1-1", "output", "a.jpg"),
			refs: []sdk.Reference{urlRef("https://cdn.example.com/a.png")}, want: []string{"error references: Too many references for flux-pro-1-1"}},
		{name: "every problem at once", req: newRequest(t, "prompt", "", "size", "9x9", "quality", "hd"), refs: []sdk.Reference{fileRef("a.png")},
			want: []string{"error prompt: Empty prompt", "error size: Unsupported size for gpt-image-1", "error quality: Unsupported quality",
				"error references: Oakgen cannot take a local file as a reference"}},
	}
	p := NewWithEnv(clockEnv())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.References = tt.refs
			var got []string
			for _, d := range p.ValidateImage(context.Background(), tt.req) {
				sev := map[sdk.Severity]string{sdk.SeverityError: "error", sdk.SeverityWarning: "warning"}[d.Severity]
				got = append(got, sev+" "+d.Attribute+": "+d.Summary)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestEstimateCost(t *testing.T) {
	tests := []struct {
		name        string
		blockRates  []float64 // usd_per_credit of the validated provider blocks
		model       string
		wantUSD     float64 // 0: unknown
		wantCredits float64
		wantDetail  string
	}{
		{name: "gpt-image-1 at the Pro plan", model: "gpt-image-1", wantUSD: 16 * 0.0038, wantCredits: 16,
			wantDetail: "gpt-image-1: 16 credits per image at $0.0038 per credit = $0.0608"},
		{name: "mini at half", model: "gpt-image-1-mini", wantUSD: 8 * 0.0038, wantCredits: 8},
		{name: "a block's own rate", blockRates: []float64{0.005}, model: "gpt-image-1", wantUSD: 0.08, wantCredits: 16},
		{name: "blocks that disagree", blockRates: []float64{0.005, 0.004}, model: "gpt-image-1", wantUSD: 16 * 0.0038, wantCredits: 16,
			wantDetail: "priced at the Pro plan's"},
		{name: "flux at BFL's list price", model: "flux-pro-1-1", wantUSD: 0.04, wantDetail: "Oakgen's credit price is unconfirmed"},
		{name: "unknown model", model: "gpt-image-9", wantDetail: `unknown model "gpt-image-9"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewWithEnv(clockEnv())
			for _, r := range tt.blockRates {
				if d := p.ValidateConfig(context.Background(), providerConfig(map[string]cty.Value{"usd_per_credit": cty.NumberFloatVal(r)})); d.HasErrors() {
					t.Fatal(d)
				}
			}
			e := p.EstimateCost(context.Background(), newRequest(t, "prompt", "otter", "model", tt.model))
			if got := deref(e.USD); !near(got, tt.wantUSD) || !near(deref(e.Credits), tt.wantCredits) {
				t.Errorf("estimate = $%v, %v credits; want $%v, %v credits", got, deref(e.Credits), tt.wantUSD, tt.wantCredits)
			}
			if !contains(e.Detail, tt.wantDetail) {
				t.Errorf("detail %q does not contain %q", e.Detail, tt.wantDetail)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name string
		kv   map[string]cty.Value
		env  string
		want []string
	}{
		{name: "key from the environment", env: testKey},
		{name: "no key", want: []string{"api_key: No Oakgen API key"}},
		{name: "bad own settings", env: testKey, kv: map[string]cty.Value{"reference_field": cty.StringVal("prompt"),
			"usd_per_credit": cty.NumberIntVal(0), "poll_timeout": cty.StringVal("later"), "max_concurrency": cty.NumberIntVal(0)},
			want: []string{"max_concurrency: Invalid max_concurrency", "reference_field: Invalid reference_field",
				"usd_per_credit: Invalid usd_per_credit", "poll_timeout: Invalid poll_timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := clockEnv()
			env.Getenv = func(k string) string { return map[string]string{"OAKGEN_API_KEY": tt.env}[k] }
			p := NewWithEnv(env)
			var got []string
			for _, d := range p.Configure(context.Background(), providerConfig(tt.kv)) {
				got = append(got, d.Attribute+": "+d.Summary)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

func TestModelsAreSourced(t *testing.T) {
	for _, m := range Models() {
		if m.Source == "" || (m.Credits == 0 && m.USD == 0) || len(m.Formats) == 0 || (len(m.Sizes) == 0 && !m.FluxSizes) {
			t.Errorf("%s: incomplete model entry %+v", m.ID, m)
		}
	}
	if s := NewWithEnv(clockEnv()).Schema(); len(s.Models) != len(Models()) || s.Models[2].SizeRule == "" {
		t.Errorf("schema models = %+v", s.Models)
	}
}
