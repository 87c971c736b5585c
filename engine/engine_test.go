package engine

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins"
	"github.com/google/go-cmp/cmp"
)

const baseConfig = `
locals {
  style = "flat vector"
}

image "mascot" {
  provider = fake
  prompt   = "An otter, ${local.style}"
  size     = "32x32"
  output   = "out/mascot.png"
}

image "hero" {
  provider   = fake
  prompt     = "Poster with the mascot"
  references = ["brand/logo.png", image.mascot]
  size       = "48x32"
  output     = "out/hero.png"
}

image "icon" {
  provider = fake
  prompt   = "An icon"
  size     = "16x16"
  output   = "out/icon.webp"
}
`

func newProject(t *testing.T) (string, *fakeProvider) {
	t.Helper()
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": baseConfig})
	os.MkdirAll(filepath.Join(dir, "brand"), 0o755)
	writePNG(t, filepath.Join(dir, "brand/logo.png"), color.RGBA{200, 0, 0, 255})
	return dir, newFakeProvider()
}

func open(t *testing.T, dir string, fake *fakeProvider) *Project {
	t.Helper()
	p, diags := Open(context.Background(), Options{Dir: dir, Providers: fakeSource{fake}})
	if diags.HasErrors() {
		t.Fatalf("Open: %s", diags.Error())
	}
	t.Cleanup(func() { p.Close() })
	return p
}

func plan(t *testing.T, dir string, fake *fakeProvider, opts PlanOptions) (*Project, *Plan) {
	t.Helper()
	p := open(t, dir, fake)
	pl, diags := p.Plan(context.Background(), opts)
	if diags.HasErrors() {
		t.Fatalf("Plan: %s", diags.Error())
	}
	return p, pl
}

// planOnly plans and closes the project, releasing the run lock.
func planOnly(t *testing.T, dir string, fake *fakeProvider, opts PlanOptions) *Plan {
	t.Helper()
	p, pl := plan(t, dir, fake, opts)
	p.Close()
	return pl
}

func apply(t *testing.T, dir string, fake *fakeProvider, opts PlanOptions) (*Plan, *ApplyResult) {
	t.Helper()
	p, pl := plan(t, dir, fake, opts)
	res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 4})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	p.Close()
	return pl, res
}

// actions renders a plan as "symbol address" lines, sorted.
func actions(pl *Plan) []string {
	var out []string
	for _, c := range pl.Changes {
		out = append(out, c.Action.Symbol()+" "+c.Address)
	}
	sort.Strings(out)
	return out
}

func TestFirstApplyCreatesEverythingAndSecondPlanIsEmpty(t *testing.T) {
	dir, fake := newProject(t)
	pl, res := apply(t, dir, fake, PlanOptions{})
	want := []string{"+ image.hero", "+ image.icon", "+ image.mascot"}
	if diff := cmp.Diff(want, actions(pl)); diff != "" {
		t.Fatalf("first plan (-want +got):\n%s", diff)
	}
	if res.Done != 3 || res.Failed != 0 {
		t.Fatalf("apply: done %d failed %d", res.Done, res.Failed)
	}
	lock, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	hero := lock.Image("image.hero")
	if hero == nil || hero.Width != 48 || hero.Height != 32 || len(hero.References) != 2 {
		t.Fatalf("hero entry: %+v", hero)
	}
	if got := fake.sawRefs["image.hero"][1]; got != lock.Image("image.mascot").SHA256 {
		t.Errorf("hero was given %s as the mascot reference, want the mascot's output %s", got, lock.Image("image.mascot").SHA256)
	}
	again := planOnly(t, dir, fake, PlanOptions{})
	if again.HasChanges() || again.Unchanged != 3 {
		t.Fatalf("second plan: %v, unchanged %d", actions(again), again.Unchanged)
	}
}

