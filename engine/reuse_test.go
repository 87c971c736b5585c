package engine

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
	"github.com/google/go-cmp/cmp"
)

// reasonKinds renders each change as "symbol address kind,kind".
func reasonKinds(pl *Plan) []string {
	var out []string
	for _, c := range pl.Changes {
		var kinds []string
		for _, r := range c.Reasons {
			kinds = append(kinds, string(r.Kind))
		}
		out = append(out, c.Action.Symbol()+" "+c.Address+" "+strings.Join(kinds, ","))
	}
	return out
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRevertedPromptIsRestoredWithoutAProviderCall(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	lockPath := filepath.Join(dir, lockfile.FileName)
	firstLock, firstHero := readFile(t, lockPath), readFile(t, filepath.Join(dir, "out/hero.png"))
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, "An otter", "A sea otter", 1)})
	apply(t, dir, fake, PlanOptions{})
	calls := fake.callCount()

	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	pl, res := apply(t, dir, fake, PlanOptions{})
	want := []string{"< image.hero cached,upstream", "< image.mascot cached,attribute"}
	if diff := cmp.Diff(want, reasonKinds(pl)); diff != "" {
		t.Fatalf("plan after the revert (-want +got):\n%s", diff)
	}
	if msg := pl.Changes[1].Reasons[0].Message; !strings.Contains(msg, "this spec was generated before on ") {
		t.Errorf("the restore does not say why: %q", msg)
	}
	if est, _ := pl.TotalEstimate(); est != 0 {
		t.Errorf("a restore is estimated at $%v", est)
	}
	if fake.callCount() != calls || res.Done != 2 {
		t.Fatalf("the revert called the provider %d times (done %d)", fake.callCount()-calls, res.Done)
	}
	if got := readFile(t, lockPath); got != firstLock {
		t.Errorf("the lockfile after the revert differs from the first one:\n%s", cmp.Diff(firstLock, got))
	}
	if readFile(t, filepath.Join(dir, "out/hero.png")) != firstHero {
		t.Error("the hero's bytes were not restored")
	}
	if again := planOnly(t, dir, fake, PlanOptions{}); again.HasChanges() {
		t.Fatalf("plan after the restore: %v", actions(again))
	}
}

func TestRemovedImageIsRestoredWhenDeclaredAgain(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	cfg := baseConfig[:strings.Index(baseConfig, `image "icon"`)]
	writeFiles(t, dir, map[string]string{"main.easel.hcl": cfg})
	apply(t, dir, fake, PlanOptions{})
	if _, err := os.Stat(filepath.Join(dir, "out/icon.webp")); !os.IsNotExist(err) {
		t.Fatal("apply did not delete the removed image's output")
	}
	calls := fake.callCount()
	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	pl, _ := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"< image.icon cached,new"}, reasonKinds(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if fake.callCount() != calls {
		t.Fatal("declaring the image again called the provider")
	}
	if _, err := os.Stat(filepath.Join(dir, "out/icon.webp")); err != nil {
		t.Fatal(err)
	}
}

func TestKeepOrphansRemovesTheEntryAndKeepsTheFile(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	cfg := baseConfig[:strings.Index(baseConfig, `image "icon"`)]
	writeFiles(t, dir, map[string]string{"main.easel.hcl": cfg})
	pl, _ := apply(t, dir, fake, PlanOptions{KeepOrphans: true})
	if len(pl.Changes) != 1 || !strings.Contains(pl.Changes[0].Reasons[0].Message, "file kept") {
		t.Fatalf("plan: %+v", pl.Changes)
	}
	if _, err := os.Stat(filepath.Join(dir, "out/icon.webp")); err != nil {
		t.Fatalf("-keep-orphans removed the file: %v", err)
	}
	lock, _ := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if lock.Image("image.icon") != nil {
		t.Fatal("the entry is still in the lockfile")
	}
}

