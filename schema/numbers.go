package schema

import (
	"math/big"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Whole numbers in templates. cty keeps a number parsed from the source
// at 512 bits of precision, and so is the result of arithmetic on one:
// "${count.index + 1}" or "${floor(count.index / 100)}". Turning such a
// number into a string costs about 14 us (big.Float's shortest decimal of
// a 512-bit mantissa), ten times a 64-bit one with the same digits, and it
// is done for every instance: in a 500-image count it was 40% of the
// evaluation's CPU. So each interpolation of an image block gives a whole
// number that fits 64 bits as a 64-bit value: the same number and the same
// text, so the same spec hash. Any other value passes through untouched,
// marks and unknowns included.

// wholeExpr is an interpolation whose whole-number value is made 64-bit.
// It embeds a call node holding the interpolation as its only argument, so
// hclsyntax walks it as a call (Variables finds the references inside),
// but its Value evaluates the argument directly: no function is called.
type wholeExpr struct {
	*hclsyntax.FunctionCallExpr
}

func (w wholeExpr) Value(ctx *hcl.EvalContext) (cty.Value, hcl.Diagnostics) {
	v, diags := w.Args[0].Value(ctx)
	return wholeNumber(v), diags
}

func wholeNumber(v cty.Value) cty.Value {
	bare, marks := v.Unmark()
	if bare.Type() != cty.Number || !bare.IsKnown() || bare.IsNull() {
		return v
	}
	f := bare.AsBigFloat()
	if f.Prec() <= 64 || !f.IsInt() {
		return v
	}
	i, acc := f.Int64()
	if acc != big.Exact {
		return v
	}
	return cty.NumberIntVal(i).WithMarks(marks)
}

// wrapTemplateParts rewrites the templates that are body's attribute
// values in place, so that each of their interpolations is a wholeExpr.
// Literal parts are left as they are. Templates nested deeper (in a call's
// arguments, say) are not rewritten: walking every node of every image
// cost more than it saved.
func wrapTemplateParts(body hcl.Body) {
	sb, ok := body.(*hclsyntax.Body)
	if !ok {
		return
	}
	for _, attr := range sb.Attributes {
		switch t := attr.Expr.(type) {
		case *hclsyntax.TemplateExpr:
			for i, p := range t.Parts {
				t.Parts[i] = wrapWhole(p)
			}
		case *hclsyntax.TemplateWrapExpr:
			t.Wrapped = wrapWhole(t.Wrapped)
		}
	}
}

func wrapWhole(e hclsyntax.Expression) hclsyntax.Expression {
	switch t := e.(type) {
	case *hclsyntax.LiteralValueExpr, *hclsyntax.TemplateExpr, *hclsyntax.TemplateWrapExpr, wholeExpr:
		return e
	case *hclsyntax.ScopeTraversalExpr:
		if t.Traversal.RootName() == "count" {
			return e // count.index is a 64-bit value already
		}
	}
	rng := e.Range()
	return wholeExpr{&hclsyntax.FunctionCallExpr{
		Name: "whole", Args: []hclsyntax.Expression{e},
		NameRange: rng, OpenParenRange: rng, CloseParenRange: rng,
	}}
}