func TestPromptChangeRegeneratesImageAndDownstreamOnly(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	before, _ := os.ReadFile(filepath.Join(dir, lockfile.FileName))
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, "An otter", "A sea otter", 1)})
	pl, res := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"~ image.hero", "~ image.mascot"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	reasons := map[string]Reason{}
	for _, c := range pl.Changes {
		reasons[c.Address] = c.Reasons[0]
	}
	if r := reasons["image.mascot"]; r.Kind != ReasonAttribute || r.Attribute != "prompt" || !strings.Contains(r.New, "sea otter") {
		t.Errorf("mascot reason: %+v", r)
	}
	if r := reasons["image.hero"]; r.Kind != ReasonUpstream || r.Reference != "image.mascot" {
		t.Errorf("hero reason: %+v", r)
	}
	if res.Done != 2 || fake.calls["image.icon"] != 1 {
		t.Fatalf("done %d, icon generated %d times", res.Done, fake.calls["image.icon"])
	}
	after, _ := os.ReadFile(filepath.Join(dir, lockfile.FileName))
	if blockOf(string(before), "image.icon") != blockOf(string(after), "image.icon") {
		t.Error("the icon's lockfile block changed although the icon did not")
	}
}

// blockOf returns the lockfile block of an address.
func blockOf(lock, addr string) string {
	start := strings.Index(lock, "image \""+addr+"\"")
	if start < 0 {
		return ""
	}
	end := strings.Index(lock[start:], "\n}\n")
	return lock[start : start+end]
}

func TestTouchingReferenceWithoutChangingBytesRegeneratesNothing(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	later := time.Now().Add(time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "brand/logo.png"), later, later); err != nil {
		t.Fatal(err)
	}
	pl := planOnly(t, dir, fake, PlanOptions{})
	if pl.HasChanges() {
		t.Fatalf("plan after touch: %v", actions(pl))
	}
	writePNG(t, filepath.Join(dir, "brand/logo.png"), color.RGBA{0, 0, 200, 255})
	pl = planOnly(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"~ image.hero"}, actions(pl)); diff != "" {
		t.Fatalf("plan after new logo bytes (-want +got):\n%s", diff)
	}
	if r := pl.Changes[0].Reasons[0]; r.Kind != ReasonReference || r.Reference != "brand/logo.png" {
		t.Errorf("reason: %+v", r)
	}
}

func TestFailureSkipsDependentsOnly(t *testing.T) {
	dir, fake := newProject(t)
	fake.failFor["image.mascot"] = os.ErrPermission
	pl, res := apply(t, dir, fake, PlanOptions{})
	if len(pl.Changes) != 3 {
		t.Fatal(actions(pl))
	}
	if res.Done != 1 || res.Failed != 1 || res.Skipped != 1 {
		t.Fatalf("done %d failed %d skipped %d", res.Done, res.Failed, res.Skipped)
	}
	if fake.calls["image.hero"] != 0 {
		t.Error("hero was generated although its upstream failed")
	}
	lock, _ := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if lock.Image("image.icon") == nil || lock.Image("image.mascot") != nil {
		t.Error("lockfile should hold the icon only")
	}
	delete(fake.failFor, "image.mascot")
	pl, _ = apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"+ image.hero", "+ image.mascot"}, actions(pl)); diff != "" {
		t.Fatalf("retry plan (-want +got):\n%s", diff)
	}
}

// An image's files are created while its call is in flight; an output
// directory that cannot take them fails its images before any call, so
// nothing is paid for that could not be written. A failed call leaves no
// file behind.
func TestUnwritableOutputDirectoryCostsNoCall(t *testing.T) {
	dir, fake := newProject(t)
	fake.failFor["image.icon"] = os.ErrPermission
	p, pl := plan(t, dir, fake, PlanOptions{})
	// out/ becomes a file between plan and apply: no directory can be made.
	writeFiles(t, dir, map[string]string{"out": "not a directory"})
	res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 4})
	if err != nil {
		t.Fatal(err)
	}
	if res.Failed != 2 || res.Skipped != 1 || fake.callCount() != 0 {
		t.Fatalf("failed %d skipped %d, %d calls; want 2 failed, 1 skipped, no call", res.Failed, res.Skipped, fake.callCount())
	}
	for _, r := range res.Results {
		if r.Address == "image.mascot" && (r.Err == nil || !strings.Contains(r.Err.Error(), "creating out/mascot.png")) {
			t.Fatalf("mascot: %v", r.Err)
		}
	}
	p.Close()

	os.Remove(filepath.Join(dir, "out"))
	_, res = apply(t, dir, fake, PlanOptions{})
	if res.Done != 2 || res.Failed != 1 || fake.calls["image.icon"] != 1 {
		t.Fatalf("done %d failed %d, icon called %d times", res.Done, res.Failed, fake.calls["image.icon"])
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "out"))
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if diff := cmp.Diff([]string{"hero.png", "mascot.png"}, names); diff != "" {
		t.Errorf("out/ after a failed call (-want +got):\n%s", diff)
	}
}

