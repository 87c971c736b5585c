package schema

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/easelhq/easel/internal/marks"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// evalReferences evaluates the references attribute of an instance.
func (ev *evaluator) evalReferences(inst *instance, sc scope) ([]RefSpec, hcl.Diagnostics) {
	expr := inst.img.References
	sc.what = "references"
	val, diags := ev.evalExpr(expr, sc)
	if diags.HasErrors() || !val.IsKnown() {
		return nil, diags
	}
	if d := sensitiveRecorded(val, "references", expr.Range()); d != nil {
		return nil, append(diags, d)
	}
	val = marks.Strip(val)
	if val.IsNull() {
		return nil, diags
	}
	ty := val.Type()
	if !ty.IsListType() && !ty.IsTupleType() && !ty.IsSetType() {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid references",
			Detail:   `references must be a list, such as ["brand/logo.png", image.mascot].`,
			Subject:  expr.Range().Ptr(),
		})
	}
	elems := val.AsValueSlice()
	ranges := elementRanges(expr, len(elems))
	var refs []RefSpec
	for i, elem := range elems {
		ref, ok, rDiags := ev.reference(inst, elem, ranges[i])
		diags = append(diags, rDiags...)
		if ok {
			refs = append(refs, ref)
		}
	}
	return refs, diags
}

// evalSource evaluates the source attribute of an instance: one file path
// or image value.
func (ev *evaluator) evalSource(inst *instance, sc scope) (RefSpec, bool, hcl.Diagnostics) {
	expr := inst.img.Source
	sc.what = attrSource
	val, diags := ev.evalExpr(expr, sc)
	if diags.HasErrors() || !val.IsKnown() {
		return RefSpec{}, false, diags
	}
	if d := sensitiveRecorded(val, attrSource, expr.Range()); d != nil {
		return RefSpec{}, false, append(diags, d)
	}
	val = marks.Strip(val)
	if val.IsNull() {
		return RefSpec{}, false, diags
	}
	ref, ok, rDiags := ev.reference(inst, val, expr.Range())
	return ref, ok, append(diags, rDiags...)
}

// elementRanges locates each element of a literal list; otherwise every
// element gets the range of the whole expression.
func elementRanges(expr hcl.Expression, n int) []hcl.Range {
	ranges := make([]hcl.Range, n)
	tuple, literal := expr.(*hclsyntax.TupleConsExpr)
	for i := range ranges {
		if literal && len(tuple.Exprs) == n {
			ranges[i] = tuple.Exprs[i].Range()
		} else {
			ranges[i] = expr.Range()
		}
	}
	return ranges
}

func (ev *evaluator) reference(inst *instance, elem cty.Value, rng hcl.Range) (RefSpec, bool, hcl.Diagnostics) {
	if !elem.IsWhollyKnown() {
		return RefSpec{}, false, nil
	}
	ty := elem.Type()
	switch {
	case elem.IsNull():
		return RefSpec{}, false, hcl.Diagnostics{invalidReference("The reference is null.", rng)}
	case ty.IsObjectType() && ty.HasAttribute("address") && ty.HasAttribute("output"):
		return ev.imageReference(inst, elem, rng)
	case ty == cty.String:
		return ev.stringReference(elem.AsString(), rng)
	case ty.IsMapType() || ty.IsObjectType() || ty.IsListType() || ty.IsTupleType():
		return RefSpec{}, false, hcl.Diagnostics{invalidReference(
			"This element is a collection. To refer to every instance of an image, write references = values(image.NAME) for for_each or image.NAME for count; combine lists with concat(...).", rng)}
	}
	return RefSpec{}, false, hcl.Diagnostics{invalidReference(
		fmt.Sprintf("This element is %s.", typeDescription(ty)), rng)}
}

func invalidReference(detail string, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Invalid reference",
		Detail:   detail + ` Each reference must be a project file path ("brand/logo.png"), an https:// URL, or an image (image.mascot, image.social["twitter"]).`,
		Subject:  rng.Ptr(),
	}
}

func (ev *evaluator) imageReference(inst *instance, elem cty.Value, rng hcl.Range) (RefSpec, bool, hcl.Diagnostics) {
	addr := elem.GetAttr("address")
	if addr.IsNull() || addr.Type() != cty.String {
		return RefSpec{}, false, hcl.Diagnostics{invalidReference("The image object has no address.", rng)}
	}
	a := addr.AsString()
	if a == inst.address || ev.instanceAt(a) == nil {
		detail := fmt.Sprintf("There is no image %s.", a)
		if a == inst.address {
			detail = fmt.Sprintf("%s cannot use itself as a reference.", a)
		}
		return RefSpec{}, false, hcl.Diagnostics{invalidReference(detail, rng)}
	}
	return RefSpec{Kind: RefImage, Value: a, Range: rng}, true, nil
}

func (ev *evaluator) instanceAt(address string) *instance {
	return ev.byAddress[address]
}

func (ev *evaluator) stringReference(s string, rng hcl.Range) (RefSpec, bool, hcl.Diagnostics) {
	if scheme, _, isURL := strings.Cut(s, "://"); isURL && !strings.ContainsAny(scheme, "/\\") {
		return urlReference(s, strings.ToLower(scheme), rng)
	}
	clean, err := ev.projectPath(s)
	if err != nil {
		return RefSpec{}, false, hcl.Diagnostics{pathDiag("Invalid reference path", err, rng)}
	}
	if other := ev.instanceWriting(clean); other != nil {
		return RefSpec{}, false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Reference to an image output by path",
			Detail: fmt.Sprintf("%q is the output of %s. Refer to the image itself, %s, so that it is generated first and changes to it regenerate this image.",
				clean, other.address, other.address),
			Subject: rng.Ptr(),
		}}
	}
	if !ev.paths.isFile(filepath.Join(ev.c.Dir, filepath.FromSlash(clean))) {
		return RefSpec{}, false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Reference file not found",
			Detail:   fmt.Sprintf("There is no file %q in the project directory. Reference paths are relative to the directory of the .easel.hcl files.", clean),
			Subject:  rng.Ptr(),
		}}
	}
	return RefSpec{Kind: RefFile, Value: clean, Range: rng}, true, nil
}

func (ev *evaluator) instanceWriting(p string) *instance {
	return ev.byOutput[strings.ToLower(p)]
}

func urlReference(s, scheme string, rng hcl.Range) (RefSpec, bool, hcl.Diagnostics) {
	if scheme != "https" {
		return RefSpec{}, false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Unsupported reference URL",
			Detail:   fmt.Sprintf("%q uses %s://; only https:// URLs can be references. Use https, or download the file into the project and refer to its path.", s, scheme),
			Subject:  rng.Ptr(),
		}}
	}
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return RefSpec{}, false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid reference URL",
			Detail:   fmt.Sprintf("%q is not a valid URL.", s),
			Subject:  rng.Ptr(),
		}}
	}
	return RefSpec{Kind: RefURL, Value: s, Range: rng}, true, nil
}
