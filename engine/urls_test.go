package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/easelhq/easel/lockfile"
)

const refURL = "https://cdn.example.com/brand/ref.png?sig=abc"

const urlConfig = `
image "banner" {
  provider   = fake
  prompt     = "A banner in the style of the reference"
  references = ["` + refURL + `"]
  size       = "32x16"
  output     = "out/banner.png"
}

image "card" {
  provider   = fake
  prompt     = "A card in the style of the reference"
  references = ["` + refURL + `"]
  size       = "16x16"
  output     = "out/card.png"
}
`

// fakeFetcher serves URL contents from memory and counts fetches.
type fakeFetcher struct {
	mu    sync.Mutex
	files map[string][]byte
	err   error
	calls int
}

func (f *fakeFetcher) Fetch(_ context.Context, url string, w io.Writer) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	if f.err != nil {
		return 0, f.err
	}
	b, ok := f.files[url]
	if !ok {
		return 0, errors.New("fetching " + url + ": HTTP 404 Not Found")
	}
	n, err := w.Write(b)
	return int64(n), err
}

func (f *fakeFetcher) set(url string, b []byte) {
	f.mu.Lock()
	f.files[url] = b
	f.mu.Unlock()
}

func (f *fakeFetcher) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

func pngBytes(t *testing.T, c color.RGBA) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ref.png")
	writePNG(t, path, c)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hexSum(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }

type urlProject struct {
	dir     string
	fake    *fakeProvider
	fetcher *fakeFetcher
}

func newURLProject(t *testing.T, ref []byte) *urlProject {
	t.Helper()
	return &urlProject{
		dir:     writeFiles(t, "", map[string]string{"main.easel.hcl": urlConfig}),
		fake:    newFakeProvider(),
		fetcher: &fakeFetcher{files: map[string][]byte{refURL: ref}},
	}
}

func (u *urlProject) plan(t *testing.T, opts PlanOptions) (*Project, *Plan) {
	t.Helper()
	p, diags := Open(context.Background(), Options{Dir: u.dir, Providers: fakeSource{u.fake}, Fetcher: u.fetcher})
	if diags.HasErrors() {
		t.Fatalf("Open: %s", diags.Error())
	}
	t.Cleanup(func() { p.Close() })
	pl, diags := p.Plan(context.Background(), opts)
	if diags.HasErrors() {
		t.Fatalf("Plan: %s", diags.Error())
	}
	return p, pl
}

func (u *urlProject) apply(t *testing.T, opts PlanOptions) (*Plan, *ApplyResult) {
	t.Helper()
	p, pl := u.plan(t, opts)
	res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 4})
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	p.Close()
	return pl, res
}

// pin is the content hash the lockfile records for addr's URL reference.
func (u *urlProject) pin(t *testing.T, addr string) string {
	t.Helper()
	lf, diags := lockfile.Load(filepath.Join(u.dir, lockfile.FileName))
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	le := lf.Image(addr)
	if le == nil || len(le.References) != 1 {
		t.Fatalf("%s: no locked entry with one reference", addr)
	}
	if r := le.References[0]; r.Name != refURL || r.Kind != lockfile.KindURL {
		t.Fatalf("%s: locked reference %q (%s); want the URL", addr, r.Name, r.Kind)
	}
	return le.References[0].SHA256
}

func TestURLReferenceIsFetchedOnceAtApplyAndPinned(t *testing.T) {
	ref := pngBytes(t, color.RGBA{0, 90, 200, 255})
	u := newURLProject(t, ref)
	pl := planOnlyURL(t, u)
	if got := u.fetcher.count(); got != 0 {
		t.Fatalf("plan fetched %d times; a plan without -refresh makes no network call", got)
	}
	for _, c := range pl.Changes {
		if c.Action != Create || c.SpecHash != "" {
			t.Errorf("%s: %s with spec %q; want create, spec known after apply", c.Address, c.Action, c.SpecHash)
		}
	}
	_, res := u.apply(t, PlanOptions{})
	if res.Failed > 0 {
		t.Fatalf("apply failed: %v", res.Results)
	}
	if got := u.fetcher.count(); got != 1 {
		t.Errorf("two images naming one URL fetched it %d times; want 1", got)
	}
	for _, addr := range []string{"image.banner", "image.card"} {
		if got := u.pin(t, addr); got != hexSum(ref) {
			t.Errorf("%s pins %s; want the content's sha256 %s", addr, got, hexSum(ref))
		}
		if got := u.fake.sawRefs[addr]; len(got) != 1 || got[0] != hexSum(ref) {
			t.Errorf("%s: the provider read %v; want the fetched bytes", addr, got)
		}
	}
	again := planOnlyURL(t, u)
	if len(again.Changes) != 0 || u.fetcher.count() != 1 {
		t.Errorf("second plan: %v with %d fetches; want nothing to do and no fetch", actions(again), u.fetcher.count())
	}
}

func planOnlyURL(t *testing.T, u *urlProject) *Plan {
	t.Helper()
	p, pl := u.plan(t, PlanOptions{})
	p.Close()
	return pl
}

