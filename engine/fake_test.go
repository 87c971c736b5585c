package engine

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/testcount"
	"github.com/easelhq/easel/plugins"
	"github.com/zclconf/go-cty/cty"
)

// fakeProvider is an in-process provider: it renders a flat PNG whose colour
// comes from the spec hash, counts calls and fails on request.
type fakeProvider struct {
	mu       sync.Mutex
	calls    map[string]int
	failFor  map[string]error
	sawRefs  map[string][]string // address -> sha256 of each reference's bytes
	sawFiles []string            // "attr=path WxH" of file attributes received
	seeds    map[string][]string // address -> the SpecHash of each call
	closed   bool
	estimate *float64
	running  testcount.Gauge // Generate calls past their slot
	// onCall, when set, runs at the start of every Generate, unlocked.
	onCall func(req *plugins.ImageRequest)
	// callsAtClose and activeAtClose are the calls made and running
	// when Close was first called.
	callsAtClose, activeAtClose int

	// queues makes the fake queue calls with slots as the plugin SDK does.
	queues    bool
	inSlots   int             // calls holding one of their slots
	held      testcount.Gauge // calls with slots received and not ended
	withdrawn map[string]bool // batches withdrawn
	changed   chan struct{}   // closed and replaced when a slot frees or a batch is withdrawn
}

func newFakeProvider() *fakeProvider {
	usd := 0.04
	return &fakeProvider{calls: map[string]int{}, failFor: map[string]error{}, sawRefs: map[string][]string{}, seeds: map[string][]string{}, estimate: &usd}
}

func (f *fakeProvider) GetSchema(context.Context) (*plugins.Schema, error) {
	return &plugins.Schema{HashVersion: 1, Version: "1.0.0", QueuesCalls: f.queues,
		Provider: []plugins.Attribute{{Name: "api_key", Type: cty.String, Sensitive: true}},
		Image: []plugins.Attribute{
			{Name: "prompt", Type: cty.String},
			{Name: "size", Type: cty.String, Required: true},
			{Name: "model", Type: cty.String, Default: cty.StringVal("fake-1")},
			{Name: "latency", Type: cty.String, NoHash: true},
			{Name: "mask", Type: cty.String, File: true},
		},
		Models: []plugins.Model{{ID: "fake-1", Status: plugins.Active}, {ID: "old-1", Status: plugins.Deprecated, Date: "2026-12-01", Replacement: "fake-1"}},
	}, nil
}

func (f *fakeProvider) ValidateConfig(context.Context, cty.Value) plugins.Diagnostics { return nil }
func (f *fakeProvider) Configure(context.Context, cty.Value) plugins.Diagnostics      { return nil }

func (f *fakeProvider) CheckImages(_ context.Context, reqs []*plugins.ImageRequest) ([]plugins.Diagnostics, []plugins.Estimate, error) {
	diags := make([]plugins.Diagnostics, len(reqs))
	ests := make([]plugins.Estimate, len(reqs))
	for i, r := range reqs {
		if r.Attrs.GetAttr("size").AsString() == "0x0" {
			diags[i] = plugins.Diagnostics{{Severity: plugins.SeverityError, Summary: "Bad size", Path: cty.GetAttrPath("size")}}
		}
		ests[i] = plugins.Estimate{USD: f.estimate}
	}
	return diags, ests, nil
}

func (f *fakeProvider) Generate(ctx context.Context, req *plugins.ImageRequest, out io.Writer) (*plugins.GenerateResult, error) {
	if req.Slots > 0 {
		release, err := f.waitSlot(ctx, req)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	if req.OnStart != nil {
		req.OnStart()
	}
	f.running.Enter()
	defer f.running.Leave()
	if f.onCall != nil {
		f.onCall(req)
	}
	f.mu.Lock()
	f.calls[req.Address]++
	f.seeds[req.Address] = append(f.seeds[req.Address], req.SpecHash)
	err := f.failFor[req.Address]
	f.mu.Unlock()
	if err != nil {
		return nil, err
	}
	var sums []string
	for _, r := range req.References {
		if r.Attribute != "" {
			f.mu.Lock()
			f.sawFiles = append(f.sawFiles, r.Attribute+"="+r.Name+fmt.Sprintf(" %dx%d", r.Width, r.Height))
			f.mu.Unlock()
			continue
		}
		rc, err := r.Open()
		if err != nil {
			return nil, err
		}
		h := sha256.New()
		io.Copy(h, rc)
		rc.Close()
		sums = append(sums, fmt.Sprintf("%x", h.Sum(nil)))
	}
	f.mu.Lock()
	f.sawRefs[req.Address] = sums
	f.mu.Unlock()
	var w, h int
	fmt.Sscanf(req.Attrs.GetAttr("size").AsString(), "%dx%d", &w, &h)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c := color.RGBA{req.SpecHash[8], req.SpecHash[9], req.SpecHash[10], 255}
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	if err := imagefmt.Encode(out, img, req.Format, 0); err != nil {
		return nil, err
	}
	cost := 0.03
	return &plugins.GenerateResult{MediaType: imagefmt.MediaType(req.Format), CostUSD: &cost}, nil
}

func (f *fakeProvider) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.closed {
		f.closed, f.activeAtClose = true, f.running.Now()
		for _, c := range f.calls {
			f.callsAtClose += c
		}
	}
	return nil
}

// waitSlot holds a call with slots until fewer than req.Slots calls run,
// or its batch is withdrawn, or ctx ends.
func (f *fakeProvider) waitSlot(ctx context.Context, req *plugins.ImageRequest) (release func(), err error) {
	f.mu.Lock()
	if !f.queues {
		f.mu.Unlock()
		return nil, errors.New("fake: slots sent to a provider that does not queue calls")
	}
	f.held.Enter()
	defer func() {
		if err != nil {
			f.held.Leave()
			f.mu.Unlock()
		}
	}()
	for {
		switch {
		case f.withdrawn[req.Batch]:
			return nil, &plugins.GenerateError{Kind: plugins.ErrWithdrawn, Message: "withdrawn"}
		case f.inSlots < req.Slots:
			f.inSlots++
			f.mu.Unlock()
			return func() {
				f.mu.Lock()
				f.inSlots--
				f.held.Leave()
				f.notify()
				f.mu.Unlock()
			}, nil
		}
		if f.changed == nil {
			f.changed = make(chan struct{})
		}
		ch := f.changed
		f.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			f.mu.Lock()
			return nil, ctx.Err()
		}
		f.mu.Lock()
	}
}

// notify wakes the calls waiting for a slot; f.mu is held.
func (f *fakeProvider) notify() {
	if f.changed != nil {
		close(f.changed)
		f.changed = nil
	}
}

func (f *fakeProvider) Withdraw(_ context.Context, batch string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.withdrawn == nil {
		f.withdrawn = map[string]bool{}
	}
	f.withdrawn[batch] = true
	f.notify()
	return nil
}

func (f *fakeProvider) callCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// fakeSource starts the same fakeProvider for the name "fake"; any other
// name is unknown.
type fakeSource struct{ p *fakeProvider }

func (s fakeSource) Start(_ context.Context, name string) (plugins.Provider, error) {
	if name != "fake" {
		return nil, errors.New("no provider named " + name)
	}
	return s.p, nil
}

// project writes files into a temp dir (or dir when set) and returns its path.
func writeFiles(t *testing.T, dir string, files map[string]string) string {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func writePNG(t testing.TB, path string, c color.RGBA) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := imagefmt.Encode(f, img, "png", 0); err != nil {
		t.Fatal(err)
	}
}
