package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// applyAt applies with the clock at now, which dates index entries.
func applyAt(t *testing.T, dir string, fake *fakeProvider, now time.Time) {
	t.Helper()
	p, diags := Open(context.Background(), Options{Dir: dir, Providers: fakeSource{fake}, Now: func() time.Time { return now }})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	defer p.Close()
	pl, diags := p.Plan(context.Background(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if _, err := p.Apply(context.Background(), pl, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
}

func openCache(t *testing.T, dir string) *Cache {
	t.Helper()
	c, err := OpenCache(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func usageByImage(u *CacheUsage) map[string][2]int {
	out := map[string][2]int{}
	for _, iu := range u.Images {
		out[iu.Address] = [2]int{iu.Outputs, iu.InLockfile}
	}
	return out
}

// threeMascots applies the base project, then two more mascot prompts, a
// day apart: the cache holds three mascots and three heroes.
func threeMascots(t *testing.T) (string, *fakeProvider, []time.Time) {
	dir, fake := newProject(t)
	days := []time.Time{
		time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 5, 2, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 5, 3, 12, 0, 0, 0, time.UTC),
	}
	for i, prompt := range []string{"An otter", "A sea otter", "A river otter"} {
		writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, "An otter", prompt, 1)})
		applyAt(t, dir, fake, days[i])
	}
	return dir, fake, days
}

func TestCacheUsageCountsOutputsPerImage(t *testing.T) {
	dir, _, _ := threeMascots(t)
	os.WriteFile(filepath.Join(dir, StateDir, "cache", "objects", "stray"), []byte("?"), 0o644)
	u, err := openCache(t, dir).Usage()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"image.hero": {3, 1}, "image.icon": {1, 1}, "image.mascot": {3, 1}}
	if diff := cmp.Diff(want, usageByImage(u)); diff != "" {
		t.Errorf("outputs and outputs in the lockfile per image (-want +got):\n%s", diff)
	}
	if u.Objects != 8 || u.InLockfile != 3 || u.Unknown != 1 || u.UnknownBytes != 1 {
		t.Errorf("usage: %+v", u)
	}
}

func TestPruneRules(t *testing.T) {
	two, zero := 2, 0
	tests := []struct {
		name string
		opts func(days []time.Time) PruneOptions
		// left is how many outputs of the mascot and of the hero stay.
		left [2]int
	}{
		{"keep the newest two", func([]time.Time) PruneOptions { return PruneOptions{Keep: &two} }, [2]int{2, 2}},
		{"keep only the lockfile's", func([]time.Time) PruneOptions { return PruneOptions{Keep: &zero} }, [2]int{1, 1}},
		{"older than the second day", func(d []time.Time) PruneOptions { return PruneOptions{OlderThan: d[1]} }, [2]int{2, 2}},
		{"older than the second day, keeping none", func(d []time.Time) PruneOptions {
			return PruneOptions{OlderThan: d[1], Keep: &zero}
		}, [2]int{2, 2}},
		{"older than a day after the last", func(d []time.Time) PruneOptions { return PruneOptions{OlderThan: d[2].Add(24 * time.Hour)} }, [2]int{1, 1}},
		{"dry run", func([]time.Time) PruneOptions { return PruneOptions{Keep: &zero, DryRun: true} }, [2]int{3, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, _, days := threeMascots(t)
			c := openCache(t, dir)
			res, err := c.Prune(tt.opts(days))
			if err != nil {
				t.Fatal(err)
			}
			u, _ := c.Usage()
			got := usageByImage(u)
			if left := [2]int{got["image.mascot"][0], got["image.hero"][0]}; left != tt.left {
				t.Fatalf("left %v (mascot, hero), want %v; removed %+v", left, tt.left, res.Removed)
			}
			if got["image.icon"] != [2]int{1, 1} {
				t.Error("prune removed an output the lockfile stands for")
			}
			if removed := 6 - tt.left[0] - tt.left[1]; !tt.opts(days).DryRun && len(res.Removed) != removed {
				t.Errorf("removed %d outputs, want %d", len(res.Removed), removed)
			}
		})
	}
}

func TestPrunedSpecIsGeneratedAgain(t *testing.T) {
	dir, fake, _ := threeMascots(t)
	zero := 0
	c := openCache(t, dir)
	if _, err := c.Prune(PruneOptions{Keep: &zero}); err != nil {
		t.Fatal(err)
	}
	c.Close()
	specs, _ := filepath.Glob(filepath.Join(dir, StateDir, "cache", "specs", "*.json"))
	if len(specs) != 3 {
		t.Errorf("%d index entries left; want the 3 of the lockfile's outputs", len(specs))
	}
	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	pl := planOnly(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"~ image.hero", "~ image.mascot"}, actions(pl)); diff != "" {
		t.Fatalf("plan after pruning the old mascot (-want +got):\n%s", diff)
	}
}

func TestPruneNeedsARule(t *testing.T) {
	dir, _ := newProject(t)
	if _, err := openCache(t, dir).Prune(PruneOptions{}); err == nil {
		t.Fatal("prune without a rule removed what it liked")
	}
}
