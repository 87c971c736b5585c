package proto

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

func imageAttrs(prompt string, extra cty.Value) cty.Value {
	return cty.ObjectVal(map[string]cty.Value{
		"prompt": cty.StringVal(prompt),
		"n":      cty.NumberIntVal(2),
		"tags":   cty.ListVal([]cty.Value{cty.StringVal("a"), cty.StringVal("b")}),
		"extra":  extra,
		"unset":  cty.NullVal(cty.String),
	})
}

// A Codec gives the same values as EncodeValue and DecodeValue, for
// repeated types, changing types and more types than it remembers.
func TestCodecRoundTrip(t *testing.T) {
	many := make([]cty.Value, 3*codecTypes)
	for i := range many {
		// A dynamic attribute holding tuples of growing length: a new
		// type every time.
		elems := make([]cty.Value, i+1)
		for j := range elems {
			elems[j] = cty.NumberIntVal(int64(j))
		}
		many[i] = imageAttrs(fmt.Sprint("p", i), cty.TupleVal(elems))
	}
	tests := []struct {
		name   string
		values []cty.Value
	}{
		{"one type, many values", []cty.Value{
			imageAttrs("an otter", cty.StringVal("x")), imageAttrs("a fox", cty.StringVal("y")), imageAttrs("", cty.StringVal("")),
		}},
		{"types alternating", []cty.Value{
			imageAttrs("a", cty.StringVal("x")), imageAttrs("b", cty.True), imageAttrs("c", cty.StringVal("y")), imageAttrs("d", cty.False),
		}},
		{"more types than remembered", many},
		{"marked values are sent unmarked", []cty.Value{
			imageAttrs("secret", cty.StringVal("key").Mark("sensitive")),
		}},
		{"no value", []cty.Value{cty.NilVal, imageAttrs("a", cty.NullVal(cty.Number)), cty.NilVal}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var enc, dec Codec
			for round := range 2 {
				for i, v := range tt.values {
					dv, err := enc.Encode(v)
					if err != nil {
						t.Fatal(err)
					}
					got, err := dec.Decode(dv)
					if err != nil {
						t.Fatal(err)
					}
					want, _ := v.UnmarkDeep()
					if !sameValue(got, want) {
						t.Errorf("round %d, value %d: decoded %#v, want %#v", round, i, got, want)
					}
				}
			}
		})
	}
}

func sameValue(a, b cty.Value) bool {
	if a == cty.NilVal || b == cty.NilVal {
		return a == b
	}
	return a.Type().Equals(b.Type()) && a.RawEquals(b)
}

// A wire value whose type is not valid JSON is an error, also after the
// Codec has seen good values, and the error does not quote the value.
func TestCodecDecodeErrors(t *testing.T) {
	var c Codec
	good, err := EncodeValue(imageAttrs("an otter", cty.StringVal("sk-secret")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Decode(good); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		dv   *DynamicValue
	}{
		{"type is not JSON", &DynamicValue{TypeJson: []byte(`{"object"`), Msgpack: good.Msgpack}},
		{"bytes do not match the type", &DynamicValue{TypeJson: []byte(`"number"`), Msgpack: good.Msgpack}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Decode(tt.dv)
			if err == nil {
				t.Fatal("Decode succeeded, want an error")
			}
			if strings.Contains(err.Error(), "sk-secret") {
				t.Errorf("error %q quotes the value", err)
			}
		})
	}
}

// One Codec serves every request of a provider at once.
func TestCodecConcurrentUse(t *testing.T) {
	var c Codec
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 50 {
				v := imageAttrs(fmt.Sprint(g, i), cty.NumberIntVal(int64(i%3)))
				if i%2 == 1 {
					v = imageAttrs(fmt.Sprint(g, i), cty.StringVal("s"))
				}
				dv, err := c.Encode(v)
				if err == nil {
					var got cty.Value
					got, err = c.Decode(dv)
					if err == nil && !sameValue(got, v) {
						err = fmt.Errorf("decoded %#v, want %#v", got, v)
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
