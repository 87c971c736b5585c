package marks

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func TestContainsAgreesWithCty(t *testing.T) {
	secret := cty.StringVal("sk-secret").Mark("sensitive")
	cases := map[string]cty.Value{
		"string":          cty.StringVal("a"),
		"marked string":   secret,
		"null":            cty.NullVal(cty.String),
		"marked null":     cty.NullVal(cty.String).Mark("sensitive"),
		"unknown":         cty.UnknownVal(cty.String),
		"marked unknown":  cty.UnknownVal(cty.String).Mark("sensitive"),
		"dynamic":         cty.DynamicVal,
		"object":          cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "b": cty.NullVal(cty.Number)}),
		"object, deep":    cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x"), "b": cty.ObjectVal(map[string]cty.Value{"k": secret})}),
		"list":            cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"list, marked":    cty.ListVal([]cty.Value{cty.StringVal("a"), secret}),
		"set, marked":     cty.SetVal([]cty.Value{cty.StringVal("a"), secret}),
		"map, marked":     cty.MapVal(map[string]cty.Value{"a": secret}),
		"tuple":           cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(1)}),
		"tuple, marked":   cty.TupleVal([]cty.Value{cty.StringVal("a"), cty.NumberIntVal(1).Mark("sensitive")}),
		"empty list":      cty.ListValEmpty(cty.String),
		"list of objects": cty.ListVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"k": cty.StringVal("v")}), cty.ObjectVal(map[string]cty.Value{"k": secret})}),
		"marked object":   cty.ObjectVal(map[string]cty.Value{"a": cty.StringVal("x")}).Mark("sensitive"),
	}
	for name, v := range cases {
		if got, want := Contains(v), v.ContainsMarked(); got != want {
			t.Errorf("%s: Contains = %v, cty's ContainsMarked = %v", name, got, want)
		}
		s := Strip(v)
		if s.ContainsMarked() {
			t.Errorf("%s: Strip left a mark", name)
		}
		if want, _ := v.UnmarkDeep(); !s.RawEquals(want) {
			t.Errorf("%s: Strip = %#v, want %#v", name, s, want)
		}
	}
	if Strip(cty.NilVal) != cty.NilVal {
		t.Error("Strip(NilVal) is not NilVal")
	}
}

// An image's attributes without marks, as most are: Strip must not copy.
func BenchmarkStripUnmarked(b *testing.B) {
	attrs := map[string]cty.Value{}
	for _, k := range []string{"model", "prompt", "size", "quality", "background", "moderation", "output_format", "user", "mask"} {
		attrs[k] = cty.StringVal(k + " value")
	}
	attrs["output_compression"] = cty.NullVal(cty.Number)
	attrs["references"] = cty.ListVal([]cty.Value{cty.StringVal("brand/logo.png"), cty.StringVal("brand/palette.png")})
	v := cty.ObjectVal(attrs)
	b.Run("Strip", func(b *testing.B) {
		for b.Loop() {
			_ = Strip(v)
		}
	})
	b.Run("UnmarkDeep", func(b *testing.B) {
		for b.Loop() {
			_, _ = v.UnmarkDeep()
		}
	})
}