func TestRefreshSeesAChangedRemoteFile(t *testing.T) {
	first := pngBytes(t, color.RGBA{0, 90, 200, 255})
	u := newURLProject(t, first)
	u.apply(t, PlanOptions{})
	calls := u.fake.callCount()

	second := pngBytes(t, color.RGBA{250, 200, 0, 255})
	u.fetcher.set(refURL, second)
	if pl := planOnlyURL(t, u); len(pl.Changes) != 0 {
		t.Fatalf("a plan without -refresh trusts the pins; got %v", actions(pl))
	}
	p, pl := u.plan(t, PlanOptions{Refresh: true})
	p.Close()
	if got, want := actions(pl), []string{"~ image.banner", "~ image.card"}; !equalStrings(got, want) {
		t.Fatalf("refreshed plan: %v; want %v", got, want)
	}
	r := pl.Changes[0].Reasons[0]
	if r.Kind != ReasonReference || !strings.Contains(r.Message, "content at https://cdn.example.com/brand/ref.png?… changed") || strings.Contains(r.Message, "sig=abc") || r.Old != hexSum(first)[:12] || r.New != hexSum(second)[:12] {
		t.Errorf("reason %+v; want the URL's content change with old and new hashes", r)
	}
	if pl.RefreshedURLs[refURL] != hexSum(second) {
		t.Errorf("RefreshedURLs = %v; want the new hash for a saved plan", pl.RefreshedURLs)
	}

	u.apply(t, PlanOptions{Refresh: true})
	if got := u.fake.callCount() - calls; got != 2 {
		t.Errorf("the provider was called %d times; want 2 (both images)", got)
	}
	if got := u.pin(t, "image.banner"); got != hexSum(second) {
		t.Errorf("pin after apply %s; want the new content %s", got, hexSum(second))
	}

	// Back to the first file: its outputs are in the cache, at no cost.
	u.fetcher.set(refURL, first)
	calls = u.fake.callCount()
	_, res := u.apply(t, PlanOptions{Refresh: true})
	if res.Done != 2 || u.fake.callCount() != calls {
		t.Errorf("reverting the remote file: %d done, %d provider calls; want 2 restored without a call", res.Done, u.fake.callCount()-calls)
	}
}

func TestSavedRefreshPlansAgainIdentically(t *testing.T) {
	u := newURLProject(t, pngBytes(t, color.RGBA{0, 90, 200, 255}))
	u.apply(t, PlanOptions{})
	u.fetcher.set(refURL, pngBytes(t, color.RGBA{1, 2, 3, 255}))
	p, refreshed := u.plan(t, PlanOptions{Refresh: true})
	p.Close()
	fetches := u.fetcher.count()
	p, again := u.plan(t, PlanOptions{URLContent: refreshed.RefreshedURLs})
	p.Close()
	if again.Fingerprint != refreshed.Fingerprint {
		t.Errorf("planned again with the refreshed hashes: fingerprint %s; want %s", again.Fingerprint, refreshed.Fingerprint)
	}
	if u.fetcher.count() != fetches {
		t.Errorf("planning with known hashes fetched %d times", u.fetcher.count()-fetches)
	}
}

func TestUnreachableURLFailsItsImagesWithoutAProviderCall(t *testing.T) {
	u := newURLProject(t, nil)
	u.fetcher.err = errors.New("fetching https://cdn.example.com/brand/ref.png?…: HTTP 403 Forbidden")
	_, res := u.apply(t, PlanOptions{})
	if res.Failed != 2 || u.fake.callCount() != 0 {
		t.Fatalf("%d failed, %d provider calls; want both failed and no call", res.Failed, u.fake.callCount())
	}
	if err := res.Results[0].Err; !strings.Contains(err.Error(), "HTTP 403") {
		t.Errorf("error %q does not say why", err)
	}
	if _, err := os.Stat(filepath.Join(u.dir, lockfile.FileName)); err == nil {
		lf, _ := lockfile.Load(filepath.Join(u.dir, lockfile.FileName))
		if len(lf.Images) != 0 {
			t.Errorf("the lockfile records %d images", len(lf.Images))
		}
	}
}

func TestRefreshFailureIsADiagnosticOnTheReference(t *testing.T) {
	u := newURLProject(t, nil)
	u.apply(t, PlanOptions{}) // fails: no such file; nothing locked
	u.fetcher.set(refURL, []byte("<html>not found</html>"))
	p, diags := Open(context.Background(), Options{Dir: u.dir, Providers: fakeSource{u.fake}, Fetcher: u.fetcher})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	defer p.Close()
	_, diags = p.Plan(context.Background(), PlanOptions{Refresh: true})
	if !diags.HasErrors() {
		t.Fatal("a refresh of a URL that is not an image planned without error")
	}
	d := diags[0]
	if d.Subject == nil || d.Subject.Start.Line != 5 || !strings.Contains(d.Detail, "not a PNG, JPEG, WebP, GIF or SVG image") {
		t.Errorf("diagnostic %q at %v; want the reference's line 5 and the reason", d.Detail, d.Subject)
	}
	if strings.Contains(d.Detail, "sig=abc") {
		t.Errorf("the diagnostic shows the URL's query: %s", d.Detail)
	}
}

func equalStrings(a, b []string) bool {
	return bytes.Equal([]byte(strings.Join(a, "\n")), []byte(strings.Join(b, "\n")))
}

// A project opened read-only (no run lock) may not refresh: the fetched
// bytes go through .easel/cache, which a concurrent apply cleans.
func TestRefreshNeedsTheRunLock(t *testing.T) {
	u := newURLProject(t, pngBytes(t, color.RGBA{1, 2, 3, 255}))
	p, diags := Open(context.Background(), Options{Dir: u.dir, Providers: fakeSource{u.fake}, Fetcher: u.fetcher, ReadOnly: true})
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	defer p.Close()
	if _, diags = p.Plan(context.Background(), PlanOptions{Refresh: true}); !diags.HasErrors() || !strings.Contains(diags.Error(), "read-only") {
		t.Fatalf("a read-only refresh planned: %v", diags)
	}
	if n := u.fetcher.count(); n != 0 {
		t.Errorf("a read-only refresh fetched %d times", n)
	}
}
