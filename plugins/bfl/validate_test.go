package bfl

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
		{name: "flux-pro-1.1 full", req: newRequest(t, "prompt", "otter", "size", "1440x256", "seed", 42, "safety_tolerance", 6, "prompt_upsampling", true),
			refs: []sdk.Reference{pngRef(t, "a.png", 8, 8)}},
		{name: "flux-pro-1.1 size off 32", req: newRequest(t, "prompt", "otter", "size", "1000x768"),
			want: []string{"error size: Unsupported size for flux-pro-1.1"}},
		{name: "flux-pro-1.1 too big", req: newRequest(t, "prompt", "otter", "size", "1472x1024"),
			want: []string{"error size: Unsupported size for flux-pro-1.1"}},
		{name: "flux-pro-1.1 takes one reference", req: newRequest(t, "prompt", "otter"), refs: []sdk.Reference{pngRef(t, "a.png", 8, 8), pngRef(t, "b.png", 8, 8)},
			want: []string{"error references: Too many references for flux-pro-1.1"}},
		{name: "flux-pro-1.1 takes a URL's bytes", req: newRequest(t, "prompt", "otter"), refs: []sdk.Reference{urlRef("https://x.test/a.png")}},
		{name: "flux-pro-1.1 has no aspect_ratio", req: newRequest(t, "prompt", "otter", "aspect_ratio", "16:9"),
			want: []string{"error aspect_ratio: aspect_ratio is not an option of flux-pro-1.1"}},
		{name: "ultra", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1.1-ultra", "aspect_ratio", "21:9", "raw", true, "image_prompt_strength", 0.3),
			refs: []sdk.Reference{pngRef(t, "a.png", 8, 8)}},
		{name: "ultra has no size", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1.1-ultra", "size", "1024x1024"),
			want: []string{"error size: size is not an option of flux-pro-1.1-ultra"}},
		{name: "ultra ratio too wide", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1.1-ultra", "aspect_ratio", "3:1"),
			want: []string{"error aspect_ratio: Unsupported aspect_ratio"}},
		{name: "not a ratio", req: newRequest(t, "prompt", "otter", "model", "flux-kontext-pro", "aspect_ratio", "wide"),
			want: []string{"error aspect_ratio: Unsupported aspect_ratio"}},
		{name: "strength without a reference", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1.1-ultra", "image_prompt_strength", 0.5),
			want: []string{"error image_prompt_strength: image_prompt_strength needs a reference"}},
		{name: "kontext with four references of both kinds", req: newRequest(t, "prompt", "otter", "model", "flux-kontext-max"),
			refs: []sdk.Reference{pngRef(t, "a.png", 8, 8), urlRef("https://x.test/b.png"), pngRef(t, "c.png", 8, 8), pngRef(t, "d.png", 8, 8)}},
		{name: "kontext takes four", req: newRequest(t, "prompt", "otter", "model", "flux-kontext-pro"),
			refs: []sdk.Reference{pngRef(t, "a.png", 8, 8), pngRef(t, "b.png", 8, 8), pngRef(t, "c.png", 8, 8), pngRef(t, "d.png", 8, 8), pngRef(t, "e.png", 8, 8)},
			want: []string{"error references: Too many references for flux-kontext-pro"}},
		{name: "flux-2 4 MP", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro", "size", "2048x2048", "safety_tolerance", 5)},
		{name: "flux-2 over 4 MP", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro", "size", "2048x2064"),
			want: []string{"error size: Unsupported size for flux-2-pro"}},
		{name: "flux-2 off 16", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro", "size", "1000x1000"),
			want: []string{"error size: Unsupported size for flux-2-pro"}},
		{name: "flux-2 safety 6", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro", "safety_tolerance", 6),
			want: []string{"error safety_tolerance: Invalid safety_tolerance"}},
		{name: "flex options", req: newRequest(t, "prompt", "otter", "model", "flux-2-flex", "steps", 30, "guidance", 3.5)},
		{name: "flex options elsewhere", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro", "steps", 30, "guidance", 3.5),
			want: []string{"error steps: steps is not an option of flux-2-pro", "error guidance: guidance is not an option of flux-2-pro"}},
		{name: "klein takes four", req: newRequest(t, "prompt", "otter", "model", "flux-2-klein-4b"),
			refs: []sdk.Reference{urlRef("https://x.test/1"), urlRef("https://x.test/2"), urlRef("https://x.test/3"), urlRef("https://x.test/4"), urlRef("https://x.test/5")},
			want: []string{"error references: Too many references for flux-2-klein-4b"}},
		{name: "bad numbers", req: newRequest(t, "prompt", "otter", "seed", -1, "safety_tolerance", 2.5),
			want: []string{"error seed: Invalid seed", "error safety_tolerance: Invalid safety_tolerance"}},
		{name: "raw elsewhere", req: newRequest(t, "prompt", "otter", "raw", true), want: []string{"error raw: raw is not an option of flux-pro-1.1"}},
		{name: "webp is converted", req: newRequest(t, "prompt", "otter", "output", "a.webp"), want: []string{"warning output: BFL cannot make webp"}},
		{name: "empty prompt", req: newRequest(t, "prompt", "  "), want: []string{"error prompt: Empty prompt"}},
		{name: "unknown model", req: newRequest(t, "prompt", "otter", "model", "flux-dev"), want: []string{"warning model: Unknown BFL model"}},
		{name: "unknown values at plan time", req: newRequest(t, "prompt", cty.UnknownVal(cty.String), "seed", cty.UnknownVal(cty.Number))},
	}
	p := NewWithEnv(newClock().env())
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
		name       string
		req        *sdk.Request
		refs       []sdk.Reference
		wantUSD    float64 // -1: unknown
		wantDetail string
	}{
		{name: "flux-pro-1.1", req: newRequest(t, "prompt", "otter"), wantUSD: 0.04, wantDetail: "flux-pro-1.1: $0.04 per image"},
		{name: "ultra", req: newRequest(t, "prompt", "otter", "model", "flux-pro-1.1-ultra"), wantUSD: 0.06},
		{name: "kontext max", req: newRequest(t, "prompt", "otter", "model", "flux-kontext-max"), wantUSD: 0.08},
		{name: "flux-2-pro 1 MP", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro"), wantUSD: 0.03},
		{name: "flux-2-pro 1 MP with a 1 MP reference", req: newRequest(t, "prompt", "otter", "model", "flux-2-pro"),
			refs: []sdk.Reference{pngRef(t, "a.png", 1024, 1024)}, wantUSD: 0.045},
		{name: "flux-2-max 4 MP with an unsized reference", req: newRequest(t, "prompt", "otter", "model", "flux-2-max", "size", "2048x2048"),
			refs: []sdk.Reference{urlRef("https://x.test/a.png")}, wantUSD: 0.19, wantDetail: "(1 of unknown size taken as 1 MP) = $0.1900"},
		{name: "klein 4b", req: newRequest(t, "prompt", "otter", "model", "flux-2-klein-4b"), wantUSD: 0.014},
		{name: "unknown", req: newRequest(t, "prompt", "otter", "model", "flux-dev"), wantUSD: -1, wantDetail: `unknown model "flux-dev"`},
	}
	p := NewWithEnv(newClock().env())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.req.References = tt.refs
			e := p.EstimateCost(context.Background(), tt.req)
			if !near(deref(e.USD), tt.wantUSD) || !contains(e.Detail, tt.wantDetail) {
				t.Errorf("estimate $%v %q, want $%v containing %q", deref(e.USD), e.Detail, tt.wantUSD, tt.wantDetail)
			}
		})
	}
}

func TestConfigure(t *testing.T) {
	tests := []struct {
		name string
		kv   map[string]cty.Value
		want []string
	}{
		{name: "defaults"},
		{name: "at most 24 tasks", kv: map[string]cty.Value{"max_concurrency": cty.NumberIntVal(25)}, want: []string{"max_concurrency: Invalid max_concurrency"}},
		{name: "bad poll_timeout", kv: map[string]cty.Value{"poll_timeout": cty.StringVal("-1s")}, want: []string{"poll_timeout: Invalid poll_timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, d := range NewWithEnv(newClock().env()).Configure(context.Background(), providerConfig(tt.kv)) {
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
		if m.Source == "" || (m.USD == 0 && m.FirstMPCents == 0) || m.MaxInFlight == 0 || m.MaxSafety == 0 {
			t.Errorf("%s: incomplete model entry %+v", m.ID, m)
		}
	}
}
