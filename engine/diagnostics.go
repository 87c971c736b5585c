package engine

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func errDiag(summary, detail string) hcl.Diagnostics {
	return hcl.Diagnostics{{Severity: hcl.DiagError, Summary: summary, Detail: detail}}
}

// mapDiagnostics turns a provider's diagnostics into HCL ones, underlining
// the attribute each one names (or the block when it names none).
func mapDiagnostics(pd plugins.Diagnostics, ranges map[string]hcl.Range, block hcl.Range) hcl.Diagnostics {
	out := make(hcl.Diagnostics, 0, len(pd))
	for _, d := range pd {
		sev := hcl.DiagError
		if d.Severity == plugins.SeverityWarning {
			sev = hcl.DiagWarning
		}
		rng := block
		if name := pathRoot(d.Path); name != "" {
			if r, ok := ranges[name]; ok {
				rng = r
			}
		}
		out = append(out, &hcl.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Subject: rng.Ptr()})
	}
	return out
}

// pathRoot is the top-level attribute name a path starts with.
func pathRoot(path cty.Path) string {
	if len(path) == 0 {
		return ""
	}
	if ga, ok := path[0].(cty.GetAttrStep); ok {
		return ga.Name
	}
	return ""
}

// providerName is the provider name of a key such as "openai.eu".
func providerName(key string) string {
	name, _, _ := strings.Cut(key, ".")
	return name
}

func mkdirState(dir string) error {
	return os.MkdirAll(filepath.Join(dir, StateDir), 0o755)
}
