package placeholder

import (
	"context"
	"path"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// diag is what a test compares of a diagnostic.
type diag struct {
	Severity  sdk.Severity
	Attribute string
}

func errOn(attr string) []diag { return []diag{{sdk.SeverityError, attr}} }

func TestValidateImage(t *testing.T) {
	tests := []struct {
		name  string
		attrs map[string]cty.Value
		want  []diag
	}{
		{"valid", attrs("size", "1536x1024", "format", "webp", "latency", "200ms", "background", "#aabbcc"), nil},
		{"size not WxH", attrs("size", "big"), errOn("size")},
		{"size too small", attrs("size", "15x100"), errOn("size")},
		{"size too large", attrs("size", "100x8193"), errOn("size")},
		{"size zero", attrs("size", "0x100"), errOn("size")},
		{"size largest", attrs("size", "8192x8192"), nil},
		{"size unknown at plan time", map[string]cty.Value{"size": cty.UnknownVal(cty.String)}, nil},
		{"format gif", attrs("size", "64x64", "format", "gif"), errOn("format")},
		{"format JPEG any case", attrs("size", "64x64", "format", "JPEG"), nil},
		{"latency without unit", attrs("size", "64x64", "latency", "200"), errOn("latency")},
		{"latency words", attrs("size", "64x64", "latency", "soon"), errOn("latency")},
		{"latency negative", attrs("size", "64x64", "latency", "-1s"), errOn("latency")},
		{"background name", attrs("size", "64x64", "background", "blue"), errOn("background")},
		{"background short", attrs("size", "64x64", "background", "#abc"), errOn("background")},
		{"quality zero", withNum(attrs("size", "64x64", "format", "jpeg"), "quality", 0), errOn("quality")},
		{"quality 101", withNum(attrs("size", "64x64", "format", "webp"), "quality", 101), errOn("quality")},
		{"quality fraction", withNum(attrs("size", "64x64", "format", "jpeg"), "quality", 50.5), errOn("quality")},
		{"quality ok", withNum(attrs("size", "64x64", "format", "jpeg"), "quality", 75), nil},
		{"quality on png warns", withNum(attrs("size", "64x64"), "quality", 75), []diag{{sdk.SeverityWarning, "quality"}}},
		{"large webp warns", attrs("size", "8192x4097", "format", "webp"), []diag{{sdk.SeverityWarning, "size"}}},
		{"every problem at once", attrs("size", "1x1", "format", "bmp", "latency", "x"), []diag{
			{sdk.SeverityError, "size"}, {sdk.SeverityError, "format"}, {sdk.SeverityError, "latency"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diags := New().(sdk.Validator).ValidateImage(context.Background(), newRequest(tt.attrs))
			check(t, diags, tt.want)
		})
	}
	// easel accepts .gif and .svg outputs for the models that make them;
	// the placeholder provider writes neither.
	for _, output := range []string{"assets/hero.gif", "assets/hero.svg"} {
		t.Run(output, func(t *testing.T) {
			req := newRequest(attrs("size", "64x64"))
			req.OutputPath, req.Format = output, strings.TrimPrefix(path.Ext(output), ".")
			diags := New().(sdk.Validator).ValidateImage(context.Background(), req)
			check(t, diags, errOn("output"))
			if len(diags) == 1 && !strings.Contains(diags[0].Detail, ".png, .jpg or .webp") {
				t.Errorf("the diagnostic does not say what to write instead: %s", diags[0].Detail)
			}
		})
	}
}

// check compares diags with want, and asks each for a summary and a
// detail sentence.
func check(t *testing.T, diags sdk.Diagnostics, want []diag) {
	t.Helper()
	var got []diag
	for _, d := range diags {
		got = append(got, diag{d.Severity, d.Attribute})
		if d.Summary == "" || !strings.HasSuffix(d.Detail, ".") {
			t.Errorf("diagnostic %+v needs a summary and a detail sentence that says what to do", d)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s\n%+v", diff, diags)
	}
}

// TestValidateSizeDetail checks the size diagnostic tells the user the
// accepted range and gives an example.
func TestValidateSizeDetail(t *testing.T) {
	diags := New().(sdk.Validator).ValidateImage(context.Background(), newRequest(attrs("size", "9000x9000")))
	if len(diags) != 1 {
		t.Fatalf("got %d diagnostics, want 1", len(diags))
	}
	for _, want := range []string{"9000x9000", "16", "8192", "1536x1024"} {
		if !strings.Contains(diags[0].Detail, want) {
			t.Errorf("detail %q does not mention %q", diags[0].Detail, want)
		}
	}
}

func TestSchema(t *testing.T) {
	s := New().Schema()
	if s.HashVersion != 1 || s.Version != "0.1.0" {
		t.Errorf("HashVersion %d, Version %q; want 1, 0.1.0", s.HashVersion, s.Version)
	}
	byName := map[string]sdk.Attribute{}
	for _, a := range s.Image {
		byName[a.Name] = a
	}
	if !byName["size"].Required || !byName["latency"].NoHash || byName["prompt"].Required {
		t.Error("size must be required, latency out of the hash, prompt optional")
	}
	if m := byName["model"].Default; m == cty.NilVal || m.AsString() != "placeholder-1" {
		t.Errorf("model default = %#v, want placeholder-1", m)
	}
	for _, a := range s.Provider {
		if a.Required {
			t.Errorf("provider attribute %q is required: the placeholder must work with an empty block", a.Name)
		}
	}
}

func withNum(m map[string]cty.Value, name string, v float64) map[string]cty.Value {
	m[name] = cty.NumberFloatVal(v)
	return m
}
