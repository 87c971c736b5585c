package schema

import (
	"fmt"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalImages is pass 2: every instance's provider attributes, references
// and dependencies, with image.* in scope. Images are evaluated on every
// core; results and diagnostics keep the configuration's order.
func (ev *evaluator) evalImages() ([]*ImageInstance, hcl.Diagnostics) {
	insts := make([][]*ImageInstance, len(ev.c.Images))
	iDiags := make([]hcl.Diagnostics, len(ev.c.Images))
	forEachIndex(len(ev.c.Images), func(i int) {
		insts[i], iDiags[i] = ev.evalImage(ev.c.Images[i])
	})
	var out []*ImageInstance
	var diags hcl.Diagnostics
	for i := range ev.c.Images {
		out = append(out, insts[i]...)
		diags = append(diags, iDiags[i]...)
	}
	return out, diags
}

func (ev *evaluator) evalImage(img *Image) ([]*ImageInstance, hcl.Diagnostics) {
	insts, expanded := ev.instances[img.Name]
	var diags hcl.Diagnostics
	schema, pDiag := ev.imageProvider(img)
	if pDiag != nil {
		diags = append(diags, pDiag)
	}
	var content *hcl.BodyContent
	if schema != nil {
		var cDiags hcl.Diagnostics
		content, cDiags = img.Body.Content(ev.imageBodySchemas[schema])
		diags = append(diags, cDiags...)
	}
	deps, dDiags := ev.explicitDeps(img)
	diags = append(diags, dDiags...)
	if !expanded {
		return nil, diags
	}
	out := make([]*ImageInstance, 0, len(insts))
	for _, inst := range insts {
		ii, iDiags := ev.evalInstance(inst, schema, content, deps)
		out = append(out, ii)
		diags = append(diags, iDiags...)
	}
	return out, diags
}

func (ev *evaluator) evalInstance(inst *instance, schema *plugins.Schema, content *hcl.BodyContent, deps []string) (*ImageInstance, hcl.Diagnostics) {
	img := inst.img
	ii := &ImageInstance{
		Address: inst.address, Name: img.Name, Key: inst.key, ProviderKey: img.ProviderKey,
		Attrs: cty.EmptyObjectVal, AttrRanges: map[string]hcl.Range{}, Output: inst.output,
		DeclRange: img.DeclRange,
	}
	sc := inst.sc
	sc.images = true
	var diags hcl.Diagnostics
	if schema != nil {
		what := fmt.Sprintf("image %q (provider %s)", img.Name, img.ProviderKey)
		dec, dDiags := ev.decodeAttrs(content, schema.Image, sc, img.DeclRange, what)
		diags = append(diags, dDiags...)
		ii.Attrs, ii.AttrRanges = dec.val, dec.ranges
		deps = append(deps, implicitDeps(content, schema.Image)...)
	}
	ii.AttrRanges[attrProvider] = img.ProviderRange
	ii.AttrRanges[attrOutput] = inst.outputRange
	ii.AttrRanges[attrReferences] = img.DeclRange
	if img.References != nil {
		ii.AttrRanges[attrReferences] = img.References.Range()
		refs, rDiags := ev.evalReferences(inst, sc)
		ii.References = refs
		diags = append(diags, rDiags...)
	}
	if img.Source != nil {
		ii.AttrRanges[attrSource] = img.Source.Range()
		src, ok, sDiags := ev.evalSource(inst, sc)
		diags = append(diags, sDiags...)
		if ok {
			ii.References = append([]RefSpec{src}, ii.References...)
			ii.HasSource = true
		}
	}
	if img.Candidates != nil {
		ii.AttrRanges[attrCandidates] = img.Candidates.Range()
		n, cDiags := ev.evalCandidates(inst, sc)
		ii.Candidates = n
		diags = append(diags, cDiags...)
	}
	ii.DependsOn = sortedUnique(deps)
	return ii, diags
}

// implicitDeps lists the images the provider attributes refer to.
func implicitDeps(content *hcl.BodyContent, attrs []plugins.Attribute) []string {
	var deps []string
	for _, a := range attrs {
		attr, ok := content.Attributes[a.Name]
		if !ok {
			continue
		}
		for _, trav := range attr.Expr.Variables() {
			if name, key, ok := traversalAddress(trav); ok {
				deps = append(deps, ImageAddress(name, key))
			}
		}
	}
	return deps
}

// explicitDeps checks depends_on and returns its addresses.
func (ev *evaluator) explicitDeps(img *Image) ([]string, hcl.Diagnostics) {
	var deps []string
	var diags hcl.Diagnostics
	sc := scope{what: "depends_on", images: true, self: img.Name}
	for _, trav := range img.DependsOn {
		if d := ev.checkImageRef(trav, sc); d != nil {
			diags = append(diags, d)
			continue
		}
		name, key, _ := traversalAddress(trav)
		deps = append(deps, ImageAddress(name, key))
	}
	return deps, diags
}
