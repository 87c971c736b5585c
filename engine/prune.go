package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
)

// Cache is a project's output cache opened to be inspected and pruned
// (easel cache). It holds the project's run lock, so no apply writes to
// the cache or the lockfile meanwhile.
type Cache struct {
	c      *outputCache
	lock   *lockfile.File
	unlock func() error
}

// OpenCache opens the output cache of the project in opts.Dir (only Dir
// and LockWait are used). A journal left by a killed run is folded into
// the lockfile first, so every output the lockfile stands for is known.
func OpenCache(ctx context.Context, opts Options) (*Cache, error) {
	p := &Project{opts: opts}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, err
	}
	p.dir = dir
	if d := p.takeRunLock(ctx); d.HasErrors() {
		return nil, errors.New(d[0].Summary + ": " + d[0].Detail)
	}
	if err := recoverJournal(dir); err != nil {
		p.unlock()
		return nil, fmt.Errorf("recovering the previous run's results: %w", err)
	}
	lock, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	if diags.HasErrors() {
		p.unlock()
		return nil, fmt.Errorf("the lockfile cannot be read, so easel cannot tell which outputs it needs: %s", diags.Error())
	}
	return &Cache{c: newOutputCache(dir), lock: lock, unlock: p.unlock}, nil
}

// Close releases the run lock.
func (c *Cache) Close() error {
	if c.unlock == nil {
		return nil
	}
	err := c.unlock()
	c.unlock = nil
	return err
}

// CacheUsage is what the cache holds.
type CacheUsage struct {
	Objects int
	Bytes   int64
	// InLockfile counts the objects the lockfile stands for.
	InLockfile int
	// Images is every image address with outputs in the cache, sorted; an
	// output restorable under several addresses counts under each.
	Images []ImageUsage
	// Unknown counts objects no index entry and no lockfile entry names.
	Unknown      int
	UnknownBytes int64
}

// ImageUsage is one image address's share of the cache.
type ImageUsage struct {
	Address    string
	Outputs    int
	Bytes      int64
	InLockfile int
	Newest     time.Time
}

// cachedObject is one object with what names it.
type cachedObject struct {
	sum   string
	size  int64
	time  time.Time // the newest index entry naming it, else its mtime
	dated bool      // time is an index entry's
	addrs map[string]bool
	inUse bool // the lockfile names it
}

