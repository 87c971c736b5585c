package sdk

import (
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// PromptAttr is the common "prompt" attribute.
func PromptAttr(required bool) Attribute {
	return Attribute{Name: "prompt", Type: cty.String, Required: required,
		Description: "What the image should show."}
}

// ModelAttr is the common "model" attribute; def is its default ("" for none).
func ModelAttr(def string) Attribute {
	a := Attribute{Name: "model", Type: cty.String, Description: "The model that generates the image."}
	if def == "" {
		a.Required = true
	} else {
		a.Default = cty.StringVal(def)
	}
	return a
}

// SizeAttr is the common "size" attribute, WIDTHxHEIGHT.
func SizeAttr(def string) Attribute {
	a := Attribute{Name: "size", Type: cty.String, Description: "Output size as WIDTHxHEIGHT, such as 1024x1024."}
	if def == "" {
		a.Required = true
	} else {
		a.Default = cty.StringVal(def)
	}
	return a
}

// ValuesOf is the object easel hands a provider for a block with these
// attributes (an image's Request.Values, a provider block's Config.Values):
// every attribute present, with its given value, else (unset or null) its
// default, else null; converted to the attribute's type where it can be,
// as easel's evaluation does. Names given but not declared are left out.
// It is how a provider's tests build requests the way easel does.
func ValuesOf(attrs []Attribute, given map[string]cty.Value) cty.Value {
	vals := make(map[string]cty.Value, len(attrs))
	for _, a := range attrs {
		v, ok := given[a.Name]
		if !ok || v.IsNull() {
			v = a.Default
		}
		if v == cty.NilVal {
			v = cty.NullVal(a.Type)
		}
		if c, err := convert.Convert(v, a.Type); err == nil {
			v = c
		}
		vals[a.Name] = v
	}
	return cty.ObjectVal(vals)
}
