package schema

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// localWalk evaluates locals in dependency order and finds cycles.
type localWalk struct {
	ev     *evaluator
	state  map[string]int // 0 unvisited, 1 on the stack, 2 done
	stack  []string
	cyclic map[string]bool
	diags  hcl.Diagnostics
}

var localScope = scope{what: "A local value", locals: true}

func (ev *evaluator) evalLocals() hcl.Diagnostics {
	w := &localWalk{ev: ev, state: map[string]int{}, cyclic: map[string]bool{}}
	for _, name := range mapKeys(ev.c.Locals) {
		w.visit(name)
	}
	return w.diags
}

func (w *localWalk) visit(name string) {
	if w.state[name] != 0 {
		return
	}
	w.state[name] = 1
	w.stack = append(w.stack, name)
	l := w.ev.c.Locals[name]
	for _, trav := range l.Expr.Variables() {
		dep, ok := localName(trav)
		if !ok || w.ev.c.Locals[dep] == nil {
			continue
		}
		if w.state[dep] == 1 {
			w.reportCycle(dep, trav)
			continue
		}
		w.visit(dep)
	}
	w.stack = w.stack[:len(w.stack)-1]
	w.state[name] = 2
	if w.cyclic[name] {
		w.ev.locals[name] = cty.DynamicVal
		return
	}
	val, diags := w.ev.evalExpr(l.Expr, localScope)
	w.diags = append(w.diags, diags...)
	w.ev.locals[name] = val
}

// reportCycle reports the cycle closed by trav (a reference from the top
// of the stack back to dep) and marks its members.
func (w *localWalk) reportCycle(dep string, trav hcl.Traversal) {
	i := len(w.stack) - 1
	for w.stack[i] != dep {
		i--
	}
	members := append([]string{}, w.stack[i:]...)
	chain := make([]string, 0, len(members)+1)
	for _, m := range members {
		w.cyclic[m] = true
		chain = append(chain, "local."+m)
	}
	chain = append(chain, "local."+dep)
	w.diags = append(w.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Cycle in local values",
		Detail: fmt.Sprintf("These local values refer to each other in a loop: %s. Break the loop by computing one of them without the others.",
			strings.Join(chain, " -> ")),
		Subject: trav.SourceRange().Ptr(),
		Context: w.ev.c.Locals[w.stack[len(w.stack)-1]].DeclRange.Ptr(),
	})
}

func localName(trav hcl.Traversal) (string, bool) {
	if trav.RootName() != "local" || len(trav) < 2 {
		return "", false
	}
	attr, ok := trav[1].(hcl.TraverseAttr)
	return attr.Name, ok
}
