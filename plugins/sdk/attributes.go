package sdk

import "github.com/zclconf/go-cty/cty"

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
