package lockfile

import (
	"math"
	"math/big"
	"strconv"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// valueTokens writes a known, unmarked value like hclwrite.TokensForValue,
// except that object keys which HCL would read as keywords are quoted
// (`{ for = 1 }` parses as the start of a for expression, `{ null = 1 }` as
// a null key) and numbers take their canonical form (numberText).
func valueTokens(v cty.Value) hclwrite.Tokens {
	ty := v.Type()
	switch {
	case v.IsNull():
		return hclwrite.TokensForValue(v)
	case ty == cty.Number:
		return hclwrite.Tokens{{Type: hclsyntax.TokenNumberLit, Bytes: numberLit(v)}}
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

// stringLit is s as a quoted HCL string, escaped (and normalised to NFC)
// as hclwrite writes it.
func stringLit(s string) []byte {
	return appendStringLit(nil, s)
}

func appendStringLit(dst []byte, s string) []byte {
	if !plainASCII(s) {
		return append(dst, hclwrite.TokensForValue(cty.StringVal(s)).Bytes()...)
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

// plainASCII reports whether hclwrite writes s quoted but otherwise as is:
// printable ASCII (already NFC) with nothing to escape.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
		if (c == '$' || c == '%') && i+1 < len(s) && s[i+1] == '{' {
			return false
		}
	}
	return true
}

// appendValue appends v as valueTokens writes it, directly for the
// one-line shapes the lockfile mostly holds.
func appendValue(dst []byte, v cty.Value) []byte {
	ty := v.Type()
	switch {
	case v.IsNull():
		return append(dst, "null"...)
	case ty == cty.String:
		return appendStringLit(dst, v.AsString())
	case ty == cty.Number:
		return append(dst, numberText(v.AsBigFloat())...)
	case ty == cty.Bool && v.True():
		return append(dst, "true"...)
	case ty == cty.Bool:
		return append(dst, "false"...)
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		dst = append(dst, '[')
		for it, i := v.ElementIterator(), 0; it.Next(); i++ {
			if i > 0 {
				dst = append(dst, ", "...)
			}
			_, e := it.Element()
			dst = appendValue(dst, e)
		}
		return append(dst, ']')
	}
	return append(dst, valueTokens(v).Bytes()...)
}

// keyLit is an object key as keyTokens writes it, and its width in columns.
func keyLit(k string) (string, int) {
	if simpleIdent(k) {
		return k, len(k)
	}
	ts := keyTokens(k)
	return string(ts.Bytes()), columns(ts)
}

// simpleIdent reports whether k is an ASCII identifier that is no keyword:
// a letter, then letters, digits and underscores.
func simpleIdent(k string) bool {
	if k == "" || k == "for" || k == "in" || k == "if" || k == "null" || k == "true" || k == "false" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || c != '_' && (c < '0' || c > '9')) {
			return false
		}
	}
	return true
}

// costLit is numberLit(cty.NumberFloatVal(c)), without the big.Float.
func costLit(c float64) []byte {
	if c != 0 && (math.Abs(c) > 1<<100 || math.Abs(c) < 1.0/(1<<100)) {
		return numberLit(cty.NumberFloatVal(c))
	}
	return strconv.AppendFloat(nil, c, 'f', -1, 64)
}

func numberLit(v cty.Value) []byte {
	return []byte(numberText(v.AsBigFloat()))
}

// numberText is the canonical decimal form of a finite number: positional
// ("0.042", "1500") unless it is very large or small, then with an exponent
// ("1e+300"), so numbers stay readable.
func numberText(bf *big.Float) string {
	if exp := bf.MantExp(nil); exp > 128 || exp < -128 {
		return bf.Text('e', -1)
	}
	return bf.Text('f', -1)
}

// columns is the width hclwrite.Format gives tokens when aligning.
func columns(ts hclwrite.Tokens) int {
	b := ts.Bytes()
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return ts.Columns()
		}
	}
	return len(b)
}

// isMultiline reports whether valueTokens writes v over several lines: a
// non-empty object or map.
func isMultiline(v cty.Value) bool {
	ty := v.Type()
	return !v.IsNull() && (ty.IsObjectType() || ty.IsMapType()) && v.LengthInt() > 0
}

// fastShape reports whether the blockWriter lays img out exactly as
// hclwrite.Format would: true unless an input holds a multi-line value
// (an object) inside a list, which Format lays out in its own way.
func fastShape(img *Image) bool {
	for _, v := range img.Inputs {
		if checkValue(v) == nil && !objectsOnlyAtTop(v) {
			return false
		}
	}
	return true
}

// objectsOnlyAtTop reports whether every multi-line value inside v sits
// directly in an object (not in a list).
func objectsOnlyAtTop(v cty.Value) bool {
	ty := v.Type()
	switch {
	case v.IsNull():
		return true
	case ty.IsObjectType() || ty.IsMapType():
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); !objectsOnlyAtTop(e) {
				return false
			}
		}
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); isMultiline(e) || !objectsOnlyAtTop(e) {
				return false
			}
		}
	}
	return true
}
