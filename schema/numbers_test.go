package schema

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// Interpolations are rewritten to give whole numbers as 64-bit values;
// the text of every template must stay exactly what hclsyntax gives
// without the rewrite, or spec hashes (and so generations) would change.
func TestWholeNumbersKeepTemplateText(t *testing.T) {
	templates := []string{
		"${count.index}",
		"${count.index + 1}",
		"${floor(count.index / 100)}",
		"${count.index / 3}",
		"${1e30 + count.index}",
		"${-5 + count.index}",
		"${2.5 * 2}",
		"${9223372036854775807 - count.index}",
		"${9223372036854775808 + count.index}",
		"n=${count.index + 1} of ${3}, ${count.index * 0.5}",
		"${true} ${\"in ${count.index + 1}\"}",
		"%{ for i in range(count.index + 1) }${i + 1},%{ endfor }",
	}
	var src strings.Builder
	for i, tpl := range templates {
		fmt.Fprintf(&src, "image \"t%d\" {\n  count = 3\n  prompt = %q\n  output = \"out/%d-${count.index}.png\"\n}\n", i, tpl, i)
	}
	// %q escapes the quotes of the nested template, which HCL takes bare.
	dir := writeProject(t, map[string]string{"main.easel.hcl": strings.ReplaceAll(src.String(), `\"`, `"`)})
	ev := mustEvaluate(t, dir, Inputs{})
	fns := functions(fileReader{dir: dir})
	for i, tpl := range templates {
		expr, diags := hclsyntax.ParseTemplate([]byte(tpl), "ref.hcl", hcl.InitialPos)
		if diags.HasErrors() {
			t.Fatal(diags)
		}
		for idx := range 3 {
			ctx := &hcl.EvalContext{Functions: fns, Variables: map[string]cty.Value{
				"count": cty.ObjectVal(map[string]cty.Value{"index": cty.NumberIntVal(int64(idx))})}}
			ref, diags := expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatal(diags)
			}
			ref, err := convert.Convert(ref, cty.String)
			if err != nil {
				t.Fatal(err)
			}
			addr := fmt.Sprintf("image.t%d[%d]", i, idx)
			got := findImage(t, ev, addr).Attrs.GetAttr("prompt").AsString()
			if got != ref.AsString() {
				t.Errorf("%s: %s gives %q, want %q", addr, tpl, got, ref.AsString())
			}
		}
	}
}

func TestWholeNumberValues(t *testing.T) {
	parsed := func(s string) cty.Value {
		v, err := cty.ParseNumberVal(s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name    string
		in      cty.Value
		want64  bool // the result is a 64-bit whole number
		wantStr string
	}{
		{"parsed whole number", parsed("12"), true, "12"},
		{"negative", parsed("-7"), true, "-7"},
		{"fraction", parsed("0.5"), false, "0.5"},
		{"past int64", parsed("9223372036854775808"), false, "9223372036854775808"},
		{"already 64-bit", cty.NumberIntVal(3), true, "3"},
		{"sensitive", parsed("8").Mark("sensitive"), true, "8"},
		{"unknown", cty.UnknownVal(cty.Number), false, ""},
		{"null", cty.NullVal(cty.Number), false, ""},
		{"string", cty.StringVal("12"), false, "12"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := wholeNumber(tt.in)
			if !got.RawEquals(tt.in) && !got.Equals(tt.in).True() {
				t.Fatalf("wholeNumber(%#v) = %#v: a different value", tt.in, got)
			}
			if !got.Type().Equals(tt.in.Type()) || got.IsMarked() != tt.in.IsMarked() {
				t.Fatalf("wholeNumber(%#v) = %#v: type or marks changed", tt.in, got)
			}
			bare, _ := got.Unmark()
			if !bare.IsKnown() || bare.IsNull() {
				return
			}
			if bare.Type() == cty.Number {
				if is64 := bare.AsBigFloat().Prec() <= 64; is64 != tt.want64 {
					t.Errorf("64-bit = %v, want %v", is64, tt.want64)
				}
			}
			s, _ := convert.Convert(bare, cty.String)
			if s.AsString() != tt.wantStr {
				t.Errorf("text %q, want %q", s.AsString(), tt.wantStr)
			}
		})
	}
}
