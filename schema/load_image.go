package schema

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// Meta attributes of an image block: the engine's, not the provider's.
const (
	attrProvider   = "provider"
	attrOutput     = "output"
	attrReferences = "references"
	attrSource     = "source"
	attrCandidates = "candidates"
	attrForEach    = "for_each"
	attrCount      = "count"
	attrDependsOn  = "depends_on"
	attrAlias      = "alias"
)

var imageMetaAttrs = []hcl.AttributeSchema{
	{Name: attrProvider}, {Name: attrOutput}, {Name: attrReferences}, {Name: attrSource},
	{Name: attrForEach}, {Name: attrCount}, {Name: attrDependsOn}, {Name: attrCandidates},
}

// decodeImage decodes one image block, on its own: it may run in parallel
// with other blocks.
func decodeImage(b *hcl.Block) (*Image, hcl.Diagnostics) {
	name := b.Labels[0]
	if !hclsyntax.ValidIdentifier(name) {
		return nil, hcl.Diagnostics{invalidName("image", name, b.LabelRanges[0])}
	}
	wrapTemplateParts(b.Body)
	img := &Image{
		Name: name, ProviderKey: DefaultProvider, ProviderRange: b.DefRange,
		DeclRange: b.DefRange, Body: b.Body,
	}
	content, _, diags := b.Body.PartialContent(&hcl.BodySchema{Attributes: imageMetaAttrs})
	attrs := content.Attributes
	if attr, ok := attrs[attrProvider]; ok {
		diags = append(diags, img.decodeProvider(attr)...)
	}
	if attr, ok := attrs[attrOutput]; ok {
		img.Output = attr.Expr
	} else {
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Missing required argument",
			Detail:   fmt.Sprintf("Image %q has no output. Add output = \"assets/%s.png\": the project-relative path of the file to write (.png, .jpg or .webp).", name, name),
			Subject:  b.DefRange.Ptr(),
		})
	}
	if attr, ok := attrs[attrReferences]; ok {
		img.References = attr.Expr
	}
	if attr, ok := attrs[attrSource]; ok {
		img.Source = attr.Expr
	}
	if attr, ok := attrs[attrCandidates]; ok {
		img.Candidates = attr.Expr
	}
	diags = append(diags, img.decodeRepetition(attrs)...)
	if attr, ok := attrs[attrDependsOn]; ok {
		diags = append(diags, img.decodeDependsOn(attr)...)
	}
	return img, diags
}

// addImage adds a decoded image block to the Config, unless its name is
// taken.
func (ld *loader) addImage(d decodedImage) hcl.Diagnostics {
	img := d.img
	if img == nil {
		return d.diags
	}
	if prev, ok := ld.images[img.Name]; ok {
		return append(d.diags, duplicate("image", img.Name, prev.DeclRange, img.DeclRange))
	}
	ld.images[img.Name] = img
	ld.c.Images = append(ld.c.Images, img)
	return d.diags
}

func (img *Image) decodeProvider(attr *hcl.Attribute) hcl.Diagnostics {
	img.ProviderRange = attr.Expr.Range()
	trav, tDiags := hcl.AbsTraversalForExpr(attr.Expr)
	if !tDiags.HasErrors() && len(trav) <= 2 {
		name := trav.RootName()
		if len(trav) == 1 {
			img.ProviderKey = name
			return nil
		}
		if step, ok := trav[1].(hcl.TraverseAttr); ok {
			img.ProviderKey = providerKey(name, step.Name)
			return nil
		}
	}
	detail := "The provider argument takes a provider name such as openai, or a name and an alias such as openai.eu."
	if v, diags := attr.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
		detail = fmt.Sprintf("The provider argument takes a bare name, not a string: write provider = %s without quotes.", v.AsString())
	}
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid provider reference",
		Detail:   detail,
		Subject:  attr.Expr.Range().Ptr(),
	}}
}

