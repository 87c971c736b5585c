package schema

import (
	"fmt"
	"math"
	"regexp"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var easelSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "budget"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "required_providers"}},
}

var sourcePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*$`)

func (ld *loader) decodeEasel(b *hcl.Block) hcl.Diagnostics {
	if ld.easelSeen != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Duplicate easel block",
			Detail:   fmt.Sprintf("An easel block was already declared at %s. Merge the two into one.", *ld.easelSeen),
			Subject:  b.DefRange.Ptr(),
		}}
	}
	ld.easelSeen = b.DefRange.Ptr()
	content, diags := b.Body.Content(easelSchema)
	for i, rp := range content.Blocks {
		if i > 0 {
			diags = append(diags, duplicate("required_providers block", "required_providers", content.Blocks[0].DefRange, rp.DefRange))
			continue
		}
		diags = append(diags, ld.decodeRequiredProviders(rp)...)
	}
	if attr, ok := content.Attributes["budget"]; ok {
		diags = append(diags, ld.decodeBudget(attr)...)
	}
	return diags
}

// decodeBudget reads easel { budget = USD }: the most one apply may spend,
// a constant number of US dollars greater than zero.
func (ld *loader) decodeBudget(attr *hcl.Attribute) hcl.Diagnostics {
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	var usd float64
	if val.Type() == cty.Number && !val.IsNull() {
		usd, _ = val.AsBigFloat().Float64()
	}
	if val.Type() != cty.Number || val.IsNull() || usd <= 0 || math.IsInf(usd, 0) {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid budget",
			Detail:   "The budget is the most one apply may spend, in US dollars: a number greater than zero, such as budget = 5 or budget = 0.50.",
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	ld.c.Budget, ld.c.BudgetRange = &usd, attr.Expr.Range()
	return nil
}

func (ld *loader) decodeRequiredProviders(b *hcl.Block) hcl.Diagnostics {
	attrs, diags := b.Body.JustAttributes()
	for _, attr := range sortedAttrs(attrs) {
		rp, rpDiags := decodeRequiredProvider(attr)
		diags = append(diags, rpDiags...)
		if rp != nil {
			ld.c.RequiredProviders[rp.Name] = rp
		}
	}
	return diags
}

func decodeRequiredProvider(attr *hcl.Attribute) (*RequiredProvider, hcl.Diagnostics) {
	rp := &RequiredProvider{Name: attr.Name, Source: "easel/" + attr.Name, DeclRange: attr.Range}
	pairs, diags := hcl.ExprMap(attr.Expr)
	if diags.HasErrors() {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid required_providers entry",
			Detail:   fmt.Sprintf("Write %s = { source = \"namespace/name\", version = \">= 1.0\" }.", attr.Name),
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	for _, pair := range pairs {
		key, kDiags := constString(pair.Key, "required_providers key")
		diags = append(diags, kDiags...)
		val, vDiags := constString(pair.Value, key)
		diags = append(diags, vDiags...)
		if kDiags.HasErrors() || vDiags.HasErrors() {
			continue
		}
		switch key {
		case "source":
			if !sourcePattern.MatchString(val) {
				diags = append(diags, &hcl.Diagnostic{
					Severity: hcl.DiagError,
					Summary:  "Invalid provider source",
					Detail:   fmt.Sprintf("%q is not a provider source address: write \"namespace/name\" in lower case, such as \"acme/solid\".", val),
					Subject:  pair.Value.Range().Ptr(),
				})
				continue
			}
			rp.Source = val
		case "version":
			rp.Version = val
		default:
			diags = append(diags, unsupportedArgument(key, []string{"source", "version"}, pair.Key.Range()))
		}
	}
	return rp, diags
}

func (ld *loader) decodeProvider(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		return hcl.Diagnostics{invalidName("provider", name, b.LabelRanges[0])}
	}
	p := &ProviderBlock{Name: name, Body: b.Body, DeclRange: b.DefRange}
	content, _, diags := b.Body.PartialContent(&hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "alias"}},
	})
	if attr, ok := content.Attributes["alias"]; ok {
		alias, aDiags := constString(attr.Expr, "alias")
		diags = append(diags, aDiags...)
		if aDiags.HasErrors() {
			return diags
		}
		if !hclsyntax.ValidIdentifier(alias) {
			return append(diags, invalidName("provider alias", alias, attr.Expr.Range()))
		}
		p.Alias = alias
	}
	if prev, ok := ld.c.Providers[p.Key()]; ok {
		return append(diags, duplicate("provider configuration", p.Key(), prev.DeclRange, p.DeclRange))
	}
	ld.c.Providers[p.Key()] = p
	return diags
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type"}, {Name: "default"}, {Name: "description"}, {Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "validation"}},
}

func (ld *loader) decodeVariable(b *hcl.Block) hcl.Diagnostics {
	name := b.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		return hcl.Diagnostics{invalidName("variable", name, b.LabelRanges[0])}
	}
	v := &Variable{Name: name, Type: cty.DynamicPseudoType, DeclRange: b.DefRange, rawInput: true}
	content, diags := b.Body.Content(variableSchema)
	if attr, ok := content.Attributes["type"]; ok {
		ty, defaults, tyDiags := typeexpr.TypeConstraintWithDefaults(attr.Expr)
		diags = append(diags, tyDiags...)
		if !tyDiags.HasErrors() {
			v.Type, v.TypeDefaults = ty, defaults
			v.rawInput = ty == cty.String
		}
	}
	if attr, ok := content.Attributes["description"]; ok {
		desc, dDiags := constString(attr.Expr, "description")
		diags = append(diags, dDiags...)
		v.Description = desc
	}
	if attr, ok := content.Attributes["sensitive"]; ok {
		diags = append(diags, decodeConstBool(attr, &v.Sensitive)...)
	}
	if attr, ok := content.Attributes["default"]; ok {
		diags = append(diags, v.decodeDefault(attr)...)
	}
	for _, vb := range content.Blocks {
		val, vDiags := decodeValidation(vb)
		diags = append(diags, vDiags...)
		if val != nil {
			v.Validations = append(v.Validations, val)
		}
	}
	if prev, ok := ld.c.Variables[name]; ok {
		return append(diags, duplicate("variable", name, prev.DeclRange, v.DeclRange))
	}
	ld.c.Variables[name] = v
	return diags
}

func (v *Variable) decodeDefault(attr *hcl.Attribute) hcl.Diagnostics {
	v.defaultRange = attr.Expr.Range()
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		v.Default = cty.NullVal(v.Type)
		return diags
	}
	val, err := v.convert(val)
	if err != nil {
		v.Default = cty.NullVal(v.Type)
		return append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid default value for variable",
			Detail:   fmt.Sprintf("This default value is not compatible with the variable's type constraint %s: %s.", typeexpr.TypeString(v.Type), errorText(err)),
			Subject:  attr.Expr.Range().Ptr(),
		})
	}
	v.Default = val
	return diags
}

// convert applies optional attribute defaults and the type constraint.
func (v *Variable) convert(val cty.Value) (cty.Value, error) {
	if v.TypeDefaults != nil && !val.IsNull() {
		val = v.TypeDefaults.Apply(val)
	}
	return convert.Convert(val, v.Type)
}

var validationSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "condition", Required: true}, {Name: "error_message", Required: true},
	},
}

func decodeValidation(b *hcl.Block) (*Validation, hcl.Diagnostics) {
	content, diags := b.Body.Content(validationSchema)
	if diags.HasErrors() {
		return nil, diags
	}
	return &Validation{
		Condition:    content.Attributes["condition"].Expr,
		ErrorMessage: content.Attributes["error_message"].Expr,
		DeclRange:    b.DefRange,
	}, diags
}

func (ld *loader) decodeLocals(b *hcl.Block) hcl.Diagnostics {
	attrs, diags := b.Body.JustAttributes()
	for _, attr := range sortedAttrs(attrs) {
		if prev, ok := ld.c.Locals[attr.Name]; ok {
			diags = append(diags, duplicate("local value", attr.Name, prev.DeclRange, attr.Range))
			continue
		}
		ld.c.Locals[attr.Name] = &Local{Name: attr.Name, Expr: attr.Expr, DeclRange: attr.Range}
	}
	return diags
}
