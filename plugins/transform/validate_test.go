package transform

import (
	"context"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// found is a diagnostic reduced to what a test pins: its severity and the
// attribute easel underlines.
type found struct {
	Severity  sdk.Severity
	Attribute string
}

func validate(req *sdk.Request) sdk.Diagnostics {
	return New().(sdk.Validator).ValidateImage(context.Background(), req)
}

func TestValidateImage(t *testing.T) {
	errOn := func(attr string) []found { return []found{{sdk.SeverityError, attr}} }
	warnOn := func(attr string) []found { return []found{{sdk.SeverityWarning, attr}} }
	tests := []struct {
		name   string
		output string
		attrs  map[string]cty.Value
		refs   []sdk.Reference
		want   []found
	}{
		{"all valid", "a.webp", with(with(attrs("resize", "1500x500", "fit", "cover", "crop", "800x600+10+20", "filter", "lanczos"),
			"focal_point", focalPoint(0.2, 1)), "quality", cty.NumberIntVal(80)), nil, nil},
		{"contain with pad and anchor", "a.png", attrs("resize", "10x10", "fit", "contain", "pad", "#FFFFFF80", "anchor", "bottom-right"), nil, nil},
		{"no source", "a.png", attrs("resize", "10x10"), []sdk.Reference{}, errOn("source")},
		{"extra references", "a.png", attrs(), []sdk.Reference{planned(), planned()}, warnOn("references")},
		{"source file not an image", "a.png", attrs(), []sdk.Reference{plannedFile("brand/logo.svg")}, errOn("source")},
		{"source file JPEG", "a.png", attrs(), []sdk.Reference{plannedFile("brand/photo.JPG")}, nil},
		{"source file GIF", "a.png", attrs(), []sdk.Reference{plannedFile("brand/anim.gif")}, nil},
		{"source image an SVG", "a.png", attrs(), []sdk.Reference{sdk.NewReference("image", "image.logo", "", "image/svg+xml", 0, nil)}, errOn("source")},
		{"source file without extension", "a.png", attrs(), []sdk.Reference{plannedFile("brand/photo")}, nil},
		{"resize not WxH", "a.png", attrs("resize", "1500*500"), nil, errOn("resize")},
		{"resize zero side", "a.png", attrs("resize", "0x500"), nil, errOn("resize")},
		{"resize negative", "a.png", attrs("resize", "-1x500"), nil, errOn("resize")},
		{"resize too large", "a.png", attrs("resize", "16385x10"), nil, errOn("resize")},
		{"resize largest", "a.png", attrs("resize", "16384x16"), nil, nil},
		{"fit unknown", "a.png", attrs("resize", "10x10", "fit", "stretch"), nil, errOn("fit")},
		{"anchor unknown", "a.png", attrs("resize", "10x10", "anchor", "middle"), nil, errOn("anchor")},
		{"focal point above 1", "a.png", with(attrs("resize", "10x10"), "focal_point", focalPoint(0.5, 1.5)), nil, errOn("focal_point")},
		{"focal point negative", "a.png", with(attrs("resize", "10x10"), "focal_point", focalPoint(-0.1, 0.5)), nil, errOn("focal_point")},
		{"focal point one number", "a.png", with(attrs("resize", "10x10"), "focal_point", cty.ListVal([]cty.Value{cty.NumberIntVal(0)})), nil, errOn("focal_point")},
		{"focal point null element", "a.png", with(attrs("resize", "10x10"), "focal_point", cty.ListVal([]cty.Value{cty.NumberIntVal(0), cty.NullVal(cty.Number)})), nil, errOn("focal_point")},
		{"crop without offset", "a.png", attrs("crop", "100x100"), nil, errOn("crop")},
		{"crop negative offset", "a.png", attrs("crop", "100x100+-5+0"), nil, errOn("crop")},
		{"crop empty", "a.png", attrs("crop", "0x100+0+0"), nil, errOn("crop")},
		{"crop huge numbers", "a.png", attrs("crop", "99999999999999999999x1+0+0"), nil, errOn("crop")},
		{"pad without hash", "a.png", attrs("resize", "10x10", "fit", "contain", "pad", "ffffff"), nil, errOn("pad")},
		{"pad short form", "a.png", attrs("resize", "10x10", "fit", "contain", "pad", "#fff"), nil, errOn("pad")},
		{"pad not hex", "a.png", attrs("resize", "10x10", "fit", "contain", "pad", "#gggggg"), nil, errOn("pad")},
		{"format unknown", "a.png", attrs("format", "gif"), nil, errOn("format")},
		{"format contradicts output", "a.webp", attrs("format", "png"), nil, errOn("format")},
		{"output extension unsupported", "a.gif", attrs(), nil, errOn("output")},
		{"svg output", "a.svg", attrs(), nil, errOn("output")},
		{"svg output with format", "a.svg", attrs("format", "png"), nil, errOn("format")},
		{"quality zero", "a.jpg", with(attrs(), "quality", cty.NumberIntVal(0)), nil, errOn("quality")},
		{"quality above 100", "a.jpg", with(attrs(), "quality", cty.NumberIntVal(101)), nil, errOn("quality")},
		{"quality fractional", "a.jpg", with(attrs(), "quality", cty.NumberFloatVal(80.5)), nil, errOn("quality")},
		{"quality on png", "a.png", with(attrs(), "quality", cty.NumberIntVal(80)), nil, warnOn("quality")},
		{"filter unknown", "a.png", attrs("filter", "nearest"), nil, errOn("filter")},
		{"keeping metadata", "a.png", with(attrs(), "strip_metadata", cty.False), nil, warnOn("strip_metadata")},
		{"pad with cover", "a.png", attrs("resize", "10x10", "pad", "#000000"), nil, warnOn("pad")},
		{"focal point with contain", "a.png", with(attrs("resize", "10x10", "fit", "contain"), "focal_point", focalPoint(0.5, 0.5)), nil, warnOn("focal_point")},
		{"anchor with focal point", "a.png", with(attrs("resize", "10x10", "anchor", "top"), "focal_point", focalPoint(0.5, 0.5)), nil, warnOn("anchor")},
		{"anchor with fill", "a.png", attrs("resize", "10x10", "fit", "fill", "anchor", "top"), nil, warnOn("anchor")},
		{"fit without resize", "a.png", attrs("fit", "contain"), nil, warnOn("fit")},
		{"translucent pad on jpeg", "a.jpg", attrs("resize", "10x10", "fit", "contain", "pad", "#00000000"), nil, warnOn("pad")},
		{"large webp", "a.webp", attrs("resize", "5000x5000"), nil, warnOn("resize")},
		{"several problems at once", "a.png", attrs("resize", "big", "fit", "zoom", "crop", "x"), nil,
			[]found{{sdk.SeverityError, "resize"}, {sdk.SeverityError, "fit"}, {sdk.SeverityError, "crop"}}},
		{"unknown values are not checked yet", "a.png", map[string]cty.Value{"resize": cty.UnknownVal(cty.String),
			"focal_point": cty.ListVal([]cty.Value{cty.UnknownVal(cty.Number), cty.NumberIntVal(5)})}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			refs := tt.refs
			if refs == nil {
				refs = []sdk.Reference{planned()}
			}
			diags := validate(newRequest(tt.output, tt.attrs, refs...))
			var got []found
			for _, d := range diags {
				got = append(got, found{d.Severity, d.Attribute})
				if d.Summary == "" || d.Detail == "" {
					t.Errorf("diagnostic on %q lacks a summary or a hint: %+v", d.Attribute, d)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\n%v", diff, diags)
			}
		})
	}
}

// TestMissingSourceMessage pins the words a user sees without a source.
func TestMissingSourceMessage(t *testing.T) {
	diags := validate(newRequest("a.png", attrs()))
	if len(diags) != 1 || diags[0].Attribute != "source" || !contains(diags[0].Detail, "transform needs a source = image.NAME or a file path") {
		t.Errorf("diagnostics = %+v, want one on source that says how to give one", diags)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
