package engine

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// genProject writes a project of n images, each referencing one shared file.
func genProject(b testing.TB, dir string, n int) {
	var sb strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "image \"img%05d\" {\n  provider   = fake\n  prompt     = \"Product shot number %d\"\n  references = [\"ref.png\"]\n  size       = \"8x8\"\n  output     = \"out/%03d/img%05d.png\"\n}\n\n", i, i, i/100, i)
	}
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(sb.String()), 0o644)
	writePNG(b, filepath.Join(dir, "ref.png"), color.RGBA{1, 2, 3, 255})
}

// BenchmarkNoOpPlan measures Open+Plan of an applied project in-process
// (no plugin subprocess): the engine's own share of a no-op plan.
func BenchmarkNoOpPlan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir := b.TempDir()
			genProject(b, dir, n)
			fake := newFakeProvider()
			ctx := context.Background()
			p, diags := Open(ctx, Options{Dir: dir, Providers: fakeSource{fake}})
			if diags.HasErrors() {
				b.Fatal(diags.Error())
			}
			pl, _ := p.Plan(ctx, PlanOptions{})
			if _, err := p.Apply(ctx, pl, ApplyOptions{Parallelism: 8}); err != nil {
				b.Fatal(err)
			}
			p.Close()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				p, diags := Open(ctx, Options{Dir: dir, Providers: fakeSource{fake}})
				if diags.HasErrors() {
					b.Fatal(diags.Error())
				}
				pl, _ := p.Plan(ctx, PlanOptions{})
				if pl.HasChanges() {
					b.Fatal("changes in a no-op plan")
				}
				p.Close()
			}
		})
	}
}
