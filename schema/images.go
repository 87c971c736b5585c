package schema

import (
	"fmt"
	"slices"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// evalImages is pass 2: every instance's provider attributes, references
// and dependencies, with image.* in scope. Each block's body is decoded
// once (blocks on every core), then its instances are evaluated (instances
// on every core); results and diagnostics keep the configuration's order.
func (ev *evaluator) evalImages() ([]*ImageInstance, hcl.Diagnostics) {
	blocks := make([]imageBlock, len(ev.c.Images))
	forEachIndex(len(ev.c.Images), func(i int) { blocks[i] = ev.imageBlock(ev.c.Images[i]) })
	type job struct {
		block *imageBlock
		inst  *instance
	}
	var jobs []job
	for i := range blocks {
		for _, inst := range blocks[i].insts {
			jobs = append(jobs, job{&blocks[i], inst})
		}
	}
	out := make([]*ImageInstance, len(jobs))
	iDiags := make([]hcl.Diagnostics, len(jobs))
	forEachIndex(len(jobs), func(i int) {
		out[i], iDiags[i] = ev.evalInstance(jobs[i].inst, jobs[i].block)
	})
	var diags hcl.Diagnostics
	k := 0
	for i := range blocks {
		diags = append(diags, blocks[i].diags...)
		for range blocks[i].insts {
			diags = append(diags, iDiags[k]...)
			k++
		}
	}
	return out, diags
}

// imageBlock is what an image block's instances share in pass 2.
type imageBlock struct {
	insts   []*instance // nil when the block could not be expanded
	schema  *plugins.Schema
	content *hcl.BodyContent
	// deps are the images the block's attributes name, before each
	// instance's references are added.
	deps []string
	// ranges are the source ranges of the attributes, the same for every
	// instance, which share the map (ImageInstance.AttrRanges).
	ranges map[string]hcl.Range
	diags  hcl.Diagnostics
}

func (ev *evaluator) imageBlock(img *Image) imageBlock {
	var b imageBlock
	schema, pDiag := ev.imageProvider(img)
	if pDiag != nil {
		b.diags = append(b.diags, pDiag)
	}
	b.schema = schema
	if schema != nil {
		var cDiags hcl.Diagnostics
		b.content, cDiags = img.Body.Content(ev.imageBodySchemas[schema])
		b.diags = append(b.diags, cDiags...)
	}
	var dDiags hcl.Diagnostics
	b.deps, dDiags = ev.explicitDeps(img)
	b.diags = append(b.diags, dDiags...)
	b.ranges = map[string]hcl.Range{}
	if schema != nil {
		b.deps = append(b.deps, implicitDeps(b.content, schema.Image)...)
		b.ranges = attrRanges(b.content, schema.Image, img.DeclRange)
	}
	b.ranges[attrProvider] = img.ProviderRange
	b.ranges[attrOutput] = img.outputRange()
	b.ranges[attrReferences] = img.DeclRange
	if img.References != nil {
		b.ranges[attrReferences] = img.References.Range()
	}
	if img.Source != nil {
		b.ranges[attrSource] = img.Source.Range()
	}
	if img.Candidates != nil {
		b.ranges[attrCandidates] = img.Candidates.Range()
	}
	b.insts = ev.instances[img.Name]
	return b
}

func (ev *evaluator) evalInstance(inst *instance, b *imageBlock) (*ImageInstance, hcl.Diagnostics) {
	deps := slices.Clone(b.deps) // the block's, shared by its instances: appended to and sorted below
	img := inst.img
	ii := &ImageInstance{
		Address: inst.address, Name: img.Name, Key: inst.key, ProviderKey: img.ProviderKey,
		Attrs: cty.EmptyObjectVal, AttrRanges: b.ranges, Output: inst.output,
		DeclRange: img.DeclRange,
	}
	sc := inst.sc
	sc.images = true
	var diags hcl.Diagnostics
	if b.schema != nil {
		what := fmt.Sprintf("image %q (provider %s)", img.Name, img.ProviderKey)
		var dDiags hcl.Diagnostics
		ii.Attrs, dDiags = ev.decodeAttrs(b.content, b.schema.Image, sc, img.DeclRange, what)
		diags = append(diags, dDiags...)
	}
	if img.References != nil {
		refs, rDiags := ev.evalReferences(inst, sc)
		ii.References = refs
		diags = append(diags, rDiags...)
	}
	if img.Source != nil {
		src, ok, sDiags := ev.evalSource(inst, sc)
		diags = append(diags, sDiags...)
		if ok {
			ii.References = append([]RefSpec{src}, ii.References...)
			ii.HasSource = true
		}
	}
	if img.Candidates != nil {
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
