package engine

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins"
)

// settle turns an image that would be generated into a restore when the
// spec index knows its new spec, and records what its output will be once
// applied, for the images downstream of it. Only images that would
// generate look at the index, so a no-op plan reads nothing more.
func (pl *planner) settle(pi *planned, le *lockfile.Image) {
	pi.locked = le
	if pi.change.Action.Generates() {
		pl.fromCache(pi)
	}
	switch {
	case pi.cached != nil:
		pi.sum, pi.size = pi.cached.SHA256, pi.cached.Bytes
	case pi.change.Action.Generates() || le == nil:
		pi.sum, pi.size = "", 0
	default:
		pi.sum, pi.size = le.SHA256, le.Bytes
	}
}

// fromCache restores an image whose new spec was generated before. It is
// never used for -replace, which asks for a new roll.
func (pl *planner) fromCache(pi *planned) {
	c := pi.change
	if c.SpecHash == "" || pl.replace[c.Address] || !pl.dirExists(pl.cache.specsDir()) {
		return
	}
	e, ok := pl.cache.lookup(c.SpecHash)
	if !ok {
		return
	}
	msg := fmt.Sprintf("this spec was generated before on %s; restored from .easel/cache at no cost", e.when())
	if e.Address != c.Address {
		msg = fmt.Sprintf("this spec was generated before on %s (as %s); restored from .easel/cache at no cost", e.when(), e.Address)
	}
	c.Action = Restore
	c.Reasons = append([]Reason{{Kind: ReasonCached, Message: msg}}, c.Reasons...)
	pi.cached = e
}

// lockEntry is the lockfile entry of a planned image with the given spec
// hash and reference hashes (in the order of pi.refs); the caller fills in
// the output.
func lockEntry(pi *planned, spec string, refSums []string) *lockfile.Image {
	c := pi.change
	e := &lockfile.Image{Address: c.Address, Provider: c.Provider, Model: c.Model,
		SpecHash: spec, Output: c.Output, Inputs: pi.spec.attrs}
	for i, r := range pi.refs {
		e.References = append(e.References, &lockfile.Reference{Name: r.spec.Value, Kind: string(r.spec.Kind), SHA256: refSums[i]})
	}
	return e
}

// withOutput fills an entry's output fields from an index entry.
func withOutput(le *lockfile.Image, e *cacheEntry) *lockfile.Image {
	le.SHA256, le.Bytes, le.Width, le.Height = e.SHA256, e.Bytes, e.Width, e.Height
	le.CostUSD, le.Metadata, le.Candidates = e.CostUSD, maps.Clone(e.Metadata), slices.Clone(e.Candidates)
	return le
}

// restoreCached writes a restore planned from the spec index: the cached
// output goes to the output path and the lockfile entry is made from the
// index entry.
func (a *applier) restoreCached(c *Change, pi *planned) error {
	sums := make([]string, len(pi.refs))
	for i, r := range pi.refs {
		sums[i] = r.sum
	}
	return a.restoreEntry(pi, pi.cached, lockEntry(pi, c.SpecHash, sums))
}

func (a *applier) restoreEntry(pi *planned, e *cacheEntry, le *lockfile.Image) error {
	dst := a.abs(pi.change.Output)
	if err := a.cache.restore(e.SHA256, dst); err != nil {
		return fmt.Errorf("restoring %s from the cache: %w", pi.change.Output, err)
	}
	a.p.stat.record(dst, e.SHA256)
	if err := a.lock.set(withOutput(le, e)); err != nil {
		return err
	}
	a.retire(pi)
	return nil
}

// reuse restores an image that was planned to generate when, now that
// every image upstream of it is done, its spec (hash) turns out to be one
// the spec index knows. It returns nil when the image must be generated.
func (a *applier) reuse(pi *planned, refs []plugins.Reference, spec string) *Result {
	if a.pl.replace[pi.change.Address] {
		return nil
	}
	e, ok := a.cache.lookup(spec)
	if !ok {
		return nil
	}
	sums := make([]string, len(refs))
	for i, r := range refs {
		sums[i] = r.SHA256
	}
	start := time.Now()
	zero := 0.0
	r := &Result{Action: Restore, SHA256: e.SHA256, Bytes: e.Bytes, Width: e.Width, Height: e.Height, CostUSD: &zero}
	r.Err = a.restoreEntry(pi, e, lockEntry(pi, spec, sums))
	r.Output, r.Elapsed = pi.change.Output, elapsedSince(start)
	return r
}

// retire removes the output an image leaves behind when it is regenerated
// or restored to a new path: only while it is still exactly what easel
// wrote, only after it is in the cache, and never a path another image is
// configured to write.
func (a *applier) retire(pi *planned) {
	old := pi.change.PrevOutput
	if old == "" || old == pi.change.Output || pi.locked == nil || a.outputs[old] {
		return
	}
	path := a.abs(old)
	sum, _, err := fsx.HashFile(path)
	if err != nil || sum != pi.locked.SHA256 {
		return
	}
	if err := a.cache.store(path, sum); err != nil {
		fmt.Fprintf(a.p.opts.Log, "%s: %s kept: %v\n", pi.change.Address, old, err)
		return
	}
	if err := os.Remove(path); err != nil {
		fmt.Fprintf(a.p.opts.Log, "%s: %v\n", pi.change.Address, err)
	}
}
