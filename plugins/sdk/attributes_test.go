package sdk

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestValuesOfFillsDefaultsAndNulls(t *testing.T) {
	attrs := []Attribute{PromptAttr(true), ModelAttr("m-1"), {Name: "seed", Type: cty.Number}}
	got := ValuesOf(attrs, map[string]cty.Value{"prompt": cty.StringVal("an otter"), "undeclared": cty.True})
	want := cty.ObjectVal(map[string]cty.Value{
		"prompt": cty.StringVal("an otter"),
		"model":  cty.StringVal("m-1"),
		"seed":   cty.NullVal(cty.Number),
	})
	if !got.RawEquals(want) {
		t.Errorf("ValuesOf = %#v; want %#v", got, want)
	}
}

// As easel's evaluation does: an explicit null takes the default, and a
// value is converted to its attribute's type.
func TestValuesOfTreatsNullAndTypesAsEaselDoes(t *testing.T) {
	attrs := []Attribute{SizeAttr("1024x1024"), {Name: "seed", Type: cty.String}, {Name: "steps", Type: cty.Number}}
	got := ValuesOf(attrs, map[string]cty.Value{"size": cty.NullVal(cty.String), "seed": cty.NumberIntVal(42), "steps": cty.StringVal("20")})
	want := cty.ObjectVal(map[string]cty.Value{"size": cty.StringVal("1024x1024"), "seed": cty.StringVal("42"), "steps": cty.NumberIntVal(20)})
	if !got.RawEquals(want) {
		t.Errorf("ValuesOf = %#v; want %#v", got, want)
	}
}
