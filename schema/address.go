package schema

import (
	"math/big"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// ImageAddress returns the address of an image instance: image.NAME,
// image.NAME["key"] (for_each) or image.NAME[0] (count). key is cty.NilVal
// for an image without for_each or count.
func ImageAddress(name string, key cty.Value) string {
	if key == cty.NilVal {
		return "image." + name
	}
	return "image." + name + "[" + keyString(key) + "]"
}

// keyString renders an instance key as it is written in HCL: a quoted
// string or a number.
func keyString(key cty.Value) string {
	key, _ = key.Unmark()
	if !key.IsKnown() || key.IsNull() {
		return "?"
	}
	if key.Type() == cty.Number {
		bf := key.AsBigFloat()
		// count.index and other whole keys: big.Float's shortest form
		// costs microseconds a key.
		if i, acc := bf.Int64(); acc == big.Exact {
			return strconv.FormatInt(i, 10)
		}
		return bf.Text('f', -1)
	}
	if key.Type() == cty.String {
		return strings.TrimSpace(string(hclwrite.TokensForValue(key).Bytes()))
	}
	return "?"
}

// traversalAddress returns the address an image.* traversal names: the
// bare image (image.x) or an instance when the traversal indexes it with a
// literal key (image.x["k"], image.x[0]). ok is false when the traversal
// does not start with image.NAME.
func traversalAddress(trav hcl.Traversal) (name string, key cty.Value, ok bool) {
	if trav.RootName() != "image" || len(trav) < 2 {
		return "", cty.NilVal, false
	}
	attr, isAttr := trav[1].(hcl.TraverseAttr)
	if !isAttr {
		return "", cty.NilVal, false
	}
	if len(trav) > 2 {
		if idx, isIdx := trav[2].(hcl.TraverseIndex); isIdx && idx.Key.IsKnown() && !idx.Key.IsNull() {
			return attr.Name, idx.Key, true
		}
	}
	return attr.Name, cty.NilVal, true
}