// With StopIdleProviders, a provider is stopped once its last call is
// over, before Apply returns, and never while a call runs; without it, it
// runs until the Project closes its providers.
func TestIdleProviderStopsBeforeApplyReturns(t *testing.T) {
	for _, stop := range []bool{false, true} {
		dir, fake := newProject(t)
		fake.failFor["image.mascot"] = os.ErrPermission // hero is skipped
		p, pl := plan(t, dir, fake, PlanOptions{})
		res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 4, StopIdleProviders: stop})
		if err != nil || res.Done != 1 || res.Failed != 1 || res.Skipped != 1 {
			t.Fatalf("stop=%v: %v, done %d failed %d skipped %d", stop, err, res.Done, res.Failed, res.Skipped)
		}
		p.stopping.Wait()
		fake.mu.Lock()
		closed, calls, active := fake.closed, fake.callsAtClose, fake.activeAtClose
		fake.mu.Unlock()
		if closed != stop {
			t.Fatalf("stop=%v: provider closed before the Project: %v", stop, closed)
		}
		if stop && (calls != 2 || active != 0) {
			t.Errorf("stopped after %d calls with %d running; want 2 and none", calls, active)
		}
		p.Close()
	}
}

func TestHandEditedOutputIsDriftAndNeverOverwritten(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	icon := filepath.Join(dir, "out/icon.webp")
	os.WriteFile(icon, []byte("retouched by a designer"), 0o644)
	pl, _ := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"! image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(icon); string(b) != "retouched by a designer" {
		t.Fatal("apply overwrote a hand-edited output")
	}
	pl, _ = apply(t, dir, fake, PlanOptions{Replace: []string{"image.icon"}})
	if diff := cmp.Diff([]string{"~ image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("replace plan (-want +got):\n%s", diff)
	}
	if b, _ := os.ReadFile(icon); string(b) == "retouched by a designer" {
		t.Fatal("-replace did not regenerate")
	}
}

func TestMissingOutputIsRestoredFromCacheForFree(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	calls := fake.callCount()
	os.Remove(filepath.Join(dir, "out/icon.webp"))
	pl, res := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"< image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if res.Done != 1 || fake.callCount() != calls {
		t.Fatalf("restore called the provider: %d calls, want %d", fake.callCount(), calls)
	}
	if pl := planOnly(t, dir, fake, PlanOptions{}); pl.HasChanges() {
		t.Fatalf("after restore: %v", actions(pl))
	}
}

func TestRenamedOutputIsMoved(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	calls := fake.callCount()
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, "out/icon.webp", "out/icons/icon.webp", 1)})
	pl, _ := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"> image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if fake.callCount() != calls {
		t.Fatal("a move called the provider")
	}
	if _, err := os.Stat(filepath.Join(dir, "out/icons/icon.webp")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "out/icon.webp")); !os.IsNotExist(err) {
		t.Fatal("the old path still exists")
	}
}

func TestRemovedImageIsDeleted(t *testing.T) {
	dir, fake := newProject(t)
	apply(t, dir, fake, PlanOptions{})
	cfg := baseConfig[:strings.Index(baseConfig, `image "icon"`)]
	writeFiles(t, dir, map[string]string{"main.easel.hcl": cfg})
	pl, _ := apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"- image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(filepath.Join(dir, "out/icon.webp")); !os.IsNotExist(err) {
		t.Fatal("the output of a removed image is still there")
	}
	lock, _ := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if lock.Image("image.icon") != nil {
		t.Fatal("the lockfile still has the removed image")
	}
}