func (img *Image) decodeRepetition(attrs hcl.Attributes) hcl.Diagnostics {
	forEach, hasForEach := attrs[attrForEach]
	count, hasCount := attrs[attrCount]
	if hasForEach && hasCount {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid combination of count and for_each",
			Detail:   "An image may use count or for_each, not both. Keep one of them.",
			Subject:  count.NameRange.Ptr(),
			Context:  hcl.RangeBetween(forEach.Range, count.Range).Ptr(),
		}}
	}
	if hasForEach {
		img.ForEach = forEach.Expr
	}
	if hasCount {
		img.Count = count.Expr
	}
	return nil
}

func (img *Image) decodeDependsOn(attr *hcl.Attribute) hcl.Diagnostics {
	exprs, diags := hcl.ExprList(attr.Expr)
	for _, expr := range exprs {
		trav, tDiags := hcl.AbsTraversalForExpr(expr)
		if tDiags.HasErrors() || trav.RootName() != "image" || len(trav) < 2 || len(trav) > 3 {
			diags = append(diags, invalidDependsOn(expr.Range()))
			continue
		}
		if _, ok := trav[1].(hcl.TraverseAttr); !ok {
			diags = append(diags, invalidDependsOn(expr.Range()))
			continue
		}
		if len(trav) == 3 {
			if _, ok := trav[2].(hcl.TraverseIndex); !ok {
				diags = append(diags, invalidDependsOn(expr.Range()))
				continue
			}
		}
		img.DependsOn = append(img.DependsOn, trav)
	}
	return diags
}

func invalidDependsOn(rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid depends_on reference",
		Detail:   `Each depends_on element must be an image reference such as image.mascot or image.social["twitter"], without quotes.`,
		Subject:  rng.Ptr(),
	}
}

// constString evaluates expr without any variables and requires a string.
func constString(expr hcl.Expression, what string) (string, hcl.Diagnostics) {
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return "", diags
	}
	if val.Type() != cty.String || val.IsNull() {
		return "", hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value",
			Detail:   fmt.Sprintf("The value of %s must be a literal string.", what),
			Subject:  expr.Range().Ptr(),
		}}
	}
	return val.AsString(), nil
}

func decodeConstBool(attr *hcl.Attribute, dst *bool) hcl.Diagnostics {
	val, diags := attr.Expr.Value(nil)
	if diags.HasErrors() {
		return diags
	}
	if val.Type() != cty.Bool || val.IsNull() {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value",
			Detail:   fmt.Sprintf("The value of %s must be true or false.", attr.Name),
			Subject:  attr.Expr.Range().Ptr(),
		}}
	}
	*dst = val.True()
	return nil
}

// sortedAttrs returns attrs in source order.
func sortedAttrs(attrs hcl.Attributes) []*hcl.Attribute {
	list := make([]*hcl.Attribute, 0, len(attrs))
	for _, a := range attrs {
		list = append(list, a)
	}
	sort.Slice(list, func(i, j int) bool {
		return list[i].Range.Start.Byte < list[j].Range.Start.Byte
	})
	return list
}

func unsupportedArgument(name string, candidates []string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unsupported argument",
		Detail:   fmt.Sprintf("An argument named %q is not expected here.%s", name, didYouMean(name, candidates, "%q")),
		Subject:  rng.Ptr(),
	}
}

// errorText renders a conversion error, with the path when there is one.
func errorText(err error) string {
	if pe, ok := err.(cty.PathError); ok && len(pe.Path) > 0 {
		return fmt.Sprintf("%s: %s", pathString(pe.Path), pe.Error())
	}
	return err.Error()
}

func pathString(path cty.Path) string {
	s := ""
	for _, step := range path {
		switch st := step.(type) {
		case cty.GetAttrStep:
			s += "." + st.Name
		case cty.IndexStep:
			s += fmt.Sprintf("[%s]", keyString(st.Key))
		}
	}
	if len(s) > 0 && s[0] == '.' {
		s = s[1:]
	}
	return "attribute " + s
}
