package engine

import (
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/testcount"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins"
	"github.com/google/go-cmp/cmp"
)

// withCandidates gives the mascot of baseConfig n candidates.
func withCandidates(n string) string {
	return strings.Replace(baseConfig, `prompt   = "An otter, ${local.style}"`, `prompt   = "An otter, ${local.style}"
  candidates = `+n, 1)
}

func lockImage(t *testing.T, dir, addr string) *lockfile.Image {
	t.Helper()
	lock, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	return lock.Image(addr)
}

func fileSum(t *testing.T, path string) string {
	t.Helper()
	sum, _, err := fsx.HashFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

func TestCandidatesAreGeneratedWithTheirOwnSeeds(t *testing.T) {
	dir, fake := newProject(t)
	writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("3")})
	pl := planOnly(t, dir, fake, PlanOptions{})
	var mascot *Change
	for _, c := range pl.Changes {
		if c.Address == "image.mascot" {
			mascot = c
		}
	}
	if mascot.Candidates != 3 || mascot.Estimate.USD == nil || *mascot.Estimate.USD != 3*0.04 {
		t.Fatalf("mascot with 3 candidates: candidates %d, estimate %v", mascot.Candidates, mascot.Estimate)
	}
	apply(t, dir, fake, PlanOptions{})
	seeds := fake.seeds["image.mascot"]
	le := lockImage(t, dir, "image.mascot")
	if len(seeds) != 3 || seeds[0] == seeds[1] || seeds[1] == seeds[2] || seeds[0] == le.SpecHash {
		t.Fatalf("seeds %q, spec hash %s: want three distinct seeds, none the full spec hash", seeds, le.SpecHash)
	}
	if len(le.Candidates) != 3 || le.SHA256 != le.Candidates[0] || le.Candidates[0] == le.Candidates[1] {
		t.Fatalf("lockfile candidates %q, sha256 %s", le.Candidates, le.SHA256)
	}
	if got := fileSum(t, filepath.Join(dir, "out/mascot.png")); got != le.Candidates[0] {
		t.Error("the output is not the first candidate")
	}
	cache := newOutputCache(dir)
	for i, sum := range le.Candidates {
		if !cache.has(sum) {
			t.Errorf("candidate %d is not in the cache", i+1)
		}
	}
	if got := fake.sawRefs["image.hero"][1]; got != le.Candidates[0] {
		t.Error("the hero was not made from the first candidate")
	}
}

// -replace generates every candidate again, so the plan prices them all,
// cached or not: the budget books what apply will pay.
func TestReplacedCandidatesArePricedInFull(t *testing.T) {
	dir, fake := newProject(t)
	writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("3")})
	apply(t, dir, fake, PlanOptions{})
	pl := planOnly(t, dir, fake, PlanOptions{Replace: []string{"image.mascot"}})
	var mascot *Change
	for _, c := range pl.Changes {
		if c.Address == "image.mascot" {
			mascot = c
		}
	}
	if mascot == nil || mascot.Estimate.USD == nil || *mascot.Estimate.USD != 3*0.04 {
		t.Fatalf("-replace of 3 cached candidates priced at %v, want $0.12", mascot)
	}
}

func TestCandidateOneIsTheImageWithoutCandidates(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	single := lockImage(t, dir, "image.mascot")
	writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("2")})
	pl, _ := apply(t, dir, fake, PlanOptions{})
	for _, c := range pl.Changes {
		if c.Address != "image.mascot" {
			continue
		}
		if c.Estimate.USD == nil || *c.Estimate.USD != 0.04 {
			t.Errorf("estimate %v: candidate 1 is cached, only candidate 2 costs", c.Estimate)
		}
		want := []Reason{{Kind: ReasonAttribute, Attribute: "candidates", Old: "1", New: "2", Message: "candidates changed"}}
		if diff := cmp.Diff(want, c.Reasons); diff != "" {
			t.Errorf("reasons (-want +got):\n%s", diff)
		}
	}
	if fake.calls["image.mascot"] != 2 {
		t.Fatalf("mascot generated %d times; want 2 (once alone, then only candidate 2)", fake.calls["image.mascot"])
	}
	le := lockImage(t, dir, "image.mascot")
	if le.Candidates[0] != single.SHA256 || le.SpecHash == single.SpecHash {
		t.Fatalf("candidate 1 %s, want the single image %s; spec hashes %s and %s", le.Candidates[0], single.SHA256, le.SpecHash, single.SpecHash)
	}
	// More candidates pay only for the new ones.
	writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("4")})
	apply(t, dir, fake, PlanOptions{})
	if fake.calls["image.mascot"] != 4 {
		t.Fatalf("mascot generated %d times; want 4", fake.calls["image.mascot"])
	}
	// -replace re-rolls every candidate.
	apply(t, dir, fake, PlanOptions{Replace: []string{"image.mascot"}})
	if fake.calls["image.mascot"] != 8 {
		t.Fatalf("mascot generated %d times after -replace; want 8", fake.calls["image.mascot"])
	}
}