func TestTargetIncludesDependencies(t *testing.T) {
	dir, fake := newProject(t)
	pl := planOnly(t, dir, fake, PlanOptions{Targets: []string{"image.hero"}})
	if diff := cmp.Diff([]string{"+ image.hero", "+ image.mascot"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
	p := open(t, dir, fake)
	if _, diags := p.Plan(context.Background(), PlanOptions{Targets: []string{"image.heroo"}}); !diags.HasErrors() || !strings.Contains(diags.Error(), "image.hero") {
		t.Fatalf("a target matching nothing: %v", diags)
	}
}

func TestCycleIsReportedWithItsImages(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": `
image "a" {
  provider   = fake
  size       = "8x8"
  references = [image.b]
  output     = "a.png"
}
image "b" {
  provider   = fake
  size       = "8x8"
  depends_on = [image.a]
  output     = "b.png"
}
`})
	_, diags := Open(context.Background(), Options{Dir: dir, Providers: fakeSource{newFakeProvider()}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "image.a -> image.b") {
		t.Fatalf("want a cycle naming both images, got %v", diags)
	}
}

func TestSecondRunInSameDirectoryFailsClearly(t *testing.T) {
	dir, fake := newProject(t)
	open(t, dir, fake)
	_, diags := Open(context.Background(), Options{Dir: dir, Providers: fakeSource{fake}})
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Another easel is running") {
		t.Fatalf("got %v", diags)
	}
}

func TestExcludeLeavesOutImageAndItsDependents(t *testing.T) {
	dir, fake := newProject(t)
	pl := planOnly(t, dir, fake, PlanOptions{Exclude: []string{"image.m*"}})
	if diff := cmp.Diff([]string{"+ image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan (-want +got):\n%s", diff)
	}
}

func TestBudgetStopsStartingGenerations(t *testing.T) {
	dir, fake := newProject(t) // each image is estimated at $0.04 and costs $0.03
	p, pl := plan(t, dir, fake, PlanOptions{})
	res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 1, MaxCostUSD: 0.09})
	if err != nil {
		t.Fatal(err)
	}
	// icon and mascot are ready first and fit ($0.04 each booked, $0.03
	// each spent); hero would then take $0.06 spent + $0.04 past $0.09.
	var skipped []string
	for _, r := range res.Results {
		if errors.Is(r.Err, ErrBudget) || errors.Is(r.Err, ErrUpstreamFailed) {
			skipped = append(skipped, r.Address)
		}
	}
	if res.Done != 2 || len(skipped) != 1 || skipped[0] != "image.hero" {
		t.Fatalf("done %d, skipped %v; want icon and mascot done, hero over budget", res.Done, skipped)
	}
	if res.ActualUSD > 0.09 {
		t.Fatalf("spent $%.2f, over the $0.09 budget", res.ActualUSD)
	}
}

func TestFileAttributeIsHashedByBytesAndSentAsAFile(t *testing.T) {
	dir, fake := newProject(t)
	writePNG(t, filepath.Join(dir, "brand/mask.png"), color.RGBA{0, 0, 0, 0})
	cfg := strings.Replace(baseConfig, `prompt   = "An icon"`, `prompt   = "An icon"
  mask     = "brand/mask.png"`, 1)
	writeFiles(t, dir, map[string]string{"main.easel.hcl": cfg})
	apply(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"mask=brand/mask.png 8x8"}, fake.sawFiles); diff != "" {
		t.Fatalf("files the provider received (-want +got):\n%s", diff)
	}
	writePNG(t, filepath.Join(dir, "brand/mask.png"), color.RGBA{255, 255, 255, 255})
	pl := planOnly(t, dir, fake, PlanOptions{})
	if diff := cmp.Diff([]string{"~ image.icon"}, actions(pl)); diff != "" {
		t.Fatalf("plan after the mask's bytes changed (-want +got):\n%s", diff)
	}
	if r := pl.Changes[0].Reasons[0]; r.Kind != ReasonReference || r.Reference != "brand/mask.png" {
		t.Errorf("reason: %+v", r)
	}
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(cfg, "brand/mask.png", "../mask.png", 1)})
	p := open(t, dir, fake)
	if _, diags := p.Plan(context.Background(), PlanOptions{}); !diags.HasErrors() || !strings.Contains(diags.Error(), "inside the project") {
		t.Fatalf("a mask outside the project: %v", diags)
	}
}

// independentImages is a configuration of n images on the fake provider
// that depend on nothing.
func independentImages(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "image \"i%02d\" {\n  provider = fake\n  size = \"4x4\"\n  output = \"o/%02d.png\"\n}\n", i, i)
	}
	return b.String()
}

// An image frees its slot once its provider call is over, before its
// output and lockfile entry are persisted; the next call may start then,
// but never more than Parallelism calls run at once.
func TestParallelismBoundsProviderCalls(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": independentImages(30)})
	fake := newFakeProvider()
	fake.onCall = func(*plugins.ImageRequest) { time.Sleep(5 * time.Millisecond) }
	p, pl := plan(t, dir, fake, PlanOptions{})
	res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 3})
	if err != nil || res.Done != 30 {
		t.Fatalf("apply: %v, done %d of 30", err, res.Done)
	}
	if peak := fake.running.Peak(); peak > 3 || peak < 2 {
		t.Fatalf("%d provider calls ran at once at parallelism 3", peak)
	}
}

// At parallelism 1 a finished worker still holds its group slot for a
// moment after it reports; the walk must not wait for a completion that
// will never come (it once did, now and then).
func TestParallelismOneFinishesEveryImage(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": independentImages(40)})
	fake := newFakeProvider()
	p, pl := plan(t, dir, fake, PlanOptions{})
	done := make(chan *ApplyResult, 1)
	go func() {
		res, _ := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 1})
		done <- res
	}()
	select {
	case res := <-done:
		if res.Done != 40 {
			t.Fatalf("done %d of 40", res.Done)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("apply at parallelism 1 never finished")
	}
}

// A new image whose output path holds a file easel did not write is a
// plan error, and the file is left as it was; -replace overwrites it on
// purpose. A file easel wrote for an image now renamed is replaced freely.
func TestCreateNeverOverwritesAFileEaselDidNotWrite(t *testing.T) {
	dir, fake := newProject(t)
	mine := filepath.Join(dir, "out/icon.webp")
	writeFiles(t, dir, map[string]string{"out/icon.webp": "a designer's icon"})
	p := open(t, dir, fake)
	_, diags := p.Plan(context.Background(), PlanOptions{})
	p.Close()
	if !diags.HasErrors() || !strings.Contains(diags.Error(), "Output path is taken") || diags[0].Subject == nil {
		t.Fatalf("plan over a foreign file: %v", diags)
	}
	if b, _ := os.ReadFile(mine); string(b) != "a designer's icon" {
		t.Fatal("the foreign file was touched")
	}
	pl := planOnly(t, dir, fake, PlanOptions{Replace: []string{"image.icon"}})
	for _, c := range pl.Changes {
		if c.Address == "image.icon" && c.Action != Create {
			t.Fatalf("-replace over a foreign file: %s, want create", c.Action)
		}
	}
	apply(t, dir, fake, PlanOptions{Replace: []string{"image.icon"}})

	// Rename the icon: the new address is not locked, but its file is one
	// easel wrote (for image.icon), so it may be created over it.
	writeFiles(t, dir, map[string]string{"main.easel.hcl": strings.Replace(baseConfig, `image "icon"`, `image "badge"`, 1)})
	if _, diags := open(t, dir, fake).Plan(context.Background(), PlanOptions{}); diags.HasErrors() {
		t.Fatalf("plan of a renamed image over its own old output: %v", diags)
	}
}
