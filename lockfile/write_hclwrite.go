package lockfile

import (
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// hclwriteImage writes one image block through an hclwrite tree and
// hclwrite.Format. Bytes uses it for shapes the blockWriter does not lay out.
func hclwriteImage(img *Image) []byte {
	wf := hclwrite.NewEmptyFile()
	writeImage(wf.Body().AppendNewBlock("image", []string{img.Address}).Body(), img)
	return hclwrite.Format(wf.Bytes())
}

func writeImage(body *hclwrite.Body, img *Image) {
	body.SetAttributeValue("provider", cty.StringVal(img.Provider))
	setString(body, "model", img.Model)
	body.SetAttributeValue("spec_hash", cty.StringVal(img.SpecHash))
	body.SetAttributeValue("output", cty.StringVal(img.Output))
	body.SetAttributeValue("sha256", cty.StringVal(img.SHA256))
	body.SetAttributeValue("bytes", cty.NumberIntVal(img.Bytes))
	body.SetAttributeValue("width", cty.NumberIntVal(int64(img.Width)))
	body.SetAttributeValue("height", cty.NumberIntVal(int64(img.Height)))
	if img.CostUSD != nil && checkCost(*img.CostUSD) == nil {
		body.SetAttributeRaw("cost_usd", valueTokens(cty.NumberFloatVal(*img.CostUSD)))
	}
	if len(img.Candidates) > 0 {
		body.SetAttributeRaw("candidates", valueTokens(candidatesVal(img.Candidates)))
	}
	if inputs := writableInputs(img.Inputs); len(inputs) > 0 {
		body.SetAttributeRaw("inputs", valueTokens(cty.ObjectVal(inputs)))
	}
	for _, r := range img.References {
		if r != nil {
			writeReference(body.AppendNewBlock("reference", []string{r.Name}).Body(), r)
		}
	}
	if len(img.Metadata) > 0 {
		body.SetAttributeRaw("metadata", valueTokens(stringMapVal(img.Metadata)))
	}
}

func writeProvider(body *hclwrite.Body, p *Provider) {
	body.SetAttributeValue("source", cty.StringVal(p.Source))
	setString(body, "version", p.Version)
	setString(body, "checksum", p.Checksum)
}

func writeReference(body *hclwrite.Body, r *Reference) {
	body.SetAttributeValue("kind", cty.StringVal(r.Kind))
	setString(body, "sha256", r.SHA256)
}

// setString sets a string attribute that is left out when empty.
func setString(body *hclwrite.Body, name, s string) {
	if s != "" {
		body.SetAttributeValue(name, cty.StringVal(s))
	}
}

// writableInputs returns the inputs that can be written, normalised.
func writableInputs(in map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(in))
	for k, v := range in {
		if checkValue(v) == nil {
			out[k] = NormalizeValue(v)
		}
	}
	return out
}

// candidatesVal is the candidates list as a value: a tuple of strings.
func candidatesVal(sums []string) cty.Value {
	vals := make([]cty.Value, len(sums))
	for i, s := range sums {
		vals[i] = cty.StringVal(s)
	}
	return cty.TupleVal(vals)
}

func stringMapVal(m map[string]string) cty.Value {
	vals := make(map[string]cty.Value, len(m))
	for k, s := range m {
		vals[k] = cty.StringVal(s)
	}
	return cty.ObjectVal(vals)
}
