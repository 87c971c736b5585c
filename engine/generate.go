package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/marks"
	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/schema"
)

// generate runs one create or regenerate and records its result. An image
// whose spec, once its upstream images are done, is in the spec index is
// restored instead, and its provider is never called. Its candidates, if
// any, are generated at most slots at a time.
func (a *applier) generate(ctx context.Context, n *node, c *Change, slots int, free func()) {
	start := time.Now()
	pi := a.pl.byAddr[c.Address]
	refs, err := a.references(ctx, pi)
	var spec, base string
	if err == nil {
		spec, base = a.specHashes(pi, refs)
		if r := a.reuse(pi, refs, spec); r != nil {
			a.finish(c, r)
			return
		}
	}
	// A queued image starts when its call leaves the provider's queue.
	started := sync.OnceFunc(func() {
		if a.queued > 0 {
			start = time.Now()
		}
		a.emit(Event{Kind: EventStart, Address: c.Address, Action: c.Action})
	})
	if a.queued == 0 {
		started()
	}
	var r *Result
	if err == nil {
		r, err = a.generateOne(ctx, pi, refs, spec, base, slots, free, started)
	}
	if r == nil {
		r = &Result{}
	}
	r.Output, r.Err, r.Elapsed = c.Output, err, elapsedSince(start)
	a.finish(c, r)
}

// generateOne calls the provider once per candidate (once for most
// images) and records the outcome.
func (a *applier) generateOne(ctx context.Context, pi *planned, refs []plugins.Reference, spec, base string, slots int, free, started func()) (*Result, error) {
	inst, err := a.instance(ctx, pi.change.Provider)
	if err != nil {
		return nil, err
	}
	g := &generation{a: a, inst: inst, pi: pi, refs: refs, base: base, count: max(pi.spec.candidates, 1), slots: max(slots, 1), free: free, started: started}
	cands, err := g.run(ctx)
	if err != nil {
		return g.result(nil), a.withdrawnSkip(inst, pi.change, err)
	}
	return a.recordSuccess(pi, spec, refs, g, cands)
}

// recordSuccess indexes the new output and persists its lockfile entry.
func (a *applier) recordSuccess(pi *planned, spec string, refs []plugins.Reference, g *generation, cands []*candidate) (*Result, error) {
	sums := make([]string, len(refs))
	for i, r := range refs {
		sums[i] = r.SHA256
	}
	first := cands[0]
	entry := lockEntry(pi, spec, sums)
	entry.SHA256, entry.Bytes, entry.Width, entry.Height = first.sum, first.size, first.width, first.height
	entry.CostUSD, entry.Metadata = totalCost(cands), first.metadata
	if len(cands) > 1 {
		for _, cd := range cands {
			entry.Candidates = append(entry.Candidates, cd.sum)
		}
	}
	ie := entryOf(entry, a.p.opts.Now().UTC())
	if len(cands) > 1 {
		for _, cd := range cands {
			ie.Each = append(ie.Each, candidateInfo{SHA256: cd.sum, Bytes: cd.size, Width: cd.width, Height: cd.height, CostUSD: cd.cost, Metadata: cd.metadata})
		}
	}
	if err := a.cache.index(ie); err != nil {
		fmt.Fprintf(a.p.opts.Log, "%s: not indexed: %v\n", entry.Address, err)
	}
	r := g.result(cands)
	if err := a.lock.set(entry); err != nil {
		return r, fmt.Errorf("the image was written but the lockfile was not: %w", err)
	}
	a.retire(pi)
	return r, nil
}

// generateFailed turns a provider error into the image's error, and stops
// further calls to a provider that is out of quota.
func (a *applier) generateFailed(inst *providerInstance, c *Change, err error, gctx context.Context) error {
	var ge *plugins.GenerateError
	if errors.As(err, &ge) && ge.Kind == plugins.ErrQuota {
		inst.mu.Lock()
		inst.exhausted = fmt.Errorf("provider %s is out of quota: %s", c.Provider, ge.Message)
		inst.mu.Unlock()
		a.withdraw(gctx)
	}
	if errors.Is(gctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("no image after %s (the provider did not answer in time): %w", a.opts.ImageTimeout, err)
	}
	return err
}

// references opens every reference for the provider. An image reference
// reads the upstream image's output, just written or locked; a URL
// reference is fetched (once per run) and its content hash is what the
// spec hash and the lockfile record.
func (a *applier) references(ctx context.Context, pi *planned) ([]plugins.Reference, error) {
	refs := make([]plugins.Reference, len(pi.refs))
	for i, r := range pi.refs {
		ref := plugins.Reference{Kind: plugins.ReferenceKind(r.spec.Kind), Name: r.spec.Value, SHA256: r.sum, Size: r.size, Attribute: r.attr}
		var path string
		switch r.spec.Kind {
		case schema.RefURL:
			f, err := a.p.fetchURL(ctx, r.spec.Value)
			if err != nil {
				return nil, err
			}
			ref.SHA256, ref.Size, ref.MediaType, ref.Width, ref.Height = f.sum, f.size, f.mediaType, f.width, f.height
			ref.Open = openObject(f.path)
			refs[i] = ref
			continue
		case schema.RefImage:
			up := a.p.byAddr[r.spec.Value]
			path = a.abs(up.inst.Output)
			ref.MediaType = mediaTypeOf(up.inst.Output)
			if res := a.result(r.spec.Value); res != nil && res.SHA256 != "" {
				ref.SHA256, ref.Size = res.SHA256, res.Bytes
			}
			if ref.SHA256 == "" {
				return nil, fmt.Errorf("upstream image %s has no output yet", r.spec.Value)
			}
		default:
			path = a.abs(r.spec.Value)
			ref.MediaType = mediaTypeOf(r.spec.Value)
		}
		ref.Open = func() (io.ReadCloser, error) { return os.Open(path) }
		ref.Width, ref.Height = dimensions(path)
		refs[i] = ref
	}
	return refs, nil
}

