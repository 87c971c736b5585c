package schema

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkEvaluate10k evaluates 10,000 images that refer to each other,
// the scale of the no-op plan budget in DESIGN.md.
func BenchmarkEvaluate10k(b *testing.B) {
	var src strings.Builder
	src.WriteString("variable \"campaign\" { default = \"winter\" }\nlocals { style = \"flat\" }\n")
	for i := range 10000 {
		ref := ""
		if i > 0 {
			ref = fmt.Sprintf("  references = [image.img%d]\n", i-1)
		}
		fmt.Fprintf(&src, "image \"img%d\" {\n  prompt = \"%d ${var.campaign} ${local.style}\"\n%s  output = \"out/${var.campaign}/%d.png\"\n}\n", i, i, ref, i)
	}
	dir := b.TempDir()
	writeFile(b, dir, "main.easel.hcl", src.String())
	b.ResetTimer()
	for b.Loop() {
		c, diags := Load(dir)
		if diags.HasErrors() {
			b.Fatal(diagString(diags))
		}
		if _, diags := c.Evaluate(Inputs{}, testSchemas()); diags.HasErrors() {
			b.Fatal(diagString(diags))
		}
	}
}

// BenchmarkEvaluateCount500 evaluates one image block with count = 500
// whose output does arithmetic on count.index, as the apply benchmark's
// project does.
func BenchmarkEvaluateCount500(b *testing.B) {
	src := `image "p" {
  count  = 500
  prompt = "Product shot ${count.index}, flat vector illustration, brand blue"
  output = "assets/${floor(count.index / 100)}/p${count.index}.png"
}
`
	dir := b.TempDir()
	writeFile(b, dir, "main.easel.hcl", src)
	c, diags := Load(dir)
	if diags.HasErrors() {
		b.Fatal(diagString(diags))
	}
	for b.Loop() {
		if _, diags := c.Evaluate(Inputs{}, testSchemas()); diags.HasErrors() {
			b.Fatal(diagString(diags))
		}
	}
}
