package engine

import (
	"sync"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
)

// lockSaver persists lockfile changes as they happen. Writes are serial and
// coalesced: a writer that finds its change already saved by a later write
// returns at once, so N successes cost far fewer than N full rewrites while
// every success is on disk before its image counts as done.
type lockSaver struct {
	path string

	mu      sync.Mutex // guards file and version
	file    *lockfile.File
	version int

	writeMu sync.Mutex // serialises writes
	written int
}

func newLockSaver(path string, f *lockfile.File) *lockSaver {
	return &lockSaver{path: path, file: f}
}

func (s *lockSaver) set(img *lockfile.Image) error {
	s.mu.Lock()
	s.file.SetImage(img)
	s.version++
	v := s.version
	s.mu.Unlock()
	return s.save(v)
}

func (s *lockSaver) remove(addr string) error {
	s.mu.Lock()
	s.file.RemoveImage(addr)
	s.version++
	v := s.version
	s.mu.Unlock()
	return s.save(v)
}

// setProvider records a provider pin; it is saved with the next write.
func (s *lockSaver) setProvider(p *lockfile.Provider) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur := s.file.Provider(p.Name); cur != nil && *cur == *p {
		return
	}
	s.file.SetProvider(p)
	s.version++
}

// flush saves anything not yet written.
func (s *lockSaver) flush() error {
	s.mu.Lock()
	v := s.version
	s.mu.Unlock()
	return s.save(v)
}

func (s *lockSaver) save(v int) error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	if s.written >= v {
		return nil
	}
	s.mu.Lock()
	data := s.file.Bytes()
	cur := s.version
	s.mu.Unlock()
	if err := writeLock(s.path, data); err != nil {
		return err
	}
	s.written = cur
	return nil
}

func writeLock(path string, data []byte) error {
	return fsx.WriteFileAtomic(path, data, 0o644)
}
