package proto

import (
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// benchAttrs is an image's attributes as a provider with a dozen of them
// receives them.
func benchAttrs() cty.Value {
	m := map[string]cty.Value{"tags": cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}), "unset": cty.NullVal(cty.String)}
	for _, k := range []string{"model", "prompt", "size", "quality", "background", "moderation", "output_format", "user", "style", "seed", "timeout", "n"} {
		m[k] = cty.StringVal("some value of " + k)
	}
	return cty.ObjectVal(m)
}

// go test -run XXX -bench . ./plugins/proto: a Codec against the plain
// functions, per image.
func BenchmarkEncode(b *testing.B) {
	v := benchAttrs()
	b.Run("EncodeValue", func(b *testing.B) {
		for b.Loop() {
			if _, err := EncodeValue(v); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Codec", func(b *testing.B) {
		var c Codec
		for b.Loop() {
			if _, err := c.Encode(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	dv, err := EncodeValue(benchAttrs())
	if err != nil {
		b.Fatal(err)
	}
	b.Run("DecodeValue", func(b *testing.B) {
		for b.Loop() {
			if _, err := DecodeValue(dv); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Codec", func(b *testing.B) {
		var c Codec
		for b.Loop() {
			if _, err := c.Decode(dv); err != nil {
				b.Fatal(err)
			}
		}
	})
}
