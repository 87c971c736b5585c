package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/schema"
)

// Adopt and Pick change which output a locked image stands for, without
// changing its spec and without calling a provider: Adopt accepts the file
// on disk (a designer's retouch), Pick switches to another of the image's
// candidates. Either way the output is kept in the cache and indexed under
// the image's spec, the lockfile entry is rewritten at once, and the images
// downstream of it, whose spec hashes hold its output's sha256, plan to
// regenerate from the new output.

// ErrNothingToAdopt is returned by Adopt when the output file already is
// the locked output.
var ErrNothingToAdopt = errors.New("the output already matches the lockfile")

// Adopt records the image's output file, edited outside easel, as its
// locked result: plan stops reporting drift, and the images that use it
// regenerate from it. The entry's metadata says adopted = "true", and
// generated_sha256 keeps the sha256 easel generated (still in the cache).
func (p *Project) Adopt(ctx context.Context, addr string) (*lockfile.Image, error) {
	le, err := p.lockedImage(ctx, addr)
	if err != nil {
		return nil, err
	}
	path := p.abs(le.Output)
	sum, size, err := fsx.HashFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: there is no file at %s to adopt", addr, le.Output)
	case err != nil:
		return nil, fmt.Errorf("reading %s: %w", le.Output, err)
	case sum == le.SHA256:
		return le, ErrNothingToAdopt
	}
	w, h, err := checkImageFile(path, le.Output)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", addr, err)
	}
	cache := newOutputCache(p.dir)
	if err := cache.store(path, sum); err != nil {
		return nil, fmt.Errorf("keeping %s in the cache: %w", le.Output, err)
	}
	e := le.Clone()
	e.SHA256, e.Bytes, e.Width, e.Height = sum, size, w, h
	if e.Metadata == nil {
		e.Metadata = map[string]string{}
	}
	if e.Metadata["adopted"] != "true" {
		e.Metadata["generated_sha256"] = le.SHA256
	}
	e.Metadata["adopted"] = "true"
	return e, p.commitEntry(e, cache)
}

// Pick makes candidate n (from 1) of an image generated with candidates
// its output, from the cache.
func (p *Project) Pick(ctx context.Context, addr string, n int) (*lockfile.Image, error) {
	le, err := p.lockedImage(ctx, addr)
	if err != nil {
		return nil, err
	}
	if len(le.Candidates) == 0 {
		return nil, fmt.Errorf("%s was generated as a single image, so there is nothing to pick: set candidates = 4 (or any number up to %d) on it and apply to generate several", addr, schema.MaxCandidates)
	}
	if n < 1 || n > len(le.Candidates) {
		return nil, fmt.Errorf("%s has %d candidates: pick one from 1 to %d", addr, len(le.Candidates), len(le.Candidates))
	}
	sum := le.Candidates[n-1]
	path := p.abs(le.Output)
	cur, _, err := fsx.HashFile(path)
	if err == nil && cur != le.SHA256 && cur != sum {
		return nil, fmt.Errorf("%s: %s was edited outside easel; keep the edit with \"easel adopt %s\", or delete the file, before picking another candidate", addr, le.Output, addr)
	}
	cache := newOutputCache(p.dir)
	if !cache.has(sum) {
		return nil, fmt.Errorf("%s: candidate %d is no longer in .easel/cache (pruned?); regenerate the candidates with easel apply -replace=%s", addr, n, addr)
	}
	if err := cache.restore(sum, path); err != nil {
		return nil, fmt.Errorf("%s: restoring candidate %d: %w", addr, n, err)
	}
	e := le.Clone()
	if err := p.describeCandidate(e, cache, n, path); err != nil {
		return nil, err
	}
	return e, p.commitEntry(e, cache)
}

// describeCandidate sets the entry's output fields to candidate n's: from
// the spec index, or read from the file when the index lost them.
func (p *Project) describeCandidate(e *lockfile.Image, cache *outputCache, n int, path string) error {
	sum := e.Candidates[n-1]
	if ie, err := cache.readEntry(cache.specPath(e.SpecHash)); err == nil && len(ie.Each) == len(e.Candidates) && ie.Each[n-1].SHA256 == sum {
		c := ie.Each[n-1]
		e.SHA256, e.Bytes, e.Width, e.Height, e.Metadata = c.SHA256, c.Bytes, c.Width, c.Height, maps.Clone(c.Metadata)
		return nil
	}
	w, h, err := checkImageFile(path, e.Output)
	if err != nil {
		return fmt.Errorf("%s: candidate %d: %w", e.Address, n, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	e.SHA256, e.Bytes, e.Width, e.Height, e.Metadata = sum, fi.Size(), w, h, nil
	return nil
}

// lockedImage is the locked entry of addr, loading the project if Open
// answered from the plan cache.
func (p *Project) lockedImage(ctx context.Context, addr string) (*lockfile.Image, error) {
	if p.opts.ReadOnly {
		return nil, errors.New("the project was opened read-only")
	}
	if diags := p.Load(ctx); diags.HasErrors() {
		return nil, fmt.Errorf("loading the project: %s", diags.Error())
	}
	if p.Lock == nil {
		return nil, errors.New("the lockfile did not load")
	}
	le := p.Lock.Image(addr)
	if le == nil {
		detail := ""
		if s := schema.SuggestName(addr, p.knownAddresses()); s != "" {
			detail = fmt.Sprintf(" Did you mean %q?", s)
		}
		return nil, fmt.Errorf("%s is not in the lockfile: only an image easel has generated has an output to change.%s", addr, detail)
	}
	return le, nil
}

// checkImageFile reads an image file's header: it must be a readable image
// in the format its name asks for.
func checkImageFile(path, name string) (int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	format, w, h, err := imagefmt.Sniff(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s is not a readable image: %w", name, err)
	}
	if want, ok := imagefmt.FormatFromPath(name); ok && want != format {
		return 0, 0, fmt.Errorf("%s holds a %s image, but its name asks for %s", name, format, want)
	}
	return w, h, nil
}

// commitEntry indexes a changed entry under its spec and writes the
// lockfile at once.
func (p *Project) commitEntry(e *lockfile.Image, cache *outputCache) error {
	if err := cache.reindex(e, p.opts.Now().UTC()); err != nil {
		fmt.Fprintln(p.opts.Log, "warning:", err)
	}
	p.Lock.SetImage(e)
	if err := p.Lock.Save(filepath.Join(p.dir, lockfile.FileName)); err != nil {
		return err
	}
	dropPlanCache(p.dir)
	if p.stat != nil {
		p.stat.record(p.abs(e.Output), e.SHA256)
		if err := p.stat.save(); err != nil {
			fmt.Fprintln(p.opts.Log, "warning:", err)
		}
	}
	return nil
}

func (p *Project) abs(rel string) string {
	return filepath.Join(p.dir, filepath.FromSlash(rel))
}
