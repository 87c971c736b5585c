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

// genProject writes a project of n images, each referencing one shared file
// and using a local in its prompt, as bench/gen does.
func genProject(b testing.TB, dir string, n int) {
	var sb strings.Builder
	sb.WriteString("locals {\n  style = \"flat vector illustration, brand blue\"\n}\n\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&sb, "image \"img%05d\" {\n  provider   = fake\n  prompt     = \"Product shot number %d, ${local.style}\"\n  references = [\"ref.png\"]\n  size       = \"8x8\"\n  output     = \"out/%03d/img%05d.png\"\n}\n\n", i, i, i/100, i)
	}
	os.WriteFile(filepath.Join(dir, "main.easel.hcl"), []byte(sb.String()), 0o644)
	writePNG(b, filepath.Join(dir, "ref.png"), color.RGBA{1, 2, 3, 255})
}

// appliedProject writes a project of n images and applies it once.
func appliedProject(b *testing.B, n int) (string, *fakeProvider) {
	dir := b.TempDir()
	genProject(b, dir, n)
	fake := newFakeProvider()
	ctx := context.Background()
	p, diags := Open(ctx, Options{Dir: dir, Providers: fakeSource{fake}})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	defer p.Close()
	pl, _ := p.Plan(ctx, PlanOptions{})
	if _, err := p.Apply(ctx, pl, ApplyOptions{Parallelism: 8}); err != nil {
		b.Fatal(err)
	}
	return dir, fake
}

// BenchmarkNoOpPlan measures Open+Plan of an applied project in-process
// (no plugin subprocess, no plan cache): the engine's own share of a no-op
// plan when the plan cache cannot answer. stat-cache is the first plan after
// an edit (.easel/statcache is warm); no-state is a fresh clone, where
// .easel/ does not exist and every output and reference is hashed once.
// The project is applied once per size (setup, not measured).
func BenchmarkNoOpPlan(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			dir, fake := appliedProject(b, n)
			b.Run("stat-cache", func(b *testing.B) {
				for b.Loop() {
					noOpPlan(b, dir, fake)
				}
			})
			b.Run("no-state", func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					if err := os.RemoveAll(filepath.Join(dir, StateDir)); err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
					noOpPlan(b, dir, fake)
				}
			})
		})
	}
}

func noOpPlan(b *testing.B, dir string, fake *fakeProvider) {
	ctx := context.Background()
	p, diags := Open(ctx, Options{Dir: dir, Providers: fakeSource{fake}})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	defer p.Close()
	pl, diags := p.Plan(ctx, PlanOptions{})
	if diags.HasErrors() {
		b.Fatal(diags.Error())
	}
	if pl.HasChanges() {
		b.Fatal("changes in a no-op plan")
	}
}
