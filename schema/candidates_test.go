package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCandidatesIsAMetaAttribute(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `variable "n" { default = 3 }
image "hero" {
  prompt     = "hero"
  candidates = 4
  output     = "hero.png"
}
image "social" {
  for_each   = { a = 2, b = 1 }
  candidates = each.value + var.n - 3
  output     = "${each.key}.png"
}
image "plain" {
  output = "plain.png"
}`})
	ev := mustEvaluate(t, dir, Inputs{})
	got := map[string]int{}
	for _, img := range ev.Images {
		got[img.Address] = img.Candidates
		if img.Attrs.Type().HasAttribute("candidates") {
			t.Errorf("%s: candidates reached the provider's attributes", img.Address)
		}
	}
	want := map[string]int{"image.hero": 4, `image.social["a"]`: 2, `image.social["b"]`: 1, "image.plain": 0}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("candidates (-want +got):\n%s", diff)
	}
}

func TestCandidatesDiagnostics(t *testing.T) {
	tests := []struct {
		name, value, want string
	}{
		{"zero", "0", "a whole number from 1 to 16, not 0"},
		{"too many", "100", "from 1 to 16, not 100"},
		{"fraction", "1.5", "not 1.5"},
		{"not a number", `"four"`, "candidates must be a whole number"},
		{"an image", "image.other", "image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{"main.easel.hcl": `image "other" { output = "o.png" }
image "a" {
  candidates = ` + tt.value + `
  output     = "a.png"
}`})
			_, diags := evaluate(t, dir, Inputs{})
			checkDiags(t, diags, []wantDiag{{"main.easel.hcl", 3, tt.want}})
		})
	}
}
