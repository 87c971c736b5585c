package schema

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDiagnostics(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  []wantDiag
	}{
		{
			name: "three independent mistakes in two files",
			files: map[string]string{
				"a.easel.hcl": `variable "campaign" { default = "winter" }

image "hero" {
  provider = openai
  model    = "gpt-image-2"
  prompt   = "Sale: ${var.campain}"
  output   = "hero.png"
}
`,
				"b.easel.hcl": `image "logo" {
  promt  = "a logo"
  output = "logo.png"
}

image "banner" {
  output = "../banner.png"
}
`,
			},
			want: []wantDiag{
				{"a.easel.hcl", 6, `Did you mean var.campaign?`},
				{"b.easel.hcl", 2, `Did you mean "prompt"?`},
				{"b.easel.hcl", 7, `leaves the project directory`},
			},
		},
		{
			name: "did you mean: attribute of the provider's schema",
			files: map[string]string{"main.easel.hcl": `image "a" {
  provider = openai
  model    = "m"
  prompt   = "p"
  qualty   = "high"
  output   = "a.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 5, `Did you mean "quality"?`}},
		},
		{
			name: "did you mean: meta attribute",
			files: map[string]string{"main.easel.hcl": `image "a" {
  output     = "a.png"
  referenses = []
}`},
			want: []wantDiag{{"main.easel.hcl", 3, `Did you mean "references"?`}},
		},
		{
			name: "did you mean: image name",
			files: map[string]string{"main.easel.hcl": `image "mascot" { output = "m.png" }
image "hero" {
  references = [image.mascott]
  output     = "h.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 3, `Did you mean image.mascot?`}},
		},
		{
			name: "did you mean: image instance key",
			files: map[string]string{"main.easel.hcl": `image "social" {
  for_each = toset(["twitter", "linkedin"])
  output   = "s-${each.key}.png"
}
image "hero" {
  prompt = image.social["twiter"].output
  output = "h.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 6, `Did you mean image.social["twitter"]?`}},
		},
		{
			name: "did you mean: local value",
			files: map[string]string{"main.easel.hcl": `locals { style = "flat" }
image "a" {
  prompt = local.stlye
  output = "a.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 3, `Did you mean local.style?`}},
		},
		{
			name:  "did you mean: block type",
			files: map[string]string{"main.easel.hcl": `imgae "a" { output = "a.png" }`},
			want:  []wantDiag{{"main.easel.hcl", 1, `Did you mean "image"?`}},
		},
		{
			name: "unknown provider",
			files: map[string]string{"main.easel.hcl": `image "a" {
  provider = openia
  output   = "a.png"
}
provider "tranform" {}`},
			want: []wantDiag{
				{"main.easel.hcl", 2, `There is no provider named "openia". Did you mean openai?`},
				{"main.easel.hcl", 5, `Did you mean transform?`},
			},
		},
		{
			name: "undeclared provider alias",
			files: map[string]string{"main.easel.hcl": `provider "openai" { alias = "eu" }
image "a" {
  provider = openai.ue
  model    = "m"
  prompt   = "p"
  output   = "a.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 3, `Did you mean openai.eu?`}},
		},
		{
			name: "missing required attribute",
			files: map[string]string{"main.easel.hcl": `image "a" {
  provider = openai
  model    = "m"
  output   = "a.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 1, `The attribute "prompt" is required`}},
		},
		{
			name: "attribute type",
			files: map[string]string{"main.easel.hcl": `image "a" {
  prompt = ["not", "a", "string"]
  output = "a.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 2, `Inappropriate value for attribute "prompt"`}},
		},
		{
			name: "duplicate output names both images",
			files: map[string]string{"main.easel.hcl": `image "a" { output = "out/x.png" }
image "b" {
  count  = 2
  output = "out/${count.index == 1 ? "x" : "y"}.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 4, `image.a and image.b[1] both write "out/x.png"`}},
		},
		{
			name: "outputs differing only in case",
			files: map[string]string{"main.easel.hcl": `image "a" { output = "Hero.png" }
image "b" { output = "hero.png" }`},
			want: []wantDiag{{"main.easel.hcl", 2, `differ only in case`}},
		},
		{
			name: "absolute output and bad extension",
			files: map[string]string{"main.easel.hcl": `image "a" { output = "/tmp/a.png" }
image "b" { output = "b.bmp" }
image "c" { output = "out/../../c.png" }`},
			want: []wantDiag{
				{"main.easel.hcl", 1, `is an absolute path`},
				{"main.easel.hcl", 2, `Use for example "b.png"`},
				{"main.easel.hcl", 3, `leaves the project directory`},
			},
		},
		{
			name: "references: escape, missing file, http, image output by path",
			files: map[string]string{"main.easel.hcl": `image "a" { output = "a.png" }
image "b" {
  references = [
    "../secret.png",
    "missing.png",
    "http://example.com/x.png",
    "a.png",
    42,
  ]
  output = "b.png"
}`},
			want: []wantDiag{
				{"main.easel.hcl", 4, `leaves the project directory`},
				{"main.easel.hcl", 5, `There is no file "missing.png"`},
				{"main.easel.hcl", 6, `only https:// URLs`},
				{"main.easel.hcl", 7, `Refer to the image itself, image.a`},
				{"main.easel.hcl", 8, `This element is a number`},
			},
		},
		{
			name: "self reference",
			files: map[string]string{"main.easel.hcl": `image "a" {
  references = [image.a]
  output     = "a.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 2, `Image "a" refers to itself`}},
		},
		{
			name: "each and count outside for_each and count",
			files: map[string]string{"main.easel.hcl": `image "a" {
  prompt = each.key
  output = "a${count.index}.png"
}`},
			want: []wantDiag{
				{"main.easel.hcl", 2, `exist only in an image with for_each`},
				{"main.easel.hcl", 3, `exists only in an image with count`},
			},
		},
		{
			name: "images referenced where they cannot be",
			files: map[string]string{"main.easel.hcl": `image "a" { output = "a.png" }
locals { x = image.a.output }
image "b" { output = "${image.a.output}.png" }`},
			want: []wantDiag{
				{"main.easel.hcl", 2, `A local value cannot refer to images`},
				{"main.easel.hcl", 3, `output cannot refer to images`},
			},
		},
		{
			name: "locals cycle",
			files: map[string]string{"main.easel.hcl": `locals {
  a = "${local.b}!"
  b = local.c
  c = upper(local.a)
  d = "${local.a} ok"
}
image "x" {
  prompt = local.d
  output = "x.png"
}`},
			want: []wantDiag{{"main.easel.hcl", 4, `local.a -> local.b -> local.c -> local.a`}},
		},
		{
			name: "invalid for_each and count",
			files: map[string]string{"main.easel.hcl": `image "a" {
  for_each = ["x", "y"]
  output   = "a-${each.key}.png"
}
image "b" {
  count  = 1.5
  output = "b${count.index}.png"
}`},
			want: []wantDiag{
				{"main.easel.hcl", 2, `toset(...)`},
				{"main.easel.hcl", 6, `whole number`},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, tt.files)
			_, diags := evaluate(t, dir, Inputs{})
			checkDiags(t, diags, tt.want)
		})
	}
}

func TestLoadDiagnostics(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `easel {}
easel {}
image "a" { output = "a.png" }
image "a" { output = "b.png" }
image "c" {
  provider = "openai"
  output   = "c.png"
}
image "d" {
  count    = 1
  for_each = {}
  output   = "d.png"
}
image "e" {}
image "f" {
  depends_on = ["image.a"]
  output     = "f.png"
}
variable "v" {}
variable "v" {}
`})
	_, diags := Load(dir)
	checkDiags(t, diags, []wantDiag{
		{"main.easel.hcl", 2, "Duplicate easel block"},
		{"main.easel.hcl", 4, "already declared at main.easel.hcl:3"},
		{"main.easel.hcl", 6, "write provider = openai without quotes"},
		{"main.easel.hcl", 10, "count or for_each, not both"},
		{"main.easel.hcl", 14, `Add output = "assets/e.png"`},
		{"main.easel.hcl", 16, "Invalid depends_on reference"},
		{"main.easel.hcl", 20, "Duplicate variable"},
	})
}

func TestLoadNoFiles(t *testing.T) {
	dir := writeProject(t, map[string]string{"notes.hcl": `image "a" {}`, "sub/x.easel.hcl": `image "a" {}`})
	_, diags := Load(dir)
	if len(diags) != 1 || diags[0].Summary != "No configuration files" {
		t.Fatalf("want a single No configuration files diagnostic, got:\n%s", diagString(diags))
	}
}

func TestSymlinkEscape(t *testing.T) {
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret.png"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	dir := writeProject(t, map[string]string{"main.easel.hcl": `image "a" {
  references = ["link/secret.png"]
  prompt     = file("link/secret.png")
  output     = "link/out.png"
}`})
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Skipf("cannot create symlinks: %v", err)
	}
	_, diags := evaluate(t, dir, Inputs{})
	checkDiags(t, diags, []wantDiag{
		{"main.easel.hcl", 2, "outside the project directory"},
		{"main.easel.hcl", 3, "outside the project directory"},
		{"main.easel.hcl", 4, "outside the project directory"},
	})
}