func TestMoveOfAMissingFileComesFromTheCache(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	icon := readFile(t, filepath.Join(dir, "out/icon.webp"))
	calls := fake.callCount()
	os.Remove(filepath.Join(dir, "out/icon.webp"))
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, "out/icon.webp", "out/icons/icon.webp", 1)})
	pl, _ := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"> image.icon output_path"}, reasonKinds(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if fake.callCount() != calls {
		t.Fatal("the move called the provider")
	}
	if readFile(t, filepath.Join(dir, "out/icons/icon.webp")) != icon {
		t.Fatal("the moved output is not the cached one")
	}
}

func TestReplacedUpstreamGivingTheSameBytesRestoresDownstream(t *testing.T) {
	dir, fake := newProject(t) // the fake is deterministic: a re-roll gives the same bytes
	apply(t, dir, fake, PlanOptions{})
	pl, res := apply(t, dir, fake, PlanOptions{Replace: []string{"image.mascot"}})
	if diff := cmp.Diff([]string{"~ image.hero", "~ image.mascot"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if fake.calls["image.mascot"] != 2 || fake.calls["image.hero"] != 1 {
		t.Fatalf("calls: mascot %d (want 2), hero %d (want 1)", fake.calls["image.mascot"], fake.calls["image.hero"])
	}
	got := map[string]Action{}
	for _, r := range res.Results {
		got[r.Address] = r.Action
	}
	if diff := cmp.Diff(map[string]Action{"image.hero": Restore, "image.mascot": Regenerate}, got); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
}

func TestRegeneratedToANewPathLeavesNoOldFile(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	cfg := strings.Replace(strings.Replace(baseConfig, "out/icon.webp", "out/icon2.webp", 1), `"An icon"`, `"Another icon"`, 1)
	writeFiles(t, dir, map[string]string{"main.easel.hcl": cfg})
	pl, _ := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"~ image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "out/icon.webp")); !os.IsNotExist(err) {
		t.Fatal("the old output was left behind")
	}
	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	if pl := planOnly(t, dir, fake, PlanOptions{}); len(pl.Changes) != 1 || pl.Changes[0].Action != Restore {
		t.Fatalf("going back: %v", actions(pl))
	}
}

func TestOldEntriesAreIndexedBeforeTheyAreReplaced(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	// An image generated before the spec index existed has only its object.
	if err := os.RemoveAll(filepath.Join(dir, StateDir, "cache", "specs")); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, `"An icon"`, `"Another icon"`, 1)})
	apply(t, dir, fake, PlanOptions{})
	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	if pl := planOnly(t, dir, fake, PlanOptions{}); len(pl.Changes) != 1 || pl.Changes[0].Action != Restore {
		t.Fatalf("going back: %v", actions(pl))
	}
}

func TestDamagedIndexEntryIsIgnored(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	lock, _ := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	first := lock.Image("image.icon").SpecHash
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, `"An icon"`, `"Another icon"`, 1)})
	apply(t, dir, fake, PlanOptions{})
	entry := filepath.Join(dir, StateDir, "cache", "specs", strings.TrimPrefix(first, "sha256:")+".json")
	if err := fsx.WriteFileAtomic(entry, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, dir, map[string]string{"main.easel.hcl": baseConfig})
	p := open(t, dir, fake)
	pl, diags := p.Plan(context.Background(), PlanOptions{})
	if diags.HasErrors() || len(pl.Changes) != 1 || pl.Changes[0].Action != Regenerate {
		t.Fatalf("plan with a damaged index entry: %v %v", reasonKinds(pl), diags)
	}
}

// A cache object that cannot be written never fails the output it copies:
// the tee reports every byte written and keeps the cache's error.
func TestCacheTeeSwallowsCacheFailures(t *testing.T) {
	c := newOutputCache(t.TempDir())
	obj, err := c.create()
	if err != nil {
		t.Fatal(err)
	}
	obj.f.Close() // every write to the object now fails
	tee := &cacheTee{obj: obj}
	if n, err := tee.Write([]byte("image bytes")); n != len("image bytes") || err != nil {
		t.Fatalf("Write = %d, %v; want every byte and no error", n, err)
	}
	if tee.err == nil {
		t.Fatal("the cache's write error was not kept")
	}
	obj.abort()
}