func TestPickSwitchesTheOutputAndReplansDownstream(t *testing.T) {
	dir, fake := newProject(t)
	writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("3")})
	apply(t, dir, fake, PlanOptions{})
	calls := fake.callCount()
	before := lockImage(t, dir, "image.mascot")

	p := open(t, dir, fake)
	e, err := p.Pick(context.Background(), "image.mascot", 2)
	if err != nil {
		t.Fatal(err)
	}
	if e.SHA256 != before.Candidates[1] {
		t.Fatalf("picked %s, want candidate 2 %s", e.SHA256, before.Candidates[1])
	}
	pl, diags := p.Plan(context.Background(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if diff := cmp.Diff([]string{"~ image.hero upstream"}, reasonKinds(pl)); diff != "" {
		t.Fatalf("plan after the pick (-want +got):\n%s", diff)
	}
	p.Close()
	if fake.callCount() != calls {
		t.Fatal("pick called the provider")
	}
	after := lockImage(t, dir, "image.mascot")
	if after.SHA256 != before.Candidates[1] || after.SpecHash != before.SpecHash || !cmp.Equal(after.Candidates, before.Candidates) {
		t.Fatalf("lockfile after the pick: %+v", after)
	}
	if got := fileSum(t, filepath.Join(dir, "out/mascot.png")); got != before.Candidates[1] {
		t.Fatal("the output is not candidate 2")
	}
	apply(t, dir, fake, PlanOptions{})
	if got := fake.sawRefs["image.hero"][1]; got != before.Candidates[1] {
		t.Error("the hero was not regenerated from candidate 2")
	}
}

func TestPickRefusals(t *testing.T) {
	dir, fake := newProject(t)
	writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("2")})
	apply(t, dir, fake, PlanOptions{})
	tests := []struct {
		name, addr string
		n          int
		setup      func()
		want       string
	}{
		{"unknown image", "image.mascott", 1, nil, `Did you mean "image.mascot"`},
		{"single image", "image.icon", 1, nil, "generated as a single image"},
		{"out of range", "image.mascot", 3, nil, "pick one from 1 to 2"},
		{"edited output", "image.mascot", 2, func() { os.WriteFile(filepath.Join(dir, "out/mascot.png"), []byte("retouched"), 0o644) }, "easel adopt image.mascot"},
		{"pruned candidate", "image.mascot", 2, func() {
			os.Remove(filepath.Join(dir, "out/mascot.png"))
			os.RemoveAll(filepath.Join(dir, StateDir, "cache", "objects"))
		}, "no longer in .easel/cache"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			p := open(t, dir, fake)
			defer p.Close()
			if _, err := p.Pick(context.Background(), tt.addr, tt.n); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
		})
	}
}

// TestCandidatesShareFreeSlots checks that an image's candidates are
// generated side by side in the slots free at its start, and never more
// at once than -parallelism allows.
func TestCandidatesShareFreeSlots(t *testing.T) {
	for _, parallelism := range []int{1, 2, 4} {
		t.Run(fmt.Sprint(parallelism), func(t *testing.T) {
			dir, fake := newProject(t)
			writeFiles(t, dir, map[string]string{"main.easel.hcl": withCandidates("4")})
			var running testcount.Gauge
			all := make(chan struct{})
			release := sync.OnceFunc(func() { close(all) })
			fake.onCall = func(req *plugins.ImageRequest) {
				if req.Address != "image.mascot" {
					return
				}
				if running.Enter() == parallelism {
					release()
				}
				defer running.Leave()
				// Hold the call until as many as may run at once are
				// running; a sequential apply gives up waiting.
				select {
				case <-all:
				case <-time.After(5 * time.Second):
				}
			}
			p, pl := plan(t, dir, fake, PlanOptions{Targets: []string{"image.mascot"}})
			res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: parallelism})
			if err != nil || res.Done != 1 {
				t.Fatalf("apply: %v, %+v", err, res)
			}
			if most := running.Peak(); most != parallelism {
				t.Errorf("at most %d candidates ran at once; want %d", most, parallelism)
			}
			if le := lockImage(t, dir, "image.mascot"); len(le.Candidates) != 4 {
				t.Errorf("the lockfile lists %d candidates; want 4", len(le.Candidates))
			}
		})
	}
}

// At apply, an image whose spec hash the plan knew and whose references
// have the bytes they were planned with takes the plan's hash instead of
// hashing again; it must be exactly the hash computed from scratch, and
// a reference that changed since the plan must be hashed again.
func TestSpecHashesAtApplyMatchAFullHash(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": `
image "a" {
  provider   = fake
  size       = "4x4"
  output     = "a.png"
  candidates = 3
  references = ["ref.png"]
}
image "b" {
  provider   = fake
  size       = "4x4"
  output     = "b.png"
  references = ["ref.png"]
}
image "c" {
  provider = fake
  size     = "4x4"
  output   = "c.png"
}
`})
	writePNG(t, filepath.Join(dir, "ref.png"), color.RGBA{1, 2, 3, 255})
	p, _ := plan(t, dir, newFakeProvider(), PlanOptions{})
	for addr, pi := range p.lastPlan.byAddr {
		refs := make([]plugins.Reference, len(pi.refs))
		for i, r := range pi.refs {
			refs[i] = plugins.Reference{SHA256: r.sum}
		}
		full := func(refs []plugins.Reference) (string, string) {
			s := *pi.spec
			s.refs = nil
			for i, r := range refs {
				s.refs = append(s.refs, pi.refs[i].key(r.SHA256))
			}
			return s.hash(), s.baseHash()
		}
		spec, base := (*applier)(nil).specHashes(pi, refs)
		wantSpec, wantBase := full(refs)
		if spec != wantSpec || base != wantBase {
			t.Errorf("%s: specHashes = %s, %s; a full hash gives %s, %s", addr, spec, base, wantSpec, wantBase)
		}
		if len(refs) == 0 {
			continue
		}
		refs[0].SHA256 = strings.Repeat("0", 64)
		spec, base = (*applier)(nil).specHashes(pi, refs)
		if wantSpec, wantBase = full(refs); spec != wantSpec || base != wantBase {
			t.Errorf("%s with a changed reference: specHashes = %s, %s; a full hash gives %s, %s", addr, spec, base, wantSpec, wantBase)
		}
	}
}
