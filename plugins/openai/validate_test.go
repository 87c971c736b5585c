package openai

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// diag is what a test expects of one diagnostic.
type diag struct {
	severity  sdk.Severity
	attribute string
	summary   string // substring
}

func TestValidateImage(t *testing.T) {
	p := NewWithOptions(Options{Now: func() time.Time { return today }})
	png := func(n int64) sdk.Reference { return planRef("r.png", "image/png", n) }
	three := []sdk.Reference{png(1000), planRef("b.jpg", "image/jpeg", 1000), planRef("c.webp", "image/webp", 1000)}
	e, w := sdk.SeverityError, sdk.SeverityWarning

	tests := []struct {
		name string
		req  *sdk.Request
		want []diag
	}{
		{"defaults", newRequest(t, "prompt", "an otter"), nil},
		{"every option", newRequest(t, "prompt", "an otter", "size", "1536x1024", "quality", "high", "background", "transparent",
			"output", "a.webp", "output_compression", 80, "moderation", "low", "user", "u-1"), nil},
		{"free size on gpt-image-2", newRequest(t, "prompt", "p", "size", "1536x864"), nil},
		{"edit with fidelity and mask", withRefs(newRequest(t, "prompt", "p", "input_fidelity", "high", "mask", "brand/mask.png"), three...), nil},
		{"sixteen references", withRefs(newRequest(t, "prompt", "p"), repeat(png(10), 16)...), nil},
		{"xhigh on 2.5", newRequest(t, "prompt", "p", "model", "gpt-image-2.5-sunburst", "quality", "xhigh"), nil},
		{"dated snapshot", newRequest(t, "prompt", "p", "model", "gpt-image-2-2026-04-21", "size", "2048x1152"), nil},

		{"empty prompt", newRequest(t, "prompt", "  "), []diag{{e, "prompt", "Empty prompt"}}},
		{"prompt over 32000", newRequest(t, "prompt", strings.Repeat("a", 32001)), []diag{{e, "prompt", "Prompt too long for gpt-image-2"}}},
		{"prompt of 32000 runes", newRequest(t, "prompt", strings.Repeat("é", 32000)), nil},
		{"size syntax", newRequest(t, "prompt", "p", "size", "big"), []diag{{e, "size", "Invalid size"}}},
		{"size not /16", newRequest(t, "prompt", "p", "size", "1000x1000"), []diag{{e, "size", "Unsupported size for gpt-image-2"}}},
		{"size ratio", newRequest(t, "prompt", "p", "size", "3200x1024"), []diag{{e, "size", "Unsupported size"}}},
		{"size too large", newRequest(t, "prompt", "p", "size", "3840x2176"), []diag{{e, "size", "Unsupported size"}}},
		{"size experimental", newRequest(t, "prompt", "p", "size", "3840x2160"), []diag{{w, "size", "Experimental size"}}},
		{"size small", newRequest(t, "prompt", "p", "size", "512x512"), []diag{{w, "size", "may be too small"}}},
		{"free size on fixed model", newRequest(t, "prompt", "p", "model", "gpt-image-1.5", "size", "1536x864"),
			[]diag{{w, "model", "deprecated"}, {e, "size", "Unsupported size for gpt-image-1.5"}}},
		{"quality", newRequest(t, "prompt", "p", "quality", "ultra"), []diag{{e, "quality", "Unsupported quality for gpt-image-2"}}},
		{"xhigh on gpt-image-2", newRequest(t, "prompt", "p", "quality", "xhigh"), []diag{{e, "quality", "Unsupported quality"}}},
		{"transparent jpeg", newRequest(t, "prompt", "p", "background", "transparent", "output", "a.jpg"),
			[]diag{{e, "background", "Transparent background needs png or webp"}}},
		{"background enum", newRequest(t, "prompt", "p", "background", "clear"), []diag{{e, "background", "Invalid background"}}},
		{"output_format against extension", newRequest(t, "prompt", "p", "output_format", "webp", "output", "a.png"),
			[]diag{{e, "output_format", "does not match the output file"}}},
		{"bmp output_format", newRequest(t, "prompt", "p", "model", "gpt-image-2.6-flare", "output_format", "bmp"),
			[]diag{{e, "output_format", "Unsupported output_format"}}},
		{"gif on gpt-image-2.6", newRequest(t, "prompt", "p", "model", "gpt-image-2.6-flare", "output", "a.gif"), nil},
		{"svg on gpt-image-2.6", newRequest(t, "prompt", "p", "model", "gpt-image-2.6-sunburst", "output", "a.svg", "output_format", "svg"), nil},
		{"svg on gpt-image-2", newRequest(t, "prompt", "p", "output", "a.svg"), []diag{{e, "output", "gpt-image-2 cannot produce svg"}}},
		{"transparent gif", newRequest(t, "prompt", "p", "model", "gpt-image-2.6-flare", "output", "a.gif", "background", "transparent"),
			[]diag{{e, "background", "Transparent background needs png or webp"}}},
		{"compression with svg", newRequest(t, "prompt", "p", "model", "gpt-image-2.6-flare", "output", "a.svg", "output_compression", 50),
			[]diag{{e, "output_compression", "needs jpeg or webp"}}},
		{"compression with png", newRequest(t, "prompt", "p", "output_compression", 80), []diag{{e, "output_compression", "needs jpeg or webp"}}},
		{"compression range", newRequest(t, "prompt", "p", "output", "a.jpg", "output_compression", 101), []diag{{e, "output_compression", "Invalid"}}},
		{"compression fraction", newRequest(t, "prompt", "p", "output", "a.jpg", "output_compression", 50.5), []diag{{e, "output_compression", "Invalid"}}},
		{"moderation enum", newRequest(t, "prompt", "p", "moderation", "strict"), []diag{{e, "moderation", "Invalid moderation"}}},
		{"fidelity on mini", withRefs(newRequest(t, "prompt", "p", "model", "gpt-image-1-mini", "input_fidelity", "high"), png(10)),
			[]diag{{w, "model", "deprecated"}, {e, "input_fidelity", "not supported by gpt-image-1-mini"}}},
		{"fidelity without references", newRequest(t, "prompt", "p", "input_fidelity", "low"), []diag{{e, "input_fidelity", "needs references"}}},
		{"seventeen references", withRefs(newRequest(t, "prompt", "p"), repeat(png(10), 17)...), []diag{{e, "references", "Too many references"}}},
		{"gif reference", withRefs(newRequest(t, "prompt", "p"), planRef("a.gif", "image/gif", 10)), []diag{{e, "references", "Unsupported reference image type"}}},
		{"huge reference", withRefs(newRequest(t, "prompt", "p"), png(51<<20)), []diag{{e, "references", "too large"}}},
		{"url reference (uploaded as its fetched bytes)", withRefs(newRequest(t, "prompt", "p"), sdk.NewReference("url", "https://x/a.png", "", "", 0, nil)), nil},
		{"mask without references", newRequest(t, "prompt", "p", "mask", "m.png"), []diag{{e, "mask", "needs references"}}},
		{"mask not png", withRefs(newRequest(t, "prompt", "p", "mask", "m.jpg"), png(10)), []diag{{e, "mask", "must be a PNG"}}},
		{"mask the size of the first reference", withMask(withRefs(newRequest(t, "prompt", "p", "mask", "m.png"), sized(png(10), 64, 48), png(10)),
			sized(planRef("m.png", "image/png", 10), 64, 48)), nil},
		{"mask of another size", withMask(withRefs(newRequest(t, "prompt", "p", "mask", "m.png"), sized(png(10), 64, 48)),
			sized(planRef("m.png", "image/png", 10), 100, 100)), []diag{{e, "mask", "differ in size"}}},
		{"mask against another reference's size", withMask(withRefs(newRequest(t, "prompt", "p", "mask", "m.png"), sized(png(10), 64, 48), sized(png(10), 100, 100)),
			sized(planRef("m.png", "image/png", 10), 100, 100)), []diag{{e, "mask", "differ in size"}}},
		{"first reference not generated yet", withMask(withRefs(newRequest(t, "prompt", "p", "mask", "m.png"), sdk.NewReference("image", "image.hero", "", "", 0, nil)),
			sized(planRef("m.png", "image/png", 10), 100, 100)), nil},
		{"mask over 4 MB", withMask(withRefs(newRequest(t, "prompt", "p", "mask", "m.png"), png(10)), planRef("m.png", "image/png", 5<<20)),
			[]diag{{e, "mask", "mask too large"}}},

		{"unknown model", newRequest(t, "prompt", "p", "model", "gpt-image-3"), []diag{{w, "model", "Unknown OpenAI model"}}},
		{"unknown model passes options", newRequest(t, "prompt", "p", "model", "sd-cpp-local", "size", "1000x600", "quality", "whatever"),
			[]diag{{w, "model", "Unknown OpenAI model"}}},
		{"deprecated", newRequest(t, "prompt", "p", "model", "gpt-image-1.5"), []diag{{w, "model", "gpt-image-1.5 is deprecated"}}},
		{"shut down", newRequest(t, "prompt", "p", "model", "gpt-image-1"), []diag{{e, "model", "gpt-image-1 was shut down on 2026-10-23"}}},

		{"dall-e-3 options", newRequest(t, "prompt", "p", "model", "dall-e-3", "size", "1792x1024", "quality", "hd", "background", "opaque", "output", "a.webp"),
			[]diag{{e, "model", "shut down"}, {e, "output", "dall-e-3 cannot produce webp"}, {e, "background", "not supported by dall-e-3"}}},
		{"dall-e-3 references", withRefs(newRequest(t, "prompt", "p", "model", "dall-e-3"), png(10)),
			[]diag{{e, "model", "shut down"}, {e, "references", "Too many references"}}},
		{"dall-e-2 prompt and size", newRequest(t, "prompt", strings.Repeat("a", 1001), "model", "dall-e-2", "size", "auto"),
			[]diag{{e, "model", "shut down"}, {e, "prompt", "Prompt too long"}, {e, "size", "Unsupported size for dall-e-2"}}},

		{"unknown values are skipped", newRequest(t, "prompt", cty.UnknownVal(cty.String), "size", cty.UnknownVal(cty.String),
			"model", cty.UnknownVal(cty.String)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.ValidateImage(context.Background(), tt.req)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(tt.want), dump(got))
			}
			for i, w := range tt.want {
				g := got[i]
				if g.Severity != w.severity || g.Attribute != w.attribute || !strings.Contains(g.Summary, w.summary) {
					t.Errorf("diagnostic %d = %s, want severity %d on %q with %q", i, dump(sdk.Diagnostics{g}), w.severity, w.attribute, w.summary)
				}
				if g.Detail == "" {
					t.Errorf("diagnostic %d has no detail", i)
				}
			}
		})
	}
}

