package engine

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
)

// The spec index makes the output cache answer "was this exact spec
// generated before?". Beside the objects (content-addressed by output
// sha256), .easel/cache/specs/<spec hex>.json records, for every spec
// hash easel generated, restored, adopted or picked, the output it stands
// for and what the lockfile entry needs besides (size, dimensions, model,
// metadata, cost, candidates). A prompt edited and reverted, an image
// deleted and declared again, or a clone sharing a warm cache then gets
// its image back with no provider call.
//
// Candidates are indexed twice: the whole image under its spec hash, and
// each candidate under the seed its provider was given (see
// candidateSeed), so that asking for more candidates, or retrying after a
// candidate failed, pays only for the new ones.
//
// The index is a cache: an entry whose object is gone is ignored, and a
// damaged entry is as good as none.

// cacheEntry is one spec's record in the spec index.
type cacheEntry struct {
	SpecHash   string            `json:"spec_hash"`
	Address    string            `json:"address"`
	Provider   string            `json:"provider"`
	Model      string            `json:"model,omitempty"`
	SHA256     string            `json:"sha256"`
	Bytes      int64             `json:"bytes"`
	Width      int               `json:"width"`
	Height     int               `json:"height"`
	CostUSD    *float64          `json:"cost_usd,omitempty"`
	Metadata   map[string]string `json:"metadata,omitempty"`
	Candidates []string          `json:"candidates,omitempty"`
	// Each describes every candidate, in the order of Candidates, so that
	// a pick records the picked one's own size and metadata.
	Each []candidateInfo `json:"each,omitempty"`
	// Time is when the output was made (or adopted, or picked).
	Time time.Time `json:"time"`
}

// candidateInfo is one candidate of an image with candidates.
type candidateInfo struct {
	SHA256   string            `json:"sha256"`
	Bytes    int64             `json:"bytes"`
	Width    int               `json:"width"`
	Height   int               `json:"height"`
	CostUSD  *float64          `json:"cost_usd,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
}

// specsDir is the spec index, beside the objects directory.
func (c *outputCache) specsDir() string {
	return filepath.Join(filepath.Dir(c.dir), "specs")
}

// specPath is the index file of a spec hash; "" for anything that is not
// "sha256:" and 64 lowercase hex digits (never a path outside the index).
func (c *outputCache) specPath(spec string) string {
	hex, ok := strings.CutPrefix(spec, "sha256:")
	if !ok || len(hex) != 64 || strings.Trim(hex, "0123456789abcdef") != "" {
		return ""
	}
	return filepath.Join(c.specsDir(), hex+".json")
}

// lookup returns the indexed output of a spec when its object is cached.
func (c *outputCache) lookup(spec string) (*cacheEntry, bool) {
	e, err := c.readEntry(c.specPath(spec))
	if err != nil || e.SpecHash != spec || !c.has(e.SHA256) {
		return nil, false
	}
	return e, true
}

func (c *outputCache) readEntry(path string) (*cacheEntry, error) {
	if path == "" {
		return nil, os.ErrNotExist
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var e cacheEntry
	if err := json.Unmarshal(data, &e); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return &e, nil
}

// index records e under its spec hash, replacing what was there.
func (c *outputCache) index(e *cacheEntry) error {
	path := c.specPath(e.SpecHash)
	if path == "" {
		return fmt.Errorf("indexing %s: %q is not a spec hash", e.Address, e.SpecHash)
	}
	data, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("indexing %s: %w", e.Address, err)
	}
	// Unsynced: a damaged entry fails to parse and counts as a miss.
	if err := fsx.WriteFileUnsynced(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("indexing %s: %w", e.Address, err)
	}
	return nil
}

// ensureIndexed indexes a locked entry whose spec is not indexed yet (an
// image generated before the index existed) or whose entry is damaged,
// when its output is cached.
// Its time is when the object entered the cache.
func (c *outputCache) ensureIndexed(le *lockfile.Image) error {
	path := c.specPath(le.SpecHash)
	if path == "" {
		return nil
	}
	if e, err := c.readEntry(path); err == nil && e.SpecHash == le.SpecHash {
		return nil
	}
	fi, err := os.Stat(c.path(le.SHA256))
	if err != nil {
		return nil // nothing to restore it from
	}
	e := entryOf(le, fi.ModTime().UTC())
	return c.index(e)
}

// reindex records a locked entry that changed output without changing
// spec (adopted, picked) as its spec's output, keeping what the index knew
// of its candidates.
func (c *outputCache) reindex(le *lockfile.Image, t time.Time) error {
	e := entryOf(le, t)
	if old, err := c.readEntry(c.specPath(le.SpecHash)); err == nil && slices.Equal(old.Candidates, le.Candidates) {
		e.Each = old.Each
	}
	return c.index(e)
}

// entryOf is the index entry of a lockfile entry.
func entryOf(le *lockfile.Image, t time.Time) *cacheEntry {
	return &cacheEntry{SpecHash: le.SpecHash, Address: le.Address, Provider: le.Provider, Model: le.Model,
		SHA256: le.SHA256, Bytes: le.Bytes, Width: le.Width, Height: le.Height, CostUSD: le.CostUSD,
		Metadata: maps.Clone(le.Metadata), Candidates: slices.Clone(le.Candidates), Time: t}
}

// when is how a plan dates an entry: "2026-05-01 14:03 UTC".
func (e *cacheEntry) when() string {
	return e.Time.UTC().Format("2006-01-02 15:04 UTC")
}
