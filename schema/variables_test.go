package schema

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const varsConfig = `
variable "campaign" { default = "winter" }
variable "sizes" {
  type    = list(number)
  default = [1]
}
variable "label" {
  type    = string
  default = "x"
}
variable "anything" { default = "d" }

image "a" { output = "a.png" }
`

func TestVariablePrecedence(t *testing.T) {
	tests := []struct {
		name     string
		env      []string
		varFiles map[string]string
		vars     []string
		want     map[string]string // variable -> JSON
	}{
		{
			name: "defaults",
			want: map[string]string{"campaign": `"winter"`, "sizes": `[1]`},
		},
		{
			name: "environment over default",
			env:  []string{"PATH=/bin", "EASEL_VAR_campaign=spring", "EASEL_VAR_sizes=[2, 3]", "EASEL_VAR_undeclared=1"},
			want: map[string]string{"campaign": `"spring"`, "sizes": `[2,3]`},
		},
		{
			name:     "var-file over environment, later file wins",
			env:      []string{"EASEL_VAR_campaign=spring"},
			varFiles: map[string]string{"1.easelvars": `campaign = "summer"` + "\nsizes = [4]", "2.easelvars": `campaign = "autumn"`},
			want:     map[string]string{"campaign": `"autumn"`, "sizes": `[4]`},
		},
		{
			name:     "-var over everything, last wins",
			env:      []string{"EASEL_VAR_campaign=spring"},
			varFiles: map[string]string{"1.easelvars": `campaign = "summer"`},
			vars:     []string{"campaign=fall", "campaign=black-friday", "sizes=[5, 6]"},
			want:     map[string]string{"campaign": `"black-friday"`, "sizes": `[5,6]`},
		},
		{
			name: "string and untyped variables take -var literally",
			vars: []string{`label=[1, "2"]`, "anything=a=b", `campaign="quoted"`},
			want: map[string]string{"label": `"[1, \"2\"]"`, "anything": `"a=b"`, "campaign": `"\"quoted\""`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{"main.easel.hcl": varsConfig})
			in := Inputs{Env: tt.env, Vars: tt.vars}
			for _, name := range mapKeys(tt.varFiles) {
				p := filepath.Join(t.TempDir(), name)
				if err := os.WriteFile(p, []byte(tt.varFiles[name]), 0o644); err != nil {
					t.Fatal(err)
				}
				in.VarFiles = append(in.VarFiles, p)
			}
			ev := mustEvaluate(t, dir, in)
			got := map[string]string{}
			for name := range tt.want {
				got[name] = jsonOf(t, ev.Vars[name])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("variables (-want +got):\n%s", diff)
			}
		})
	}
}

func TestVariableTypes(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `
variable "obj" {
  type = object({ name = string, size = optional(number, 512), tags = optional(list(string)) })
}
variable "n" { type = number }
variable "flag" { type = bool }
variable "m" { type = map(string) }
image "a" { output = "a.png" }
`})
	ev := mustEvaluate(t, dir, Inputs{Vars: []string{`obj={ name = "x" }`, "n=42", "flag=true", `m={ a = 1 }`}})
	want := map[string]string{
		"obj":  `{"name":"x","size":512,"tags":null}`,
		"n":    `42`,
		"flag": `true`,
		"m":    `{"a":"1"}`,
	}
	got := map[string]string{}
	for name := range want {
		got[name] = jsonOf(t, ev.Vars[name])
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
}

