package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/plugins"
	"golang.org/x/sync/errgroup"
)

// Candidates: an image with candidates = N is generated N times, one
// provider call each. Every candidate goes to the cache, the first is
// written to the output, and the lockfile lists them all so that
// Project.Pick can switch the output to another one without generating.
//
// A provider tells the calls apart by the request's SpecHash, which it may
// use as a seed: candidate k of an image is given candidateSeed(base, k),
// where base is the image's spec hash without its candidates. Candidate 1
// is given base itself, so it is the image the same spec gives without
// candidates, and candidate k does not depend on how many candidates there
// are. A deterministic provider (the placeholder) gives the same N images
// every time; a model that takes a seed gives N different ones. The
// lockfile's spec_hash is the full hash, candidates included.

// candidateSeed is the SpecHash candidate k (from 1) of an image is
// generated with.
func candidateSeed(base string, k int) string {
	if k <= 1 {
		return base
	}
	sum := sha256.Sum256([]byte(base + "\ncandidate " + strconv.Itoa(k) + "\n"))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// candidate is one generated (or reused) output of an image.
type candidate struct {
	sum           string
	size          int64
	width, height int
	cost          *float64
	metadata      map[string]string
}

// generation generates one image's candidates.
type generation struct {
	a     *applier
	inst  *providerInstance
	pi    *planned
	refs  []plugins.Reference
	base  string
	count int
	slots int    // candidates generated at once
	free  func() // frees the slots once the provider calls are over
	// started tells that a call started: the provider took it from its
	// queue (or at once when nothing is queued).
	started func()

	mu       sync.Mutex // guards the fields below, which calls add to
	billed   int
	warnings []string
	spent    []*float64 // the costs of the calls made
}

// run generates every candidate. A single image streams straight to its
// output; several go to the cache first, and the first one is copied to
// the output once all succeeded, so a failure leaves the output as it was.
func (g *generation) run(ctx context.Context) ([]*candidate, error) {
	if g.count == 1 {
		cd, err := g.single(ctx)
		if err != nil {
			return nil, err
		}
		return []*candidate{cd}, nil
	}
	cands, err := g.candidates(ctx)
	g.free()
	if err != nil {
		return nil, err
	}
	out := g.a.abs(g.pi.change.Output)
	if err := g.a.cache.restore(cands[0].sum, out); err != nil {
		return nil, fmt.Errorf("writing %s: %w", g.pi.change.Output, err)
	}
	g.a.p.stat.record(out, cands[0].sum)
	return cands, nil
}

// candidates generates every candidate, g.slots at a time. After a failure
// no further one is started, but those running finish: each success is
// cached and indexed under its seed, so the next apply reuses it rather
// than paying for it again.
func (g *generation) candidates(ctx context.Context) ([]*candidate, error) {
	cands := make([]*candidate, g.count)
	errs := make([]error, g.count)
	var failed atomic.Bool
	var eg errgroup.Group
	eg.SetLimit(g.slots)
	for k := 1; k <= g.count; k++ {
		eg.Go(func() error {
			if failed.Load() {
				return nil
			}
			cd, err := g.candidate(ctx, k)
			if err != nil {
				failed.Store(true)
				errs[k-1] = fmt.Errorf("candidate %d of %d: %w", k, g.count, err)
			}
			cands[k-1] = cd
			return nil
		})
	}
	_ = eg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return cands, nil
}

// single generates an image without candidates into its output, and as
// the bytes stream in, into a cache object too: reading the output back
// afterwards cost a file open and read per image on the hot path.
//
// Both files are created while the call is in flight, not before it: on
// ext4, creating them for the first 64 calls of an apply held the last
// call back 20 ms or more, the calls waiting on their directories' locks.
// Nor after it: the last images' files would then be created after their
// answers, at the end of the run. The output's directory is checked once
// per apply beforehand, so an image that could not be written is not
// paid for.
func (g *generation) single(ctx context.Context) (*candidate, error) {
	c := g.pi.change
	path := g.a.abs(c.Output)
	if err := g.a.writable(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("creating %s: %w", c.Output, err)
	}
	out := fsx.DeferAtomic(path, 0o644)
	tee := &cacheTee{cache: g.a.cache}
	files := newPrepared(out, tee, g.a.creating)
	cd, img, err := g.call(ctx, g.base, files)
	g.free()
	<-files.ready // before the files are committed or removed
	// The cache object is committed before the output: a file at an
	// output path whose bytes the cache holds is one easel wrote, which is
	// how the next plan tells a run killed before its journal record from
	// a stranger's file (guardCreate).
	switch {
	case tee.obj == nil:
	case err != nil || tee.err != nil:
		tee.obj.abort()
	default:
		if cerr := tee.obj.commit(img.sum, false); cerr != nil {
			tee.err = cerr
		}
	}
	if err == nil && tee.err != nil {
		fmt.Fprintf(g.a.p.opts.Log, "%s: not cached: %v\n", c.Address, tee.err)
	}
	if err != nil {
		out.Abort()
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, fmt.Errorf("writing %s: %w", c.Output, err)
	}
	g.a.p.stat.record(path, img.sum)
	return cd, nil
}

// candidate reuses candidate k from the spec index (unless -replace asks
// for a new roll), or generates it into the cache and indexes it under its
// seed.
func (g *generation) candidate(ctx context.Context, k int) (*candidate, error) {
	seed := candidateSeed(g.base, k)
	if e, ok := g.a.cache.lookup(seed); ok && !g.a.pl.replace[g.pi.change.Address] {
		return &candidate{sum: e.SHA256, size: e.Bytes, width: e.Width, height: e.Height, cost: e.CostUSD, metadata: e.Metadata}, nil
	}
	w, err := g.a.cache.create()
	if err != nil {
		return nil, err
	}
	cd, img, err := g.call(ctx, seed, w)
	if err != nil {
		w.abort()
		return nil, err
	}
	if err := w.commit(img.sum, true); err != nil { // the candidate's only copy
		return nil, err
	}
	c := g.pi.change
	e := &cacheEntry{SpecHash: seed, Address: c.Address, Provider: c.Provider, Model: c.Model,
		SHA256: cd.sum, Bytes: cd.size, Width: cd.width, Height: cd.height, CostUSD: cd.cost,
		Metadata: cd.metadata, Time: g.a.p.opts.Now().UTC()}
	if err := g.a.cache.index(e); err != nil {
		fmt.Fprintf(g.a.p.opts.Log, "%s: candidate %d not indexed: %v\n", c.Address, k, err)
	}
	return cd, nil
}

// call asks the provider for one image with the given seed, streaming it
// to w, and checks what came back.
func (g *generation) call(ctx context.Context, seed string, w io.Writer) (*candidate, checkedImage, error) {
	req := g.a.p.request(g.pi, g.refs)
	req.SpecHash = seed
	if g.a.queued > 0 {
		req.Slots, req.Batch, req.OnStart = g.a.opts.Parallelism, g.a.batch, g.started
		if !g.a.enqueue(g.inst.prov) {
			return nil, checkedImage{}, errNotSent
		}
	}
	gctx, cancel := context.WithTimeout(ctx, g.a.opts.ImageTimeout)
	defer cancel()
	sink := newOutputSink(w)
	res, err := g.inst.prov.Generate(gctx, req, sink)
	if err != nil {
		return nil, checkedImage{}, g.a.generateFailed(g.inst, g.pi.change, err, gctx)
	}
	g.mu.Lock()
	g.billed += res.BilledRetries
	g.spent = append(g.spent, res.CostUSD)
	for _, w := range res.Warnings {
		g.warnings = append(g.warnings, w.Summary+": "+w.Detail)
	}
	g.mu.Unlock()
	img, err := sink.check(req.Format)
	if err != nil {
		return nil, checkedImage{}, err
	}
	return &candidate{sum: img.sum, size: img.size, width: img.width, height: img.height,
		cost: res.CostUSD, metadata: res.Metadata}, img, nil
}

// result is the image's Result: the first candidate's output, and what
// this apply spent on it (nil when a call's cost is unknown).
func (g *generation) result(cands []*candidate) *Result {
	r := &Result{CostUSD: sumCosts(g.spent), BilledRetries: g.billed, Warnings: g.warnings}
	if len(cands) > 0 {
		r.SHA256, r.Bytes, r.Width, r.Height = cands[0].sum, cands[0].size, cands[0].width, cands[0].height
	}
	return r
}

// totalCost is what all the candidates cost, reused ones included, for the
// lockfile; nil when any is unknown.
func totalCost(cands []*candidate) *float64 {
	costs := make([]*float64, len(cands))
	for i, cd := range cands {
		costs[i] = cd.cost
	}
	return sumCosts(costs)
}

func sumCosts(costs []*float64) *float64 {
	total := 0.0
	for _, c := range costs {
		if c == nil {
			return nil
		}
		total += *c
	}
	return &total
}