// specHashes completes the spec hash once every upstream output is known,
// and the base hash its candidates' seeds derive from.
func (a *applier) specHashes(pi *planned, refs []plugins.Reference) (spec, base string) {
	if spec = pi.change.SpecHash; spec != "" && sameSums(pi, refs) {
		// Known at plan time, and no reference changed since: the hash
		// is the plan's. Only candidates make the base hash differ.
		if pi.spec.candidates > 1 {
			return spec, pi.spec.baseHash()
		}
		return spec, spec
	}
	s := *pi.spec
	s.refs = make([]string, len(refs))
	for i, r := range refs {
		s.refs[i] = pi.refs[i].key(r.SHA256)
	}
	return s.hash(), s.baseHash()
}

// sameSums reports whether every reference has the bytes it was planned with.
func sameSums(pi *planned, refs []plugins.Reference) bool {
	for i, r := range refs {
		if r.SHA256 != pi.refs[i].sum {
			return false
		}
	}
	return true
}

// instance returns the configured provider for a key, starting and
// configuring it on first use.
func (a *applier) instance(ctx context.Context, key string) (*providerInstance, error) {
	a.mu.Lock()
	inst := a.instances[key]
	if inst == nil {
		inst = &providerInstance{}
		a.instances[key] = inst
	}
	a.mu.Unlock()
	inst.once.Do(func() { inst.err = a.configure(ctx, key, inst) })
	if inst.err != nil {
		return nil, inst.err
	}
	if err := inst.stopped(); err != nil {
		return nil, err
	}
	return inst, nil
}

// stopped is the skip of an image whose provider is out of quota; nil
// while it takes requests.
func (inst *providerInstance) stopped() error {
	inst.mu.Lock()
	defer inst.mu.Unlock()
	if inst.exhausted != nil {
		return &skipError{why: inst.exhausted.Error(), reason: ErrProviderStopped}
	}
	return nil
}

func (a *applier) configure(ctx context.Context, key string, inst *providerInstance) error {
	name := providerName(key)
	if key == name {
		inst.prov = a.p.Provider(name)
	}
	if inst.prov == nil {
		prov, err := a.p.opts.Providers.Start(ctx, name)
		if err != nil {
			return fmt.Errorf("starting provider %s: %w", key, err)
		}
		inst.prov, inst.own = prov, true
	}
	pc := a.p.providerConfig(key)
	if pc == nil {
		return nil
	}
	if d := inst.prov.Configure(ctx, marks.Strip(pc.Config)); d.HasErrors() {
		diags := mapDiagnostics(d, pc.AttrRanges, pc.DeclRange)
		return fmt.Errorf("configuring provider %s: %s", key, diags.Error())
	}
	return nil
}

func (p *Project) providerConfig(key string) *schema.ProviderInstance {
	for _, pi := range p.Evaluated.Providers {
		if pi.Key == key {
			return pi
		}
	}
	return nil
}

// outputSink hashes and counts what the provider streams, keeping the first
// bytes to check the image's format and size before it is committed.
type outputSink struct {
	w    io.Writer
	h    interface{ Sum([]byte) []byte }
	hw   io.Writer
	head bytes.Buffer
	size int64
}

const headLimit = 1 << 20

func newOutputSink(w io.Writer) *outputSink {
	h := sha256.New()
	return &outputSink{w: w, h: h, hw: h}
}

func (s *outputSink) Write(p []byte) (int, error) {
	if room := headLimit - s.head.Len(); room > 0 {
		s.head.Write(p[:min(room, len(p))])
	}
	s.hw.Write(p)
	s.size += int64(len(p))
	return s.w.Write(p)
}

type checkedImage struct {
	sum           string
	size          int64
	format        string
	width, height int
}

// image reads the header of what was streamed: its format and dimensions,
// with the bytes' sha256 and size.
func (s *outputSink) image() (checkedImage, error) {
	format, w, h, err := imagefmt.Sniff(bytes.NewReader(s.head.Bytes()))
	if err != nil {
		return checkedImage{}, err
	}
	return checkedImage{sum: hex.EncodeToString(s.h.Sum(nil)), size: s.size, format: format, width: w, height: h}, nil
}

// check decodes the image header: garbage is an error, never a file.
func (s *outputSink) check(want string) (checkedImage, error) {
	img, err := s.image()
	if err != nil {
		return checkedImage{}, fmt.Errorf("the provider returned something that is not a readable image: %w", err)
	}
	if want != "" && img.format != want {
		return checkedImage{}, fmt.Errorf("the provider returned a %s image, but the output %s asks for %s", img.format, filepath.Ext(want), want)
	}
	return img, nil
}

// dimensions reads an image file's width and height from its header; zero
// when it cannot.
func dimensions(path string) (int, int) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	_, w, h, err := imagefmt.Sniff(f)
	if err != nil {
		return 0, 0
	}
	return w, h
}