func repeat(r sdk.Reference, n int) []sdk.Reference {
	out := make([]sdk.Reference, n)
	for i := range out {
		out[i] = r
	}
	return out
}

func dump(ds sdk.Diagnostics) string {
	var b strings.Builder
	for _, d := range ds {
		sev := "error"
		if d.Severity == sdk.SeverityWarning {
			sev = "warning"
		}
		b.WriteString(sev + " [" + d.Attribute + "] " + d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

// TestLifecycleFollowsTheClock: a deprecated model becomes an error on its
// shutdown date without a table update.
func TestLifecycleFollowsTheClock(t *testing.T) {
	tests := []struct {
		day      string
		severity sdk.Severity
		summary  string
	}{
		{"2026-11-30", sdk.SeverityWarning, "gpt-image-1-mini is deprecated"},
		{"2026-12-01", sdk.SeverityError, "gpt-image-1-mini was shut down on 2026-12-01"},
	}
	for _, tt := range tests {
		t.Run(tt.day, func(t *testing.T) {
			now, _ := time.Parse(time.DateOnly, tt.day)
			p := NewWithOptions(Options{Now: func() time.Time { return now }})
			got := p.ValidateImage(context.Background(), newRequest(t, "prompt", "p", "model", "gpt-image-1-mini"))
			if len(got) != 1 || got[0].Severity != tt.severity || got[0].Summary != tt.summary {
				t.Fatalf("got %s", dump(got))
			}
			if !strings.Contains(got[0].Detail, replace26) {
				t.Errorf("detail %q does not name the replacement", got[0].Detail)
			}
		})
	}
}

// TestLifecycleOnAnotherDay: EASEL_OPENAI_TODAY judges lifecycles on the
// day it names, in validation and in the schema the engine warns from; a
// value that is not a date is ignored with a warning.
func TestLifecycleOnAnotherDay(t *testing.T) {
	tests := []struct {
		env      string
		severity sdk.Severity
		summary  string
		status   string
		warning  bool
	}{
		{"2026-10-22", sdk.SeverityWarning, "gpt-image-1 is deprecated", "deprecated", false},
		{"2026-10-23", sdk.SeverityError, "gpt-image-1 was shut down on 2026-10-23", "shutdown", false},
		{"", sdk.SeverityError, "gpt-image-1 was shut down on 2026-10-23", "shutdown", false},
		{"last tuesday", sdk.SeverityError, "gpt-image-1 was shut down on 2026-10-23", "shutdown", true},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			env := map[string]string{TodayEnv: tt.env}
			p := NewWithOptions(Options{Now: func() time.Time { return today }, Getenv: func(k string) string { return env[k] }})
			got := p.ValidateImage(context.Background(), newRequest(t, "prompt", "p", "model", "gpt-image-1"))
			if len(got) != 1 || got[0].Severity != tt.severity || got[0].Summary != tt.summary {
				t.Fatalf("got %s", dump(got))
			}
			for _, m := range p.Schema().Models {
				if m.ID == "gpt-image-1" && m.Status != tt.status {
					t.Errorf("schema status = %s, want %s", m.Status, tt.status)
				}
			}
			cfg := p.ValidateConfig(context.Background(), providerConfig())
			if (len(cfg) == 1 && strings.Contains(cfg[0].Summary, TodayEnv)) != tt.warning {
				t.Errorf("config diagnostics: %s", dump(cfg))
			}
		})
	}
}

func TestUnknownModelSuggestion(t *testing.T) {
	p := NewWithOptions(Options{Now: func() time.Time { return today }})
	got := p.ValidateImage(context.Background(), newRequest(t, "prompt", "p", "model", "gpt-image2"))
	if len(got) != 1 || !strings.Contains(got[0].Detail, `Did you mean "gpt-image-2"?`) {
		t.Errorf("got %s", dump(got))
	}
}

// TestUnknownModelSuggestsOnlyActiveModels checks that the list of known
// models in the warning for an unknown one never offers a model that is
// deprecated or shut down on the day of the plan.
func TestUnknownModelSuggestsOnlyActiveModels(t *testing.T) {
	p := NewWithOptions(Options{Now: func() time.Time { return today }})
	diags := p.ValidateImage(context.Background(), newRequest(t, "prompt", "p", "model", "gpt-image-9"))
	if len(diags) == 0 {
		t.Fatal("no diagnostic for an unknown model")
	}
	detail := diags[0].Detail
	for _, m := range Models() {
		listed := strings.Contains(detail, m.ID+",") || strings.Contains(detail, m.ID+".")
		if active := m.StatusAt(today) == Active && m.Family == GPTImage; listed != active {
			t.Errorf("%s (%s) listed = %v in %q", m.ID, m.StatusAt(today), listed, detail)
		}
	}
}
