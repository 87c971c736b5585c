package schema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

func TestSensitiveValueNotShown(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `variable "token" {
  type      = number
  sensitive = true
}
image "a" { output = "a.png" }`})
	ev, diags := evaluate(t, dir, Inputs{Vars: []string{"token=hunter2-secret"}})
	checkDiags(t, diags, []wantDiag{{"<value for var.token>", 1, "not a valid expression of type number"}})
	if strings.Contains(diagString(diags), "hunter2") {
		t.Errorf("a diagnostic shows the sensitive value:\n%s", diagString(diags))
	}
	if _, ok := ev.Files["<value for var.token>"]; ok {
		t.Errorf("the sensitive value is registered as a source file, so a snippet would show it")
	}
}

func TestSensitiveForEach(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `variable "names" {
  type      = set(string)
  default   = ["a"]
  sensitive = true
}
image "a" {
  for_each = var.names
  output   = "${each.key}.png"
}`})
	_, diags := evaluate(t, dir, Inputs{})
	checkDiags(t, diags, []wantDiag{{"main.easel.hcl", 7, "for_each cannot use sensitive values"}})
}

// TestSensitiveValuesAreNeverRecorded checks that an output path, a
// reference or a source built from a sensitive value is refused: each is
// shown in plans and written to the committed lockfile.
func TestSensitiveValuesAreNeverRecorded(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `variable "token" {
  type      = string
  sensitive = true
}
image "a" { output = "a-${var.token}.png" }
image "b" {
  references = ["https://cdn.example.com/b.png?token=${var.token}"]
  output     = "b.png"
}
image "c" {
  provider = transform
  source   = "brand/${var.token}.png"
  output   = "c.png"
}`})
	_, diags := evaluate(t, dir, Inputs{Vars: []string{"token=hunter2-secret"}})
	checkDiags(t, diags, []wantDiag{
		{"main.easel.hcl", 5, "output cannot use a sensitive value"},
		{"main.easel.hcl", 7, "references cannot use a sensitive value"},
		{"main.easel.hcl", 12, "source cannot use a sensitive value"},
	})
	if strings.Contains(diagString(diags), "hunter2") {
		t.Errorf("a diagnostic shows the sensitive value:\n%s", diagString(diags))
	}
}

func TestRequiredProvidersDiagnostics(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `easel {
  required_providers {
    solid = { source = "Acme Solid" }
    oak   = { source = "acme/oak", verison = "1.0" }
  }
}
image "a" { output = "a.png" }`})
	_, diags := Load(dir)
	checkDiags(t, diags, []wantDiag{
		{"main.easel.hcl", 3, `is not a provider source address`},
		{"main.easel.hcl", 4, `Did you mean "version"?`},
	})
}

func TestVarFileUndeclaredIsAWarning(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"main.easel.hcl": `variable "campaign" { default = "x" }
image "a" { output = "a.png" }`,
		"prod.easelvars": `campain = "y"`,
	})
	_, diags := evaluate(t, dir, Inputs{VarFiles: []string{filepath.Join(dir, "prod.easelvars")}})
	if len(diags) != 1 || diags[0].Severity != hcl.DiagWarning || !strings.Contains(diags[0].Detail, `Did you mean "campaign"?`) {
		t.Fatalf("want one warning with a suggestion, got:\n%s", diagString(diags))
	}
}

func TestImplicitProviderRequiredAttribute(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `image "a" {
  provider = vendor
  output   = "a.png"
}`})
	c, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diagString(diags))
	}
	schemas := map[string]*plugins.Schema{"vendor": {
		Provider: []plugins.Attribute{{Name: "region", Type: cty.String, Required: true}},
	}}
	_, diags = c.Evaluate(Inputs{}, schemas)
	checkDiags(t, diags, []wantDiag{{"main.easel.hcl", 2, `add a provider "vendor" block`}})
}

func TestReferencesByExpression(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"main.easel.hcl": `locals { refs = ["brand/a.png", "./brand/b.png"] }
image "s" {
  for_each = toset(["x", "y"])
  output   = "s-${each.key}.png"
}
image "a" {
  references = concat(local.refs, values(image.s))
  output     = "a.png"
}`,
		"brand/a.png": "a", "brand/b.png": "b",
	})
	ev := mustEvaluate(t, dir, Inputs{})
	var got []string
	for _, r := range findImage(t, ev, "image.a").References {
		got = append(got, string(r.Kind)+":"+r.Value+"@"+r.Range.String())
	}
	want := []string{
		"file:brand/a.png@main.easel.hcl:7,16-51",
		"file:brand/b.png@main.easel.hcl:7,16-51",
		`image:image.s["x"]@main.easel.hcl:7,16-51`,
		`image:image.s["y"]@main.easel.hcl:7,16-51`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("references:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestLoadIgnoresOtherFiles(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"b.easel.hcl":     `image "b" { output = "b.png" }`,
		"a.easel.hcl":     `image "a" { output = "a.png" }`,
		"easel.lock.hcl":  `not = [valid`,
		"notes.txt":       "x",
		"sub/c.easel.hcl": `image "c" { output = "c.png" }`,
	})
	if err := os.Mkdir(filepath.Join(dir, "dir.easel.hcl"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, diags := Load(dir)
	if len(diags) > 0 {
		t.Fatal(diagString(diags))
	}
	var names []string
	for _, img := range c.Images {
		names = append(names, img.Name)
	}
	if strings.Join(names, ",") != "a,b" || len(c.Files) != 2 || c.Files["a.easel.hcl"] == nil {
		t.Errorf("images %v, files %d: want a,b from a.easel.hcl and b.easel.hcl only", names, len(c.Files))
	}
}
