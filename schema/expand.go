package schema

import (
	"fmt"
	"math/big"
	"path"
	"sort"
	"strings"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/marks"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// instance is one expanded image, between pass 1 and pass 2.
type instance struct {
	img     *Image
	key     cty.Value
	address string
	sc      scope
	// output is "" when it could not be evaluated.
	output string
}

// expandImages is pass 1: expand for_each and count (blocks on every
// core), evaluate outputs (instances on every core, so one block with a
// large count uses them all), then build the "image" variable of pass 2.
// Diagnostics keep the configuration's order: a block's, then its
// instances'.
func (ev *evaluator) expandImages() hcl.Diagnostics {
	insts := make([][]*instance, len(ev.c.Images))
	bDiags := make([]hcl.Diagnostics, len(ev.c.Images))
	forEachIndex(len(ev.c.Images), func(i int) {
		insts[i], bDiags[i] = ev.expand(ev.c.Images[i])
	})
	all := flatten(insts)
	oDiags := make([]hcl.Diagnostics, len(all))
	forEachIndex(len(all), func(i int) { oDiags[i] = ev.evalOutput(all[i]) })
	var diags hcl.Diagnostics
	k := 0
	for i, img := range ev.c.Images {
		diags = append(diags, bDiags[i]...)
		for range insts[i] {
			diags = append(diags, oDiags[k]...)
			k++
		}
		if insts[i] != nil {
			ev.instances[img.Name] = insts[i]
		}
	}
	ev.imageVal = ev.buildImageVal()
	ev.shareContexts()
	return diags
}

// flatten lists every block's instances in order.
func flatten[T any](blocks [][]T) []T {
	n := 0
	for _, b := range blocks {
		n += len(b)
	}
	out := make([]T, 0, n)
	for _, b := range blocks {
		out = append(out, b...)
	}
	return out
}

func (ev *evaluator) expand(img *Image) ([]*instance, hcl.Diagnostics) {
	base := scope{locals: true, self: img.Name}
	switch {
	case img.ForEach != nil:
		return ev.expandForEach(img, base)
	case img.Count != nil:
		return ev.expandCount(img, base)
	}
	return []*instance{ev.newInstance(img, cty.NilVal, base)}, nil
}

func (ev *evaluator) newInstance(img *Image, key cty.Value, sc scope) *instance {
	sc.what = fmt.Sprintf("Image %q", img.Name)
	return &instance{img: img, key: key, address: ImageAddress(img.Name, key), sc: sc}
}

func (ev *evaluator) expandForEach(img *Image, base scope) ([]*instance, hcl.Diagnostics) {
	val, diags := ev.evalExpr(img.ForEach, scope{what: "for_each", locals: true})
	if diags.HasErrors() {
		return nil, diags
	}
	bad := func(detail string) ([]*instance, hcl.Diagnostics) {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid for_each argument",
			Detail:   detail,
			Subject:  img.ForEach.Range().Ptr(),
		})
	}
	switch ty := val.Type(); {
	case val.IsMarked() || (ty.IsSetType() && val.IsKnown() && !val.IsNull() && marks.Contains(val)):
		return bad("for_each cannot use sensitive values: the keys become image addresses, which are shown and recorded in the lockfile.")
	case val.IsNull():
		return bad("for_each is null; it must be a map, an object, or a set of strings.")
	case !val.IsWhollyKnown():
		return nil, diags
	case ty.IsMapType() || ty.IsObjectType():
		return ev.forEachInstances(img, base, val.AsValueMap()), diags
	case ty.IsSetType() && ty.ElementType() == cty.String:
		m := map[string]cty.Value{}
		for _, elem := range val.AsValueSlice() {
			m[elem.AsString()] = elem
		}
		return ev.forEachInstances(img, base, m), diags
	case ty.IsSetType() || ty.IsListType() || ty.IsTupleType():
		return bad("for_each needs a map or a set of strings. Convert a list of strings with toset(...), which also removes duplicates.")
	}
	return bad(fmt.Sprintf("for_each needs a map or a set of strings, not %s.", typeDescription(val.Type())))
}

func (ev *evaluator) forEachInstances(img *Image, base scope, m map[string]cty.Value) []*instance {
	keys := mapKeys(m)
	insts := make([]*instance, 0, len(keys))
	for _, k := range keys {
		sc := base
		sc.each = true
		sc.extras = map[string]cty.Value{"each": cty.ObjectVal(map[string]cty.Value{
			"key": cty.StringVal(k), "value": m[k],
		})}
		insts = append(insts, ev.newInstance(img, cty.StringVal(k), sc))
	}
	return insts
}

func (ev *evaluator) expandCount(img *Image, base scope) ([]*instance, hcl.Diagnostics) {
	val, diags := ev.evalExpr(img.Count, scope{what: "count", locals: true})
	if diags.HasErrors() || !val.IsKnown() {
		return nil, diags
	}
	val, _ = val.Unmark()
	n, err := countValue(val)
	if err != "" {
		return nil, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid count argument",
			Detail:   err,
			Subject:  img.Count.Range().Ptr(),
		})
	}
	insts := make([]*instance, 0, n)
	for i := range n {
		sc := base
		sc.count = true
		idx := cty.NumberIntVal(int64(i))
		sc.extras = map[string]cty.Value{"count": cty.ObjectVal(map[string]cty.Value{"index": idx})}
		insts = append(insts, ev.newInstance(img, idx, sc))
	}
	return insts, diags
}

// maxCount bounds count so that a typo cannot create millions of images.
const maxCount = 100000

