package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/easelhq/easel/internal/fsx"
)

// outputCache keeps every output easel wrote, by content (sha256), under
// .easel/cache/objects, so a deleted, damaged or missing output is restored
// without calling a provider again.
type outputCache struct {
	dir string
}

func newOutputCache(projectDir string) *outputCache {
	return &outputCache{dir: filepath.Join(projectDir, StateDir, "cache", "objects")}
}

func (c *outputCache) path(sum string) string {
	if len(sum) < 3 {
		return filepath.Join(c.dir, "_", sum)
	}
	return filepath.Join(c.dir, sum[:2], sum)
}

// has reports whether the cache holds an object with this sha256.
func (c *outputCache) has(sum string) bool {
	fi, err := os.Stat(c.path(sum))
	return err == nil && fi.Mode().IsRegular()
}

// store copies the file at src into the cache (a no-op when present),
// durably: its callers delete src next.
func (c *outputCache) store(src, sum string) error {
	if c.has(sum) {
		return nil
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	// Through a temp file at the top of the cache, never in a shard
	// directory, so the one CleanTemps of c.dir finds what a crash leaves.
	w, err := c.create()
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, in); err != nil {
		w.abort()
		return fmt.Errorf("storing a cache object: %w", err)
	}
	return w.commit(sum, true)
}

// restore copies a cached object to dst atomically, checking its hash.
func (c *outputCache) restore(sum, dst string) error {
	src := c.path(sum)
	got, _, err := fsx.HashFile(src)
	if err != nil {
		return fmt.Errorf("reading cached output: %w", err)
	}
	if got != sum {
		return errors.New("the cached copy is damaged (its sha256 no longer matches)")
	}
	return copyAtomic(src, dst)
}

// objectTemp names the temp file of an object being streamed into the
// cache, whose name (its sha256) is known only at the end. It follows
// fsx's temp-file naming, so fsx.CleanTemps removes what a crash leaves.
const objectTemp = ".object.easel-tmp-*"

// objectWriter streams a new object into the cache.
type objectWriter struct {
	c *outputCache
	f *os.File
}

func (c *outputCache) create() (*objectWriter, error) {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating the cache: %w", err)
	}
	f, err := os.CreateTemp(c.dir, objectTemp)
	if err != nil {
		return nil, fmt.Errorf("creating a cache object: %w", err)
	}
	return &objectWriter{c: c, f: f}, nil
}

func (w *objectWriter) Write(p []byte) (int, error) { return w.f.Write(p) }

// commit names the object by its sha256. Only a durable commit fsyncs the
// object and its directory: one that is the only copy of something paid
// for (a candidate, an output about to be deleted). Other objects copy an
// output that is itself durable, the cache is verified by hash on every
// restore, and an fsync per image cost more at high parallelism than the
// rare entry a power loss could damage.
func (w *objectWriter) commit(sum string, durable bool) error {
	if durable {
		if err := w.f.Sync(); err != nil {
			w.abort()
			return fmt.Errorf("syncing a cache object: %w", err)
		}
	}
	if err := w.f.Close(); err != nil {
		w.abort()
		return fmt.Errorf("closing a cache object: %w", err)
	}
	dst := w.c.path(sum)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		w.abort()
		return fmt.Errorf("creating the cache: %w", err)
	}
	if err := os.Rename(w.f.Name(), dst); err != nil {
		w.abort()
		return fmt.Errorf("storing a cache object: %w", err)
	}
	if durable {
		return fsx.SyncDir(filepath.Dir(dst))
	}
	return nil
}

// cacheTee copies an output being generated into a cache object, which it
// creates when open is called or with the first bytes. A failure of the
// cache never fails the output the user paid for: it is remembered, and
// the object is dropped.
type cacheTee struct {
	cache *outputCache
	obj   *objectWriter // nil until the first bytes
	err   error
}

func (t *cacheTee) Write(p []byte) (int, error) {
	t.open()
	if t.err == nil {
		_, t.err = t.obj.Write(p)
	}
	return len(p), nil
}

// open creates the cache object, once.
func (t *cacheTee) open() {
	if t.obj == nil && t.err == nil {
		t.obj, t.err = t.cache.create()
	}
}

// prepared writes to an output and its cache tee once a goroutine has
// created their files: an image's call goes out while its files are being
// created. The goroutines take turns (one at a time per apply, through
// sem), so that creating files never takes both cores from the calls
// being sent.
type prepared struct {
	w     io.Writer
	ready chan struct{} // closed once the files are created (or failed to be)
}

func newPrepared(out *fsx.AtomicFile, tee *cacheTee, sem chan struct{}) *prepared {
	p := &prepared{w: io.MultiWriter(out, tee), ready: make(chan struct{})}
	go func() {
		defer close(p.ready)
		sem <- struct{}{}
		defer func() { <-sem }()
		_ = out.Open() // a failure is the first Write's
		tee.open()
	}()
	return p
}

func (p *prepared) Write(b []byte) (int, error) {
	<-p.ready
	return p.w.Write(b)
}

func (w *objectWriter) abort() {
	w.f.Close()
	os.Remove(w.f.Name())
}

func copyAtomic(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := fsx.CreateAtomic(dst, 0o644)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Abort()
		return err
	}
	return out.Commit()
}
