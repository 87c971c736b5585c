package schema

import (
	"fmt"

	"github.com/easelhq/easel/internal/marks"
	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// bodySchema is the hcl schema of a block with the given meta attributes
// and the provider-declared attributes. Requiredness is checked by
// decodeAttrs, so every attribute is optional here.
func bodySchema(meta []hcl.AttributeSchema, attrs []plugins.Attribute) *hcl.BodySchema {
	s := &hcl.BodySchema{Attributes: append([]hcl.AttributeSchema{}, meta...)}
	seen := map[string]bool{}
	for _, m := range meta {
		seen[m.Name] = true
	}
	for _, a := range attrs {
		if seen[a.Name] {
			continue
		}
		seen[a.Name] = true
		s.Attributes = append(s.Attributes, hcl.AttributeSchema{Name: a.Name})
	}
	return s
}

// decodeAttrs evaluates the attributes declared in attrs from content:
// every declared attribute is present in the result, null where unset,
// defaults applied, sensitive ones marked. what names the block for
// messages ("image \"hero\""). attrRanges gives their source ranges.
func (ev *evaluator) decodeAttrs(content *hcl.BodyContent, attrs []plugins.Attribute, sc scope, declRange hcl.Range, what string) (cty.Value, hcl.Diagnostics) {
	vals := make(map[string]cty.Value, len(attrs))
	var diags hcl.Diagnostics
	for _, a := range attrs {
		attr, set := content.Attributes[a.Name]
		var val cty.Value
		switch {
		case set:
			var aDiags hcl.Diagnostics
			val, aDiags = ev.attrValue(attr, a, sc)
			diags = append(diags, aDiags...)
		case a.Required:
			val = cty.UnknownVal(a.Type)
			diags = append(diags, missingAttr(a, declRange, what))
		default:
			val = defaultValue(a)
		}
		if a.Sensitive {
			val = val.Mark(SensitiveMark)
		}
		vals[a.Name] = val
	}
	return objectOf(vals), diags
}

// attrRanges is the source range of each attribute in attrs: its
// expression's where content sets it, declRange where it does not.
func attrRanges(content *hcl.BodyContent, attrs []plugins.Attribute, declRange hcl.Range) map[string]hcl.Range {
	ranges := make(map[string]hcl.Range, len(attrs))
	for _, a := range attrs {
		ranges[a.Name] = declRange
		if attr, set := content.Attributes[a.Name]; set {
			ranges[a.Name] = attr.Expr.Range()
		}
	}
	return ranges
}

func (ev *evaluator) attrValue(attr *hcl.Attribute, a plugins.Attribute, sc scope) (cty.Value, hcl.Diagnostics) {
	val, diags := ev.evalExpr(attr.Expr, sc)
	if diags.HasErrors() {
		return cty.UnknownVal(a.Type), diags
	}
	conv, err := convert.Convert(val, a.Type)
	if err != nil {
		return cty.UnknownVal(a.Type), append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Incorrect attribute value type",
			Detail: fmt.Sprintf("Inappropriate value for attribute %q: %s. It must be %s.",
				a.Name, errorText(err), typeDescription(a.Type)),
			Subject: attr.Expr.Range().Ptr(),
		})
	}
	if conv.IsNull() && a.Required {
		return cty.UnknownVal(a.Type), append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Required attribute is null",
			Detail:   fmt.Sprintf("The attribute %q is required and cannot be null.", a.Name),
			Subject:  attr.Expr.Range().Ptr(),
		})
	}
	if conv.IsNull() && a.Default != cty.NilVal {
		return defaultValue(a), diags
	}
	return conv, diags
}

func defaultValue(a plugins.Attribute) cty.Value {
	if a.Default == cty.NilVal {
		return cty.NullVal(a.Type)
	}
	if v, err := convert.Convert(a.Default, a.Type); err == nil {
		return v
	}
	return a.Default
}

func missingAttr(a plugins.Attribute, declRange hcl.Range, what string) *hcl.Diagnostic {
	detail := fmt.Sprintf("The attribute %q is required in %s, but no definition was found.", a.Name, what)
	if a.Description != "" {
		detail += fmt.Sprintf(" It is %s: %s.", typeDescription(a.Type), a.Description)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Missing required argument",
		Detail:   detail,
		Subject:  declRange.Ptr(),
	}
}

func typeDescription(ty cty.Type) string {
	switch ty {
	case cty.String:
		return "a string"
	case cty.Number:
		return "a number"
	case cty.Bool:
		return "a bool"
	case cty.DynamicPseudoType:
		return "any value"
	}
	return "of type " + typeexpr.TypeString(ty)
}

// stringValue turns the value of a meta attribute into a Go string. ok is
// false (with no diagnostic) when the value is unknown because of an
// earlier error.
func stringValue(val cty.Value, expr hcl.Expression, what, hint string) (string, bool, hcl.Diagnostics) {
	if !val.IsWhollyKnown() {
		return "", false, nil
	}
	if d := sensitiveRecorded(val, what, expr.Range()); d != nil {
		return "", false, hcl.Diagnostics{d}
	}
	val = marks.Strip(val)
	bad := func(detail string) (string, bool, hcl.Diagnostics) {
		return "", false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid %s", what),
			Detail:   detail,
			Subject:  expr.Range().Ptr(),
		}}
	}
	if val.IsNull() {
		return bad(fmt.Sprintf("%s is null; it must be %s.", what, hint))
	}
	s, err := convert.Convert(val, cty.String)
	if err != nil {
		return bad(fmt.Sprintf("%s must be %s, not %s.", what, hint, typeDescription(val.Type())))
	}
	return s.AsString(), true, nil
}

// sensitiveRecorded refuses a value derived from a sensitive one where
// easel records it in the clear: an output path or a reference is shown in
// every plan and written to the lockfile, which is committed.
func sensitiveRecorded(val cty.Value, what string, rng hcl.Range) *hcl.Diagnostic {
	if !marks.Contains(val) {
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Sensitive value in %s", what),
		Detail: fmt.Sprintf("%s cannot use a sensitive value: it is shown in plans and recorded in easel.lock.hcl. "+
			"Pass a credential through the provider block or its environment variable instead, or use a URL that needs none.", what),
		Subject: rng.Ptr(),
	}
}

func convertNumber(val cty.Value) (cty.Value, error) {
	return convert.Convert(val, cty.Number)
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
