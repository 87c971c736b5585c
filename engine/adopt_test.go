package engine

import (
	"context"
	"errors"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAdoptAcceptsARetouchAndDownstreamFollows(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	before := lockImage(t, dir, "image.mascot")
	mascot := filepath.Join(dir, "out/mascot.png")
	writePNG(t, mascot, color.RGBA{1, 2, 3, 255}) // the designer's retouch
	if pl := planOnly(t, dir, fake, PlanOptions{}); !cmp.Equal(actions(pl), []string{"! image.mascot"}) {
		t.Fatalf("plan before adopt: %v", actions(pl))
	}
	retouch := fileSum(t, mascot)

	p := open(t, dir, fake)
	e, err := p.Adopt(context.Background(), "image.mascot")
	if err != nil {
		t.Fatal(err)
	}
	pl, diags := p.Plan(context.Background(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if diff := cmp.Diff([]string{"~ image.hero upstream"}, reasonKinds(pl)); diff != "" {
		t.Fatalf("plan after adopt (-want +got):\n%s", diff)
	}
	p.Close()
	after := lockImage(t, dir, "image.mascot")
	want := map[string]string{"adopted": "true", "generated_sha256": before.SHA256}
	if after.SHA256 != retouch || after.Width != 8 || after.Height != 8 || after.SpecHash != before.SpecHash || !cmp.Equal(after.Metadata, want) {
		t.Fatalf("lockfile after adopt: %+v", after)
	}
	if e.SHA256 != retouch || !newOutputCache(dir).has(retouch) {
		t.Fatal("the retouch is not in the cache")
	}
	apply(t, dir, fake, PlanOptions{})
	if got := fake.sawRefs["image.hero"][1]; got != retouch {
		t.Error("the hero was not regenerated from the retouch")
	}
	// Editing the prompt and reverting it brings the retouch back.
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, "An otter", "A sea otter", 1)})
	apply(t, dir, fake, PlanOptions{})
	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	apply(t, dir, fake, PlanOptions{})
	if got := fileSum(t, mascot); got != retouch {
		t.Error("reverting the prompt did not restore the adopted retouch")
	}
}

func TestAdoptRefusals(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	tests := []struct {
		name, addr string
		setup      func()
		want       string
	}{
		{"unchanged", "image.icon", nil, ErrNothingToAdopt.Error()},
		{"not an image", "image.icon", func() { os.WriteFile(filepath.Join(dir, "out/icon.webp"), []byte("not an image"), 0o644) }, "not a readable image"},
		{"wrong format", "image.icon", func() { writePNG(t, filepath.Join(dir, "out/icon.webp"), color.RGBA{9, 9, 9, 255}) }, "holds a png image, but its name asks for webp"},
		{"missing file", "image.hero", func() { os.Remove(filepath.Join(dir, "out/hero.png")) }, "no file at out/hero.png"},
		{"not generated", "image.nope", nil, "not in the lockfile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			p := open(t, dir, fake)
			defer p.Close()
			_, err := p.Adopt(context.Background(), tt.addr)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if tt.name == "unchanged" && !errors.Is(err, ErrNothingToAdopt) {
				t.Fatalf("error %v is not ErrNothingToAdopt", err)
			}
		})
	}
}
