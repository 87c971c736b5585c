package schema

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// scope says which names an expression may refer to.
type scope struct {
	// what names the place, for messages ("a local value", "for_each").
	what   string
	locals bool
	// images allows image.* references (pass 2 of an image body).
	images bool
	each   bool
	count  bool
	// self is the image whose body is evaluated.
	self string
	// extras are each / count values of the instance.
	extras map[string]cty.Value
}

// evalExpr checks expr's references against sc and evaluates it. On error
// it returns cty.DynamicVal so that dependent expressions stay quiet.
func (ev *evaluator) evalExpr(expr hcl.Expression, sc scope) (cty.Value, hcl.Diagnostics) {
	diags := ev.checkRefs(expr, sc)
	if diags.HasErrors() {
		return cty.DynamicVal, diags
	}
	val, vDiags := expr.Value(ev.evalContext(sc))
	diags = append(diags, vDiags...)
	if vDiags.HasErrors() {
		return cty.DynamicVal, diags
	}
	return val, diags
}

// evalContext is the shared context of sc's scope, with each or count (the
// extras) in a child of it: hcl looks names and functions up through the
// parent, so an instance does not copy the whole context.
func (ev *evaluator) evalContext(sc scope) *hcl.EvalContext {
	c := ev.contexts[contextIndex(sc)]
	if c == nil {
		return ev.newEvalContext(sc)
	}
	if len(sc.extras) == 0 {
		return c
	}
	child := c.NewChild()
	child.Variables = sc.extras
	return child
}

// contextIndex is where ev.contexts keeps the context of a scope without
// each or count.
func contextIndex(sc scope) int {
	i := 0
	if sc.locals {
		i |= 1
	}
	if sc.images {
		i |= 2
	}
	return i
}

// shareContexts builds the contexts of scopes without each or count from
// the current var, local and image values, for every expression of those
// scopes to share: thousands of images evaluate in the same one. Called
// once locals are final and again once the image variable is.
func (ev *evaluator) shareContexts() {
	for i := range ev.contexts {
		ev.contexts[i] = ev.newEvalContext(scope{locals: i&1 != 0, images: i&2 != 0})
	}
}

func (ev *evaluator) newEvalContext(sc scope) *hcl.EvalContext {
	vars := map[string]cty.Value{"var": ev.varVal}
	if ev.varVal == cty.NilVal {
		vars["var"] = objectOf(ev.vars)
	}
	if sc.locals {
		vars["local"] = ev.localVal
		if ev.localVal == cty.NilVal {
			vars["local"] = objectOf(ev.locals)
		}
	}
	if sc.images {
		vars["image"] = ev.imageVal
	}
	for k, v := range sc.extras {
		vars[k] = v
	}
	return &hcl.EvalContext{Variables: vars, Functions: ev.funcs}
}

func objectOf(m map[string]cty.Value) cty.Value {
	if len(m) == 0 {
		return cty.EmptyObjectVal
	}
	return cty.ObjectVal(m)
}

// checkRefs reports every reference of expr to something that does not
// exist or is not allowed in sc, with a suggestion where one fits.
func (ev *evaluator) checkRefs(expr hcl.Expression, sc scope) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, trav := range ev.variables(expr) {
		if d := ev.checkRef(trav, sc); d != nil {
			d.Context = expr.Range().Ptr()
			diags = append(diags, d)
		}
	}
	return diags
}

// variables is expr.Variables(), walked once per expression of the
// syntax tree: every instance of a count or for_each image evaluates the
// same expressions, and the walk cost a tenth of evaluating them.
func (ev *evaluator) variables(expr hcl.Expression) []hcl.Traversal {
	if _, ok := expr.(hclsyntax.Expression); !ok { // not always comparable
		return expr.Variables()
	}
	if v, ok := ev.exprVars.Load(expr); ok {
		return v.([]hcl.Traversal)
	}
	v := expr.Variables()
	ev.exprVars.Store(expr, v)
	return v
}