// scan lists every object and index entry.
func (c *Cache) scan() (map[string]*cachedObject, []*cacheEntry, error) {
	objs := map[string]*cachedObject{}
	err := filepath.WalkDir(c.c.dir, func(path string, d os.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() || fsx.IsTemp(d.Name()) {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		objs[d.Name()] = &cachedObject{sum: d.Name(), size: fi.Size(), time: fi.ModTime().UTC(), addrs: map[string]bool{}}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reading the cache: %w", err)
	}
	entries := c.entries()
	for _, e := range entries {
		for _, sum := range entrySums(e) {
			if o := objs[sum]; o != nil {
				o.addrs[e.Address] = true
				if !o.dated || e.Time.After(o.time) {
					o.time, o.dated = e.Time, true
				}
			}
		}
	}
	for _, le := range c.lock.Images {
		for _, sum := range append([]string{le.SHA256}, le.Candidates...) {
			if o := objs[sum]; o != nil {
				o.inUse = true
				o.addrs[le.Address] = true
			}
		}
	}
	return objs, entries, nil
}

// entries reads the spec index; damaged entries are skipped.
func (c *Cache) entries() []*cacheEntry {
	files, _ := filepath.Glob(filepath.Join(c.c.specsDir(), "*.json"))
	var out []*cacheEntry
	for _, f := range files {
		if e, err := c.c.readEntry(f); err == nil {
			out = append(out, e)
		}
	}
	return out
}

func entrySums(e *cacheEntry) []string {
	return append([]string{e.SHA256}, e.Candidates...)
}

// Usage totals the cache, per image address.
func (c *Cache) Usage() (*CacheUsage, error) {
	objs, _, err := c.scan()
	if err != nil {
		return nil, err
	}
	u := &CacheUsage{}
	per := map[string]*ImageUsage{}
	for _, o := range objs {
		u.Objects++
		u.Bytes += o.size
		if o.inUse {
			u.InLockfile++
		}
		if len(o.addrs) == 0 {
			u.Unknown++
			u.UnknownBytes += o.size
		}
		for addr := range o.addrs {
			iu := per[addr]
			if iu == nil {
				iu = &ImageUsage{Address: addr}
				per[addr] = iu
			}
			iu.Outputs++
			iu.Bytes += o.size
			if o.inUse {
				iu.InLockfile++
			}
			if o.time.After(iu.Newest) {
				iu.Newest = o.time
			}
		}
	}
	for _, iu := range per {
		u.Images = append(u.Images, *iu)
	}
	sort.Slice(u.Images, func(i, j int) bool { return u.Images[i].Address < u.Images[j].Address })
	return u, nil
}

// PruneOptions say which outputs Prune removes. An output the lockfile
// stands for (an image's output or one of its candidates) is never
// removed. With both rules, an output is removed only when both select it.
type PruneOptions struct {
	// Keep, when set, keeps the *Keep newest outputs of every image
	// address and selects the rest.
	Keep *int
	// OlderThan, when set, selects outputs made before it.
	OlderThan time.Time
	// DryRun reports what would be removed without removing it.
	DryRun bool
}

// PrunedOutput is one output Prune removed (or would remove).
type PrunedOutput struct {
	SHA256    string
	Bytes     int64
	Time      time.Time
	Addresses []string // sorted; empty when nothing names it
}

// PruneResult is what Prune did.
type PruneResult struct {
	Removed      []PrunedOutput // sorted by first address, then time
	RemovedBytes int64
	Kept         int
	KeptBytes    int64
}

// Prune removes outputs from the cache, and the index entries of the
// specs whose output it removed.
func (c *Cache) Prune(opts PruneOptions) (*PruneResult, error) {
	if opts.Keep == nil && opts.OlderThan.IsZero() {
		return nil, errors.New("prune needs a rule: keep the newest N outputs of each image, or remove those older than a date")
	}
	objs, entries, err := c.scan()
	if err != nil {
		return nil, err
	}
	var kept map[string]bool
	if opts.Keep != nil {
		kept = keepNewest(objs, *opts.Keep)
	}
	res := &PruneResult{}
	for _, o := range objs {
		older := !opts.OlderThan.IsZero() && o.time.Before(opts.OlderThan)
		keep := o.inUse || kept[o.sum] || (!opts.OlderThan.IsZero() && !older)
		if keep {
			res.Kept++
			res.KeptBytes += o.size
			continue
		}
		res.Removed = append(res.Removed, PrunedOutput{SHA256: o.sum, Bytes: o.size, Time: o.time, Addresses: sortedKeys(o.addrs)})
		res.RemovedBytes += o.size
	}
	sortPruned(res.Removed)
	if opts.DryRun {
		return res, nil
	}
	return res, c.remove(res.Removed, entries)
}

// keepNewest selects the n newest outputs of every address.
func keepNewest(objs map[string]*cachedObject, n int) map[string]bool {
	byAddr := map[string][]*cachedObject{}
	for _, o := range objs {
		for addr := range o.addrs {
			byAddr[addr] = append(byAddr[addr], o)
		}
	}
	kept := map[string]bool{}
	for _, list := range byAddr {
		sort.Slice(list, func(i, j int) bool {
			if !list[i].time.Equal(list[j].time) {
				return list[i].time.After(list[j].time)
			}
			return list[i].sum < list[j].sum
		})
		for _, o := range list[:min(max(n, 0), len(list))] {
			kept[o.sum] = true
		}
	}
	return kept
}

func sortPruned(out []PrunedOutput) {
	first := func(p PrunedOutput) string {
		if len(p.Addresses) == 0 {
			return "~" // after every address
		}
		return p.Addresses[0]
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := first(out[i]), first(out[j]); a != b {
			return a < b
		}
		return out[i].Time.Before(out[j].Time)
	})
}

// remove deletes the objects, then the index entries that named one of
// them as their output, then the directories left empty.
func (c *Cache) remove(gone []PrunedOutput, entries []*cacheEntry) error {
	removed := map[string]bool{}
	var errs []error
	for _, o := range gone {
		if err := os.Remove(c.c.path(o.SHA256)); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
			continue
		}
		removed[o.SHA256] = true
		os.Remove(filepath.Dir(c.c.path(o.SHA256))) // only when empty
	}
	for _, e := range entries {
		if removed[e.SHA256] {
			if err := os.Remove(c.c.specPath(e.SpecHash)); err != nil && !os.IsNotExist(err) {
				errs = append(errs, err)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("pruning the cache: %w", errors.Join(errs...))
	}
	return nil
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
