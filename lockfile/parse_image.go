package lockfile

import (
	"fmt"
	"math"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func imageSchema() *hcl.BodySchema {
	return &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{
			{Name: "provider", Required: true},
			{Name: "model"},
			{Name: "spec_hash", Required: true},
			{Name: "output", Required: true},
			{Name: "sha256", Required: true},
			{Name: "bytes", Required: true},
			{Name: "width", Required: true},
			{Name: "height", Required: true},
			{Name: "cost_usd"},
			{Name: "candidates"},
			{Name: "inputs"},
			{Name: "metadata"},
		},
		Blocks: []hcl.BlockHeaderSchema{{Type: "reference", LabelNames: []string{"name"}}},
	}
}

func referenceSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "kind", Required: true},
		{Name: "sha256"},
	}}
}

func (d *decoder) image(b *hcl.Block) *Image {
	content, diags := b.Body.Content(imageSchema())
	d.diags = append(d.diags, diags...)
	attrs := content.Attributes
	img := &Image{Address: b.Labels[0]}
	if img.Address == "" {
		d.errorf(b.LabelRanges[0], "Invalid image address", "An image address must not be empty.")
	}
	img.Provider = d.nonEmpty(attrs["provider"])
	img.Model = d.str(attrs["model"])
	img.SpecHash = d.checked(attrs["spec_hash"], checkSpecHash)
	img.Output = d.checked(attrs["output"], checkOutput)
	img.SHA256 = d.checked(attrs["sha256"], func(s string) error { return checkHex("sha256", s) })
	img.Bytes, _ = d.wholeNumber(attrs["bytes"], math.MaxInt64)
	img.Width = d.intAttr(attrs["width"])
	img.Height = d.intAttr(attrs["height"])
	img.CostUSD = d.cost(attrs["cost_usd"])
	img.Candidates = d.candidates(attrs["candidates"])
	img.Inputs = d.inputs(attrs["inputs"])
	img.Metadata = d.metadata(attrs["metadata"])
	for _, rb := range content.Blocks {
		img.References = append(img.References, d.reference(rb))
	}
	return img
}

// candidates decodes a list of hex SHA-256 strings.
func (d *decoder) candidates(a *hcl.Attribute) []string {
	if a == nil {
		return nil
	}
	v, diags := a.Expr.Value(nil)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return nil
	}
	ty := v.Type()
	if v.IsNull() || !(ty.IsTupleType() || ty.IsListType()) || v.LengthInt() == 0 {
		d.errorf(a.Expr.Range(), "Invalid candidates", "The candidates attribute must be a list of the candidates' sha256, [\"<hex>\", ...].")
		return nil
	}
	var out []string
	for it := v.ElementIterator(); it.Next(); {
		_, e := it.Element()
		if e.IsNull() || e.Type() != cty.String || checkHex("sha256", e.AsString()) != nil {
			d.errorf(a.Expr.Range(), "Invalid candidates", "Every candidate must be a sha256 of 64 lowercase hex digits.")
			return nil
		}
		out = append(out, e.AsString())
	}
	return out
}

func (d *decoder) reference(b *hcl.Block) *Reference {
	content, diags := b.Body.Content(referenceSchema())
	d.diags = append(d.diags, diags...)
	r := &Reference{Name: b.Labels[0]}
	if r.Name == "" {
		d.errorf(b.LabelRanges[0], "Invalid reference name", "A reference name must not be empty.")
	}
	r.Kind = d.checked(content.Attributes["kind"], func(k string) error {
		if !validKind(k) {
			return fmt.Errorf("kind must be \"file\", \"image\" or \"url\", not %q", k)
		}
		return nil
	})
	if a := content.Attributes["sha256"]; a != nil {
		r.SHA256 = d.checked(a, func(s string) error { return checkHex("sha256", s) })
	}
	return r
}

func (d *decoder) nonEmpty(a *hcl.Attribute) string {
	return d.checked(a, func(s string) error { return nonEmpty(a.Name, s) })
}

// checked decodes a string attribute and reports check's error against it.
func (d *decoder) checked(a *hcl.Attribute, check func(string) error) string {
	v, ok := d.typed(a, cty.String, "a string")
	if !ok {
		return ""
	}
	s := v.AsString()
	if err := check(s); err != nil {
		d.errorf(a.Expr.Range(), fmt.Sprintf("Invalid %s", a.Name), "The %s.", err)
		return ""
	}
	return s
}

func (d *decoder) intAttr(a *hcl.Attribute) int {
	n, _ := d.wholeNumber(a, math.MaxInt32)
	return int(n)
}

func (d *decoder) cost(a *hcl.Attribute) *float64 {
	v, ok := d.typed(a, cty.Number, "a number")
	if !ok {
		return nil
	}
	c, _ := v.AsBigFloat().Float64()
	if err := checkCost(c); err != nil {
		d.errorf(a.Expr.Range(), "Invalid cost_usd", "The cost_usd attribute must be a non-negative number of US dollars.")
		return nil
	}
	return &c
}

// object decodes an attribute written as { key = value, ... }.
func (d *decoder) object(a *hcl.Attribute) (cty.Value, bool) {
	if a == nil {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(nil)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if v.IsNull() || !(v.Type().IsObjectType() || v.Type().IsMapType()) {
		d.errorf(a.Expr.Range(), fmt.Sprintf("Invalid %s", a.Name),
			"The %s attribute must be an object, { key = value }.", a.Name)
		return cty.NilVal, false
	}
	return v, true
}

func (d *decoder) inputs(a *hcl.Attribute) map[string]cty.Value {
	v, ok := d.object(a)
	if !ok || v.LengthInt() == 0 {
		return nil
	}
	m := make(map[string]cty.Value, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if err := checkValue(e); err != nil {
			d.errorf(a.Expr.Range(), "Invalid inputs", "The input %q %s.", k.AsString(), err)
			continue
		}
		m[k.AsString()] = NormalizeValue(e)
	}
	return m
}

func (d *decoder) metadata(a *hcl.Attribute) map[string]string {
	v, ok := d.object(a)
	if !ok || v.LengthInt() == 0 {
		return nil
	}
	m := make(map[string]string, v.LengthInt())
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		if e.IsNull() || !e.Type().Equals(cty.String) {
			d.errorf(a.Expr.Range(), "Invalid metadata",
				"Every metadata value must be a string; %q is not.", k.AsString())
			return nil
		}
		m[k.AsString()] = e.AsString()
	}
	return m
}