func (ev *evaluator) checkRef(trav hcl.Traversal, sc scope) *hcl.Diagnostic {
	switch root := trav.RootName(); root {
	case "var":
		return checkNamed(trav, "input variable", "var", ev.varNames)
	case "local":
		if !sc.locals {
			return notAllowed(trav, "Local values cannot be used here", fmt.Sprintf("%s cannot refer to local values.", sc.what))
		}
		return checkNamed(trav, "local value", "local", ev.localNames)
	case "image":
		return ev.checkImageRef(trav, sc)
	case "each":
		if !sc.each {
			return notAllowed(trav, "Reference to \"each\" in an image without for_each", "each.key and each.value exist only in an image with for_each. Add for_each to this image, or remove the reference.")
		}
		return checkNamed(trav, "attribute of each", "each", []string{"key", "value"})
	case "count":
		if !sc.count {
			return notAllowed(trav, "Reference to \"count\" in an image without count", "count.index exists only in an image with count. Add count to this image, or remove the reference.")
		}
		return checkNamed(trav, "attribute of count", "count", []string{"index"})
	default:
		return &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unknown variable",
			Detail:   fmt.Sprintf("There is no variable named %q.%s", root, didYouMean(root, sc.roots(), "%s")),
			Subject:  trav.SourceRange().Ptr(),
		}
	}
}

// roots are the top-level names usable in sc.
func (sc scope) roots() []string {
	roots := []string{"var"}
	if sc.locals {
		roots = append(roots, "local")
	}
	if sc.images {
		roots = append(roots, "image")
	}
	if sc.each {
		roots = append(roots, "each")
	}
	if sc.count {
		roots = append(roots, "count")
	}
	return roots
}

// checkNamed checks that trav is ROOT.NAME with NAME among names; a bare
// ROOT (the whole object) is fine.
func checkNamed(trav hcl.Traversal, what, root string, names []string) *hcl.Diagnostic {
	if len(trav) < 2 {
		return nil
	}
	attr, ok := trav[1].(hcl.TraverseAttr)
	if !ok {
		return nil
	}
	if i := sort.SearchStrings(names, attr.Name); i < len(names) && names[i] == attr.Name {
		return nil
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Reference to undeclared %s", what),
		Detail: fmt.Sprintf("There is no %s named %q.%s", what, attr.Name,
			didYouMean(attr.Name, names, root+".%s")),
		Subject: hcl.RangeBetween(trav[0].SourceRange(), attr.SrcRange).Ptr(),
	}
}

func notAllowed(trav hcl.Traversal, summary, detail string) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   detail,
		Subject:  trav.SourceRange().Ptr(),
	}
}

func (ev *evaluator) checkImageRef(trav hcl.Traversal, sc scope) *hcl.Diagnostic {
	if !sc.images {
		return notAllowed(trav, "Image references cannot be used here",
			fmt.Sprintf("%s cannot refer to images: it is evaluated before any image. Move the reference into an image attribute.", sc.what))
	}
	name, key, ok := traversalAddress(trav)
	if !ok {
		return nil
	}
	if name == sc.self {
		return notAllowed(trav, "Self-referential image", fmt.Sprintf("Image %q refers to itself. An image can refer only to other images.", name))
	}
	if ev.imagesByName[name] == nil {
		return checkNamed(trav, "image", "image", ev.imageNames)
	}
	if key == cty.NilVal {
		return nil
	}
	return ev.checkInstanceKey(trav, name, key)
}

// checkInstanceKey checks a literal key of image.NAME[key] against the
// instances expanded in pass 1.
func (ev *evaluator) checkInstanceKey(trav hcl.Traversal, name string, key cty.Value) *hcl.Diagnostic {
	insts, expanded := ev.instances[name]
	if !expanded {
		return nil
	}
	var keys []string
	for _, inst := range insts {
		if inst.key == cty.NilVal {
			return nil // indexing a single image: hcl reports it
		}
		if inst.key.RawEquals(key) || keyString(inst.key) == keyString(key) {
			return nil
		}
		keys = append(keys, keyString(inst.key))
	}
	addr := ImageAddress(name, key)
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Reference to undeclared image instance",
		Detail: fmt.Sprintf("%s does not exist: image %q has instances %s.%s", addr, name, listOrNone(keys),
			didYouMean(keyString(key), keys, "image."+name+"[%s]")),
		Subject: trav.SourceRange().Ptr(),
	}
}

func listOrNone(keys []string) string {
	if len(keys) == 0 {
		return "none"
	}
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += ", "
		}
		s += k
	}
	return s
}

func mapKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
