package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
)

// node is one image instance in the graph.
type node struct {
	inst *schema.ImageInstance
	// deps are the images this one needs done first; users the reverse.
	deps  []*node
	users []*node
	// refs maps a reference index to its upstream node (image references).
	refs map[int]*node
}

func (n *node) addr() string { return n.inst.Address }

// graph is the DAG of image instances, in a topological order.
type graph struct {
	nodes  []*node // topological: every node after its deps
	byAddr map[string]*node
}

// buildGraph links images through their image references and depends_on,
// and reports cycles naming the images in them.
func buildGraph(insts []*schema.ImageInstance) (*graph, hcl.Diagnostics) {
	g := &graph{byAddr: make(map[string]*node, len(insts))}
	byName := map[string][]*node{}
	all := make([]*node, 0, len(insts))
	for _, inst := range insts {
		n := &node{inst: inst}
		g.byAddr[inst.Address] = n
		byName["image."+inst.Name] = append(byName["image."+inst.Name], n)
		all = append(all, n)
	}
	var diags hcl.Diagnostics
	for _, n := range all {
		seen := map[*node]bool{}
		add := func(d *node) {
			if d != n && !seen[d] {
				seen[d] = true
				n.deps = append(n.deps, d)
				d.users = append(d.users, n)
			}
		}
		for i, ref := range n.inst.References {
			if ref.Kind != schema.RefImage {
				continue
			}
			up := g.byAddr[ref.Value]
			if up == nil {
				diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError,
					Summary: "Reference to an undeclared image",
					Detail:  fmt.Sprintf("%s references %s, which is not declared.", n.addr(), ref.Value),
					Subject: ref.Range.Ptr()})
				continue
			}
			if n.refs == nil {
				n.refs = map[int]*node{}
			}
			n.refs[i] = up
			add(up)
		}
		for _, dep := range n.inst.DependsOn {
			if d := g.byAddr[dep]; d != nil {
				add(d)
				continue
			}
			for _, d := range byName[dep] {
				add(d)
			}
		}
	}
	order, cycle := topoSort(all)
	if cycle != nil {
		names := make([]string, len(cycle))
		for i, n := range cycle {
			names[i] = n.addr()
		}
		diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError,
			Summary: "Images depend on each other in a cycle",
			Detail: fmt.Sprintf("These images reference each other in a loop, so none of them can be generated first: %s -> %s. Remove one of the references or depends_on entries.",
				strings.Join(names, " -> "), names[0]),
			Subject: cycle[0].inst.DeclRange.Ptr()})
		return nil, diags
	}
	g.nodes = order
	return g, diags
}

// topoSort orders nodes so each comes after its dependencies (ties broken by
// address, so the order is stable). It returns a cycle when there is one.
func topoSort(all []*node) ([]*node, []*node) {
	const (
		unvisited = iota
		visiting
		done
	)
	state := make(map[*node]int, len(all))
	order := make([]*node, 0, len(all))
	var stack []*node
	var cycle []*node
	var visit func(n *node) bool
	visit = func(n *node) bool {
		switch state[n] {
		case done:
			return true
		case visiting:
			for i := len(stack) - 1; i >= 0; i-- {
				if stack[i] == n {
					cycle = append([]*node(nil), stack[i:]...)
					break
				}
			}
			return false
		}
		state[n] = visiting
		stack = append(stack, n)
		deps := append([]*node(nil), n.deps...)
		sort.Slice(deps, func(i, j int) bool { return deps[i].addr() < deps[j].addr() })
		for _, d := range deps {
			if !visit(d) {
				return false
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
		order = append(order, n)
		return true
	}
	sorted := append([]*node(nil), all...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].addr() < sorted[j].addr() })
	for _, n := range sorted {
		if !visit(n) {
			return nil, cycle
		}
	}
	return order, nil
}

// DOT renders the image graph in Graphviz's DOT language, edges pointing
// from an image to what it depends on.
func (p *Project) DOT() string {
	var b strings.Builder
	b.WriteString("digraph easel {\n  rankdir = \"LR\";\n  node [shape = box];\n")
	if p.graph != nil {
		for _, n := range p.graph.nodes {
			fmt.Fprintf(&b, "  %q [label = \"%s\\n%s\"];\n", n.addr(), dotEscape(n.addr()), dotEscape(n.inst.ProviderKey))
		}
		for _, n := range p.graph.nodes {
			deps := append([]*node(nil), n.deps...)
			sort.Slice(deps, func(i, j int) bool { return deps[i].addr() < deps[j].addr() })
			for _, d := range deps {
				fmt.Fprintf(&b, "  %q -> %q;\n", n.addr(), d.addr())
			}
		}
	}
	b.WriteString("}\n")
	return b.String()
}

func dotEscape(s string) string { return strings.ReplaceAll(s, `"`, `\"`) }
