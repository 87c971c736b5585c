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