func countValue(val cty.Value) (int, string) {
	if val.IsNull() {
		return 0, "count is null; it must be a whole number."
	}
	num, err := convertNumber(val)
	if err != nil {
		return 0, fmt.Sprintf("count must be a whole number: %s.", err)
	}
	bf := num.AsBigFloat()
	if !bf.IsInt() || bf.Sign() < 0 || bf.Cmp(big.NewFloat(maxCount)) > 0 {
		return 0, fmt.Sprintf("count must be a whole number from 0 to %d, not %s.", maxCount, bf.Text('f', -1))
	}
	n, _ := bf.Int64()
	return int(n), ""
}

var imageObjectType = cty.Object(map[string]cty.Type{"address": cty.String, "output": cty.String})

// buildImageVal builds the "image" variable: for each image an object
// {address, output}, a map of them (for_each) or a list (count).
func (ev *evaluator) buildImageVal() cty.Value {
	vals := map[string]cty.Value{}
	for _, img := range ev.c.Images {
		insts, ok := ev.instances[img.Name]
		switch {
		case !ok:
			vals[img.Name] = cty.DynamicVal
		case img.ForEach != nil:
			vals[img.Name] = instanceMap(insts)
		case img.Count != nil:
			vals[img.Name] = instanceList(insts)
		default:
			vals[img.Name] = insts[0].object()
		}
	}
	return objectOf(vals)
}

func (inst *instance) object() cty.Value {
	out := cty.UnknownVal(cty.String)
	if inst.output != "" {
		out = cty.StringVal(inst.output)
	}
	return cty.ObjectVal(map[string]cty.Value{"address": cty.StringVal(inst.address), "output": out})
}

func instanceMap(insts []*instance) cty.Value {
	if len(insts) == 0 {
		return cty.MapValEmpty(imageObjectType)
	}
	m := make(map[string]cty.Value, len(insts))
	for _, inst := range insts {
		m[inst.key.AsString()] = inst.object()
	}
	return cty.MapVal(m)
}

func instanceList(insts []*instance) cty.Value {
	if len(insts) == 0 {
		return cty.ListValEmpty(imageObjectType)
	}
	l := make([]cty.Value, len(insts))
	for i, inst := range insts {
		l[i] = inst.object()
	}
	return cty.ListVal(l)
}

// outputRange is where the image's output is written: its expression, or
// the block when it has none.
func (img *Image) outputRange() hcl.Range {
	if img.Output != nil {
		return img.Output.Range()
	}
	return img.DeclRange
}

func (ev *evaluator) evalOutput(inst *instance) hcl.Diagnostics {
	expr := inst.img.Output
	if expr == nil {
		return nil // reported by Load
	}
	sc := inst.sc
	sc.what = "output"
	val, diags := ev.evalExpr(expr, sc)
	p, ok, sDiags := stringValue(val, expr, "output", "a project-relative file path such as \"assets/hero.png\"")
	diags = append(diags, sDiags...)
	if !ok {
		return diags
	}
	clean, err := ev.projectPath(p)
	if err != nil {
		return append(diags, pathDiag("Invalid output path", err, expr.Range()))
	}
	if d := checkOutputFormat(clean, expr.Range()); d != nil {
		return append(diags, d)
	}
	inst.output = clean
	return diags
}

func checkOutputFormat(p string, rng hcl.Range) *hcl.Diagnostic {
	if strings.HasPrefix(p, ".easel/") {
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid output path",
			Detail:   fmt.Sprintf("%q is inside .easel/, easel's own local state. Write outputs elsewhere in the project.", p),
			Subject:  rng.Ptr(),
		}
	}
	// Whether an image's provider and model make GIF or SVG is the
	// provider's to say.
	if _, ok := imagefmt.FormatFromPath(p); ok {
		return nil
	}
	ext := path.Ext(p)
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unsupported output format",
		Detail: fmt.Sprintf("%q has the extension %q; easel writes .png, .jpg (or .jpeg), .webp, .gif and .svg files (GIF and SVG only from models that make them). Use for example %q.",
			p, ext, strings.TrimSuffix(p, ext)+".png"),
		Subject: rng.Ptr(),
	}
}

// checkOutputs indexes instances by address and output, and reports two
// instances writing the same file (compared without case, as on macOS and
// Windows file systems).
func (ev *evaluator) checkOutputs() hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, inst := range ev.allInstances() {
		ev.byAddress[inst.address] = inst
		if inst.output == "" {
			continue
		}
		k := strings.ToLower(inst.output)
		prev, dup := ev.byOutput[k]
		if !dup {
			ev.byOutput[k] = inst
			continue
		}
		detail := fmt.Sprintf("%s and %s both write %q (%s is declared at %s). Give each image its own output path.",
			prev.address, inst.address, inst.output, prev.address, prev.img.outputRange())
		if prev.output != inst.output {
			detail = fmt.Sprintf("%s writes %q and %s writes %q: paths that differ only in case are the same file on macOS and Windows. Give each image its own output path.",
				prev.address, prev.output, inst.address, inst.output)
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Duplicate output path",
			Detail:   detail,
			Subject:  inst.img.outputRange().Ptr(),
		})
	}
	return diags
}

// allInstances lists the instances of every image in config order.
func (ev *evaluator) allInstances() []*instance {
	var all []*instance
	for _, img := range ev.c.Images {
		all = append(all, ev.instances[img.Name]...)
	}
	return all
}

func sortedUnique(list []string) []string {
	sort.Strings(list)
	out := list[:0]
	for i, s := range list {
		if i == 0 || s != list[i-1] {
			out = append(out, s)
		}
	}
	return out
}
