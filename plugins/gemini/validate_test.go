package gemini

import (
	"context"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
)

func TestValidateImage(t *testing.T) {
	type diag struct{ sev, attr, summary string }
	tests := []struct {
		name string
		req  *sdk.Request
		want []diag
	}{
		{"defaults are valid", newRequest(t, "prompt", "an otter"), nil},
		{"every option", newRequest(t, "prompt", "x", "aspect_ratio", "8:1", "image_size", "4k", "thinking_level", "High", "person_generation", "allow_adult"), nil},
		{"empty prompt", newRequest(t, "prompt", "  "), []diag{{"error", "prompt", "Empty prompt"}}},
		{"ratio not on the model", newRequest(t, "prompt", "x", "model", "gemini-3-pro-image", "aspect_ratio", "4:1"), []diag{{"error", "aspect_ratio", "Unsupported aspect_ratio for gemini-3-pro-image"}}},
		{"2K on 2.5 flash", newRequest(t, "prompt", "x", "model", "gemini-2.5-flash-image", "image_size", "2K"),
			[]diag{{"warning", "model", "gemini-2.5-flash-image is being shut down"}, {"error", "image_size", "Unsupported image_size for gemini-2.5-flash-image"}}},
		{"bad size", newRequest(t, "prompt", "x", "image_size", "8K"), []diag{{"error", "image_size", "Unsupported image_size for gemini-nano-banana-2.1"}}},
		{"thinking on 3 pro", newRequest(t, "prompt", "x", "model", "gemini-3-pro-image", "thinking_level", "high"), []diag{{"error", "thinking_level", "thinking_level is not supported by gemini-3-pro-image"}}},
		{"bad thinking level", newRequest(t, "prompt", "x", "thinking_level", "max"), []diag{{"error", "thinking_level", "Invalid thinking_level"}}},
		{"bad person_generation", newRequest(t, "prompt", "x", "person_generation", "everyone"), []diag{{"error", "person_generation", "Invalid person_generation"}}},
		{"shut down model", newRequest(t, "prompt", "x", "model", "gemini-3.1-flash-image"), []diag{{"error", "model", "gemini-3.1-flash-image was shut down on 2026-10-29"}}},
		{"preview alias", newRequest(t, "prompt", "x", "model", "gemini-3-pro-image-preview"), []diag{{"warning", "model", "gemini-3-pro-image-preview is an old name"}}},
		{"unknown model passes with a warning", newRequest(t, "prompt", "x", "model", "gemini-4-image", "aspect_ratio", "7:5"), []diag{{"warning", "model", "Unknown Gemini model"}}},
		{"unknown model, bad ratio", newRequest(t, "prompt", "x", "model", "gemini-4-image", "aspect_ratio", "wide"), []diag{{"warning", "model", "Unknown Gemini model"}, {"error", "aspect_ratio", "Invalid aspect_ratio"}}},
		{"URL reference (its fetched bytes are sent inline)", withRefs(newRequest(t, "prompt", "x"), sdk.NewReference("url", "https://example.com/a.png", "", "image/png", 10, nil)), nil},
		{"15 references", withRefs(newRequest(t, "prompt", "x"), manyRefs(15, 1000)...), []diag{{"error", "references", "Too many references for gemini-nano-banana-2.1"}}},
		{"references too large", withRefs(newRequest(t, "prompt", "x"), manyRefs(4, 5<<20)...), []diag{{"warning", "references", "References may be too large for one Gemini request"}}},
	}
	p, _ := testProvider(nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []diag
			for _, d := range p.ValidateImage(context.Background(), tt.req) {
				sev := map[sdk.Severity]string{sdk.SeverityError: "error", sdk.SeverityWarning: "warning"}[d.Severity]
				got = append(got, diag{sev, d.Attribute, d.Summary})
				if d.Detail == "" {
					t.Errorf("%q has no detail", d.Summary)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("diagnostics %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("diagnostic %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func withRefs(req *sdk.Request, refs ...sdk.Reference) *sdk.Request {
	req.References = refs
	return req
}

func manyRefs(n int, size int64) []sdk.Reference {
	var refs []sdk.Reference
	for i := range n {
		refs = append(refs, planRef("ref"+strings.Repeat("x", i)+".png", "image/png", size))
	}
	return refs
}

func TestValidateConfigAndConfigure(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		kv      []any
		wantErr string
	}{
		{"GEMINI_API_KEY", map[string]string{KeyEnv: "k1-abcdef"}, nil, ""},
		{"GOOGLE_API_KEY as a fallback", map[string]string{FallbackKeyEnv: "k2-abcdef"}, nil, ""},
		{"no key", nil, nil, "GEMINI_API_KEY (or GOOGLE_API_KEY)"},
		{"no key with a test server", nil, []any{"base_url", "http://127.0.0.1:1"}, ""},
		{"bad base_url", map[string]string{KeyEnv: "k"}, []any{"base_url", "ftp://x"}, "Invalid base_url"},
		{"key in base_url", map[string]string{KeyEnv: "k"}, []any{"base_url", "https://generativelanguage.googleapis.com/?key=AIzaXYZ"}, "Credentials or query in base_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := testProvider(tt.env)
			diags := p.Configure(context.Background(), providerConfig(tt.kv...))
			var got string
			for _, d := range diags {
				got += d.Summary + ": " + d.Detail + "\n"
			}
			if (tt.wantErr == "") != !diags.HasErrors() || !strings.Contains(got, tt.wantErr) {
				t.Errorf("diagnostics %q, want error containing %q", got, tt.wantErr)
			}
		})
	}
}
