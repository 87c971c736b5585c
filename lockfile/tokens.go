package lockfile

import (
	"math/big"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// valueTokens writes a known, unmarked value like hclwrite.TokensForValue,
// except that object keys which HCL would read as keywords are quoted:
// `{ for = 1 }` parses as the start of a for expression, `{ null = 1 }` as
// a null key.
func valueTokens(v cty.Value) hclwrite.Tokens {
	ty := v.Type()
	switch {
	case v.IsNull():
		return hclwrite.TokensForValue(v)
	case ty == cty.Number:
		return hclwrite.Tokens{{Type: hclsyntax.TokenNumberLit, Bytes: []byte(numberText(v.AsBigFloat()))}}
	case ty.IsMapType() || ty.IsObjectType():
		var attrs []hclwrite.ObjectAttrTokens
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: keyTokens(k.AsString()), Value: valueTokens(e)})
		}
		return hclwrite.TokensForObject(attrs)
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var elems []hclwrite.Tokens
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, valueTokens(e))
		}
		return hclwrite.TokensForTuple(elems)
	}
	return hclwrite.TokensForValue(v)
}

// keyTokens writes an object key: bare when it is a plain identifier,
// quoted otherwise.
func keyTokens(k string) hclwrite.Tokens {
	switch k {
	case "for", "in", "if", "null", "true", "false":
		return hclwrite.TokensForValue(cty.StringVal(k))
	}
	if hclsyntax.ValidIdentifier(k) {
		return hclwrite.TokensForIdentifier(k)
	}
	return hclwrite.TokensForValue(cty.StringVal(k))
}

// numberText is the canonical decimal form of a finite number: positional
// ("0.042", "1500") unless it is very large or small, then with an exponent
// ("1e+300"), so a hostile or careless value cannot expand to millions of
// digits.
func numberText(bf *big.Float) string {
	if exp := bf.MantExp(nil); exp > 128 || exp < -128 {
		return bf.Text('e', -1)
	}
	return bf.Text('f', -1)
}
