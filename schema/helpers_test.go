package schema

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// testSchemas are hand-written provider schemas shaped like the built-in
// providers'.
func testSchemas() map[string]*plugins.Schema {
	return map[string]*plugins.Schema{
		"placeholder": {
			Image: []plugins.Attribute{
				{Name: "prompt", Type: cty.String},
				{Name: "size", Type: cty.String, Default: cty.StringVal("1024x1024")},
				{Name: "model", Type: cty.String, Default: cty.StringVal("placeholder-1")},
				{Name: "latency", Type: cty.String, NoHash: true},
			},
		},
		"openai": {
			Provider: []plugins.Attribute{
				{Name: "api_key", Type: cty.String, Sensitive: true},
				{Name: "max_concurrency", Type: cty.Number, Default: cty.NumberIntVal(2)},
				{Name: "base_url", Type: cty.String},
			},
			Image: []plugins.Attribute{
				{Name: "model", Type: cty.String, Required: true},
				{Name: "prompt", Type: cty.String, Required: true},
				{Name: "size", Type: cty.String, Default: cty.StringVal("1024x1024")},
				{Name: "quality", Type: cty.String, Default: cty.StringVal("auto")},
			},
		},
		"transform": {
			Image: []plugins.Attribute{
				{Name: "resize", Type: cty.String},
			},
		},
	}
}

// writeProject writes files (name -> content) into a new directory.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writeFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// evaluate loads and evaluates dir with the test schemas.
func evaluate(t *testing.T, dir string, in Inputs) (*Evaluated, hcl.Diagnostics) {
	t.Helper()
	c, diags := Load(dir)
	if diags.HasErrors() {
		return nil, diags
	}
	ev, eDiags := c.Evaluate(in, testSchemas())
	return ev, append(diags, eDiags...)
}

// mustEvaluate fails the test on any diagnostic.
func mustEvaluate(t *testing.T, dir string, in Inputs) *Evaluated {
	t.Helper()
	ev, diags := evaluate(t, dir, in)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", diagString(diags))
	}
	return ev
}

// diagString renders diagnostics one per line: file:line: summary: detail.
func diagString(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		if d.Subject != nil {
			b.WriteString(d.Subject.Filename + ":" + strconv.Itoa(d.Subject.Start.Line) + ": ")
		}
		b.WriteString(d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

// jsonOf renders a value as JSON, marks removed.
func jsonOf(t *testing.T, v cty.Value) string {
	t.Helper()
	v, _ = v.UnmarkDeep()
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		t.Fatalf("marshal %#v: %v", v, err)
	}
	return string(b)
}

func findImage(t *testing.T, ev *Evaluated, addr string) *ImageInstance {
	t.Helper()
	for _, img := range ev.Images {
		if img.Address == addr {
			return img
		}
	}
	t.Fatalf("no image %s", addr)
	return nil
}

// wantDiag is an expected diagnostic: where it points and what it says.
type wantDiag struct {
	file string
	line int
	// contains must appear in "summary: detail".
	contains string
}

// checkDiags checks that every wanted diagnostic is among diags, and that
// diags hold no other error.
func checkDiags(t *testing.T, diags hcl.Diagnostics, want []wantDiag) {
	t.Helper()
	used := make([]bool, len(diags))
	for _, w := range want {
		found := false
		for i, d := range diags {
			if used[i] || d.Subject == nil || d.Subject.Filename != w.file || d.Subject.Start.Line != w.line {
				continue
			}
			if strings.Contains(d.Summary+": "+d.Detail, w.contains) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing diagnostic %s:%d containing %q; got:\n%s", w.file, w.line, w.contains, diagString(diags))
		}
	}
	for i, d := range diags {
		if !used[i] && d.Severity == hcl.DiagError {
			t.Errorf("unexpected diagnostic: %s", diagString(hcl.Diagnostics{d}))
		}
	}
}
