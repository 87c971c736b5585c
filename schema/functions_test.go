package schema

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
)

func TestFileFunctions(t *testing.T) {
	logo, err := os.ReadFile("testdata/full/brand/logo.png")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(logo)
	tests := []struct {
		name    string
		prompt  string
		want    string
		wantErr string
	}{
		{name: "file", prompt: `trimspace(file("prompts/style.txt"))`, want: "flat, blue"},
		{name: "file with a cleanable path", prompt: `trimspace(file("./prompts/../prompts/style.txt"))`, want: "flat, blue"},
		{name: "templatefile", prompt: `templatefile("prompts/hero.tpl", { who = "otter", n = 2 })`, want: "An otter, 2 times: flat, blue\n"},
		{name: "filesha256 of binary file", prompt: `filesha256("brand/logo.png")`, want: hex.EncodeToString(sum[:])},
		{name: "file of binary file", prompt: `file("brand/logo.png")`, wantErr: "not valid UTF-8"},
		{name: "file escaping the project", prompt: `file("../outside.txt")`, wantErr: "leaves the project directory"},
		{name: "file with an absolute path", prompt: `file("/etc/hostname")`, wantErr: "absolute path"},
		{name: "missing file", prompt: `file("nope.txt")`, wantErr: `no file "nope.txt"`},
		{name: "templatefile without a variable it uses", prompt: `templatefile("prompts/hero.tpl", { who = "otter" })`, wantErr: `vars has no key "n"`},
		{name: "try and can", prompt: `"${try(file("nope.txt"), "fallback")} ${can(file("nope.txt"))}"`, want: "fallback false"},
		{name: "terraform-style replace with a regexp", prompt: `replace("a1b22c", "/[0-9]+/", "-")`, want: "a-b-c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{
				"main.easel.hcl":    "image \"a\" {\n  prompt = " + tt.prompt + "\n  output = \"a.png\"\n}\n",
				"prompts/style.txt": "flat, blue\n",
				"prompts/hero.tpl":  "An ${who}, ${n} times: ${trimspace(file(\"prompts/style.txt\"))}\n",
				"brand/logo.png":    string(logo),
			})
			if err := os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.txt"), []byte("secret"), 0o644); err != nil {
				t.Fatal(err)
			}
			ev, diags := evaluate(t, dir, Inputs{})
			if tt.wantErr != "" {
				checkDiags(t, diags, []wantDiag{{"main.easel.hcl", 2, tt.wantErr}})
				return
			}
			if len(diags) > 0 {
				t.Fatalf("unexpected diagnostics:\n%s", diagString(diags))
			}
			if got := findImage(t, ev, "image.a").Attrs.GetAttr("prompt").AsString(); got != tt.want {
				t.Errorf("prompt = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTemplateFileKeepsSensitiveMark(t *testing.T) {
	dir := writeProject(t, map[string]string{
		"main.easel.hcl": `variable "s" {
  default   = "hush"
  sensitive = true
}
image "a" {
  prompt = templatefile("t.tpl", { s = var.s })
  output = "a.png"
}`,
		"t.tpl": "say ${s}",
	})
	ev := mustEvaluate(t, dir, Inputs{})
	if p := findImage(t, ev, "image.a").Attrs.GetAttr("prompt"); !p.HasMark(SensitiveMark) {
		t.Errorf("templatefile of a sensitive value is not marked: %#v", p)
	}
}
