package engine

import (
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/easelhq/easel/lockfile"
)

func openCached(t *testing.T, dir string, fake *fakeProvider, vars ...string) (*Project, *Plan) {
	t.Helper()
	p, diags := Open(context.Background(), Options{Dir: dir, Providers: fakeSource{fake}, PlanCache: true, Identity: "test-build", Vars: vars})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	defer p.Close()
	pl, diags := p.Plan(context.Background(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return p, pl
}

func TestPlanCacheAnswersNoOpPlanUntilAnInputChanges(t *testing.T) {
	dir, fake := newProject(t)
	cfg := strings.Replace(baseConfig, `prompt   = "An icon"`, `prompt   = templatefile("icon.tpl", { v = var.v })`, 1)
	cfg = "variable \"v\" {\n  default = \"1\"\n}\n" + cfg
	writeFiles(t, dir, map[string]string{"main.easel.hcl": cfg, "icon.tpl": "An icon, version ${v}"})
	apply(t, dir, fake, PlanOptions{})

	if p, pl := openCached(t, dir, fake); !p.Loaded() || pl.HasChanges() {
		t.Fatalf("first no-op plan: loaded %v, changes %v", p.Loaded(), actions(pl))
	}
	if p, pl := openCached(t, dir, fake); p.Loaded() || pl.HasChanges() || pl.Unchanged != 3 {
		t.Fatalf("second no-op plan should come from the cache: loaded %v, unchanged %d", p.Loaded(), pl.Unchanged)
	}
	edits := []struct {
		name string
		edit func()
		vars []string
		want []string
	}{
		{"template edited", func() { writeFiles(t, dir, map[string]string{"icon.tpl": "A new icon ${v}"}) }, nil, []string{"~ image.icon"}},
		{"var changed", func() {}, []string{"v=2"}, []string{"~ image.icon"}},
		{"reference bytes changed", func() { writePNG(t, filepath.Join(dir, "brand/logo.png"), color.RGBA{9, 9, 9, 255}) }, nil, []string{"~ image.hero"}},
		{"output deleted", func() { os.Remove(filepath.Join(dir, "out/mascot.png")) }, nil, []string{"< image.mascot"}},
		{"new config file", func() {
			writeFiles(t, dir, map[string]string{"extra.easel.hcl": "image \"x\" {\n  provider = fake\n  size = \"8x8\"\n  output = \"x.png\"\n}\n"})
		}, nil, []string{"+ image.x"}},
	}
	for _, e := range edits {
		openCached(t, dir, fake) // make sure a cache is written for the current state
		e.edit()
		p, pl := openCached(t, dir, fake, e.vars...)
		if !p.Loaded() {
			t.Errorf("%s: the plan came from a stale cache", e.name)
			continue
		}
		got := actions(pl)
		if strings.Join(got, ",") != strings.Join(e.want, ",") {
			t.Errorf("%s: plan %v, want %v", e.name, got, e.want)
		}
		apply(t, dir, fake, PlanOptions{})
	}
}

func TestJournalOfAKilledRunIsReplayed(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	lockPath := filepath.Join(dir, lockfile.FileName)
	lock, _ := lockfile.Load(lockPath)
	// A run that recorded a success in the journal and died before it
	// rewrote the lockfile.
	saver, err := newLockSaver(dir, lockPath, lock.Clone())
	if err != nil {
		t.Fatal(err)
	}
	icon := *lock.Image("image.icon")
	icon.CostUSD = nil
	icon.Metadata = map[string]string{"seed": "42"}
	if err := saver.set(&icon); err != nil {
		t.Fatal(err)
	}
	if err := saver.remove("image.hero"); err != nil {
		t.Fatal(err)
	}
	// Append a torn record, as a crash in the middle of a write leaves.
	f, _ := os.OpenFile(journalPath(dir), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(journalMagic + " set 9999\nimage \"image.torn\" {")
	f.Close()

	p := open(t, dir, fake)
	if got := p.Lock.Image("image.icon"); got == nil || got.Metadata["seed"] != "42" {
		t.Fatalf("the journal's entry was not replayed: %+v", got)
	}
	if p.Lock.Image("image.hero") != nil || p.Lock.Image("image.torn") != nil {
		t.Fatal("replay kept a removed entry or took a torn record")
	}
	if _, err := os.Stat(journalPath(dir)); !os.IsNotExist(err) {
		t.Fatal("the journal was not removed after replay")
	}
}

func TestOpenRemovesTempFilesAKilledRunLeftInTheCache(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	var temps []string
	for _, sub := range []string{"objects", "specs"} {
		p := filepath.Join(dir, StateDir, "cache", sub, ".entry.json.easel-tmp-123")
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		temps = append(temps, p)
	}
	open(t, dir, fake)
	for _, p := range temps {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s survived a write-mode open", p)
		}
	}
}
