package engine

import (
	"fmt"
	"sort"
	"strings"

	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
)

// selectImages resolves -target and -exclude patterns to the nodes a plan
// covers. nil means everything.
func (p *Project) selectImages(targets, excludes []string) (map[*node]bool, hcl.Diagnostics) {
	sel, diags := p.selectTargets(targets)
	if len(excludes) == 0 {
		return sel, diags
	}
	matched, xdiags := p.matchAddresses(excludes, "-exclude")
	diags = append(diags, xdiags...)
	if sel == nil {
		sel = make(map[*node]bool, len(p.graph.nodes))
		for _, n := range p.graph.nodes {
			sel[n] = true
		}
	}
	var drop func(n *node)
	drop = func(n *node) {
		if !sel[n] {
			return
		}
		delete(sel, n)
		for _, u := range n.users {
			drop(u)
		}
	}
	for addr := range matched {
		if n := p.byAddr[addr]; n != nil {
			drop(n)
		}
	}
	return sel, diags
}

// selectTargets resolves -target patterns to the nodes they select plus
// everything those depend on. nil means everything.
func (p *Project) selectTargets(patterns []string) (map[*node]bool, hcl.Diagnostics) {
	if len(patterns) == 0 {
		return nil, nil
	}
	matched, diags := p.matchAddresses(patterns, "-target")
	sel := map[*node]bool{}
	var add func(n *node)
	add = func(n *node) {
		if sel[n] {
			return
		}
		sel[n] = true
		for _, d := range n.deps {
			add(d)
		}
	}
	for addr := range matched {
		if n := p.byAddr[addr]; n != nil {
			add(n)
		}
	}
	return sel, diags
}

// matchAddresses resolves patterns against configured and locked
// addresses. A pattern that matches nothing is an error, with a suggestion.
func (p *Project) matchAddresses(patterns []string, flag string) (map[string]bool, hcl.Diagnostics) {
	out := map[string]bool{}
	var diags hcl.Diagnostics
	all := p.knownAddresses()
	for _, pat := range patterns {
		n := 0
		for _, addr := range all {
			if matchPattern(pat, addr) {
				out[addr] = true
				n++
			}
		}
		if n == 0 {
			detail := fmt.Sprintf("No image address matches %s=%s.", flag, pat)
			if s := schema.SuggestName(pat, all); s != "" {
				detail += fmt.Sprintf(" Did you mean %q?", s)
			}
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "No image matches " + pat, Detail: detail})
		}
	}
	return out, diags
}

func (p *Project) knownAddresses() []string {
	seen := map[string]bool{}
	for addr := range p.byAddr {
		seen[addr] = true
	}
	for _, le := range p.Lock.Images {
		seen[le.Address] = true
	}
	out := make([]string, 0, len(seen))
	for a := range seen {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

func matchAny(patterns []string, addr string) bool {
	for _, p := range patterns {
		if matchPattern(p, addr) {
			return true
		}
	}
	return false
}

// matchPattern matches an address against a pattern in which * stands for
// any run of characters. A pattern without a key ("image.social") also
// matches every instance of that image (image.social["x"], image.social[0]).
func matchPattern(pat, addr string) bool {
	if !strings.Contains(pat, "[") && !strings.Contains(pat, "*") {
		if base, _, ok := strings.Cut(addr, "["); ok && base == pat {
			return true
		}
	}
	return glob(pat, addr)
}

// glob is a minimal wildcard match: '*' any run, everything else literal.
func glob(pat, s string) bool {
	for len(pat) > 0 {
		if pat[0] == '*' {
			pat = strings.TrimLeft(pat, "*")
			if pat == "" {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if glob(pat, s[i:]) {
					return true
				}
			}
			return false
		}
		if s == "" || s[0] != pat[0] {
			return false
		}
		pat, s = pat[1:], s[1:]
	}
	return s == ""
}
