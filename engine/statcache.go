package engine

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/easelhq/easel/internal/fsx"
)

// statCache remembers the sha256 of files by what stat says about them, so a
// no-op plan does not re-read unchanged references and outputs. An entry is
// trusted only while size, mtime, ctime and inode all still match.
type statCache struct {
	path    string
	mu      sync.Mutex
	entries map[string]statEntry // by absolute path
	dirty   bool
}

type statEntry struct {
	fileID
	sum string
}

// fileID is what identifies a file's version without reading it.
type fileID struct {
	size  int64
	mtime int64
	ctime int64
	ino   uint64
}

// loadStatCache reads the cache; a missing or damaged one starts empty (it
// is only a cache).
func loadStatCache(path string) *statCache {
	c := &statCache{path: path, entries: map[string]statEntry{}}
	data, err := os.ReadFile(path)
	if err != nil {
		return c
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		if p, e, ok := parseStatLine(sc.Text()); ok {
			c.entries[p] = e
		}
	}
	return c
}

// parseStatLine reads "sum size mtime ctime ino path".
func parseStatLine(line string) (string, statEntry, bool) {
	f := strings.SplitN(line, " ", 6)
	if len(f) != 6 || len(f[0]) != 64 {
		return "", statEntry{}, false
	}
	var e statEntry
	var errs [4]error
	e.sum = f[0]
	e.size, errs[0] = strconv.ParseInt(f[1], 10, 64)
	e.mtime, errs[1] = strconv.ParseInt(f[2], 10, 64)
	e.ctime, errs[2] = strconv.ParseInt(f[3], 10, 64)
	e.ino, errs[3] = strconv.ParseUint(f[4], 10, 64)
	for _, err := range errs {
		if err != nil {
			return "", statEntry{}, false
		}
	}
	return f[5], e, true
}

// hash returns the file's hex sha256 and size, from the cache when the file
// is unchanged. A missing file returns an error satisfying os.IsNotExist.
// It is safe for concurrent use.
func (c *statCache) hash(path string) (string, int64, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", 0, err
	}
	if !fi.Mode().IsRegular() {
		return "", 0, fmt.Errorf("%s is not a regular file", path)
	}
	id := idOf(fi)
	c.mu.Lock()
	e, ok := c.entries[path]
	c.mu.Unlock()
	if ok && e.fileID == id {
		return e.sum, e.size, nil
	}
	sum, size, err := fsx.HashFile(path)
	if err != nil {
		return "", 0, err
	}
	c.remember(path, id, sum, size)
	return sum, size, nil
}

func (c *statCache) remember(path string, id fileID, sum string, size int64) {
	if id.size != size {
		return // the file changed while we read it: do not trust the pair
	}
	c.mu.Lock()
	c.entries[path] = statEntry{fileID: id, sum: sum}
	c.dirty = true
	c.mu.Unlock()
}

// record stores a file easel just wrote, whose hash it already knows.
func (c *statCache) record(path, sum string) {
	fi, err := os.Stat(path)
	if err != nil {
		return
	}
	c.remember(path, idOf(fi), sum, fi.Size())
}

// save writes the cache if it changed. Failure is not fatal: it is a cache.
func (c *statCache) save() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.dirty {
		return nil
	}
	paths := make([]string, 0, len(c.entries))
	for p := range c.entries {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	b := make([]byte, 0, len(paths)*192)
	for _, p := range paths {
		e := c.entries[p]
		b = append(append(b, e.sum...), ' ')
		b = appendFileID(b, e.fileID)
		b = append(append(append(b, ' '), p...), '\n')
	}
	if err := fsx.WriteFileAtomic(c.path, b, 0o644); err != nil {
		return fmt.Errorf("writing stat cache: %w", err)
	}
	c.dirty = false
	return nil
}

// appendFileID appends "size mtime ctime ino", the form the stat cache
// and the plan cache store.
func appendFileID(b []byte, id fileID) []byte {
	b = strconv.AppendInt(b, id.size, 10)
	b = strconv.AppendInt(append(b, ' '), id.mtime, 10)
	b = strconv.AppendInt(append(b, ' '), id.ctime, 10)
	return strconv.AppendUint(append(b, ' '), id.ino, 10)
}

// idsFor copies the cached identity of path into ids, when the cache holds
// one: the identity under which its hash was verified.
func (c *statCache) idsFor(ids map[string]fileID, path string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[path]; ok {
		ids[path] = e.fileID
	}
}