func TestVariableErrors(t *testing.T) {
	tests := []struct {
		name     string
		config   string
		vars     []string
		varFile  string
		wantFile string // "" for the config file
		want     []wantDiag
		// wantNoSubject: diagnostics about command-line arguments.
		wantNoSubject string
	}{
		{
			name:   "type conversion of -var",
			config: "variable \"n\" { type = number }\n",
			vars:   []string{"n=abc"},
			want:   []wantDiag{{"<value for var.n>", 1, `The value "abc" given for var.n is not a valid expression of type number`}},
		},
		{
			name:   "type conversion of default",
			config: "variable \"n\" {\n  type    = number\n  default = \"many\"\n}\n",
			want:   []wantDiag{{"main.easel.hcl", 3, "not compatible with the variable's type constraint number"}},
		},
		{
			name:    "type conversion from var-file",
			config:  "variable \"sizes\" { type = list(number) }\n",
			varFile: "sizes = [\"a\"]\n",
			want:    []wantDiag{{"vars", 1, "not compatible with the type list(number)"}},
		},
		{
			name:   "missing required variable",
			config: "variable \"campaign\" {}\n",
			want:   []wantDiag{{"main.easel.hcl", 1, "EASEL_VAR_campaign"}},
		},
		{
			name: "validation failure",
			config: `variable "campaign" {
  default = "Winter"
  validation {
    condition     = lower(var.campaign) == var.campaign
    error_message = "The campaign must be lower case."
  }
}
`,
			want: []wantDiag{{"main.easel.hcl", 2, "The campaign must be lower case."}},
		},
		{
			name: "validation failure of -var points at the value",
			config: `variable "n" {
  type = number
  validation {
    condition     = var.n > 0
    error_message = "n must be positive."
  }
}
`,
			vars: []string{"n=-1"},
			want: []wantDiag{{"<value for var.n>", 1, "n must be positive."}},
		},
		{
			name:          "undeclared -var",
			config:        "variable \"campaign\" { default = \"x\" }\n",
			vars:          []string{"campain=y"},
			wantNoSubject: `Did you mean "campaign"?`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{"main.easel.hcl": tt.config + "image \"a\" { output = \"a.png\" }\n"})
			in := Inputs{Vars: tt.vars}
			if tt.varFile != "" {
				p := filepath.Join(dir, "vars")
				if err := os.WriteFile(p, []byte(tt.varFile), 0o644); err != nil {
					t.Fatal(err)
				}
				in.VarFiles = []string{p}
				for i := range tt.want {
					tt.want[i].file = p
				}
			}
			ev, diags := evaluate(t, dir, in)
			if tt.wantNoSubject != "" {
				if len(diags) != 1 || diags[0].Subject != nil || !contains(diags[0].Detail, tt.wantNoSubject) {
					t.Fatalf("want one diagnostic without subject containing %q, got:\n%s", tt.wantNoSubject, diagString(diags))
				}
				return
			}
			checkDiags(t, diags, tt.want)
			for _, w := range tt.want {
				if ev == nil {
					continue // Load failed
				}
				if _, ok := ev.Files[w.file]; !ok {
					t.Errorf("Evaluated.Files lacks %q, so the diagnostic cannot show a snippet", w.file)
				}
			}
		})
	}
}

func contains(s, sub string) bool {
	return len(sub) == 0 || len(s) >= len(sub) && (s[:len(sub)] == sub || contains(s[1:], sub))
}

func TestSensitivePropagation(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `
variable "secret_word" {
  default   = "swordfish"
  sensitive = true
}
variable "plain" { default = "otter" }
locals {
  phrase = "say ${upper(var.secret_word)}"
  twice  = "${local.phrase} twice"
  other  = var.plain
}
image "a" {
  prompt = local.twice
  size   = local.other
  output = "a.png"
}
`})
	ev := mustEvaluate(t, dir, Inputs{})
	attrs := findImage(t, ev, "image.a").Attrs
	if p := attrs.GetAttr("prompt"); !p.HasMark(SensitiveMark) {
		t.Errorf("prompt derived from a sensitive variable is not marked: %#v", p)
	}
	if s := attrs.GetAttr("size"); s.IsMarked() {
		t.Errorf("size derived from a plain variable is marked: %#v", s)
	}
	if !ev.Vars["secret_word"].HasMark(SensitiveMark) {
		t.Errorf("the sensitive variable itself is not marked")
	}
	if got := jsonOf(t, attrs.GetAttr("prompt")); got != `"say SWORDFISH twice"` {
		t.Errorf("prompt = %s", got)
	}
}
