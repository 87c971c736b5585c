package engine

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
)

// lockSaver persists lockfile changes as they happen: each change goes to
// the journal (durable at once), and the lockfile itself is rewritten at
// most once per saveEvery, then finally by flush.
type lockSaver struct {
	path    string
	dir     string
	journal *journal

	mu      sync.Mutex // guards file, version and the journal's order
	file    *lockfile.File
	version int
	// blocks holds each image's rendered block, made by the goroutine
	// that set it, so a save only assembles the file.
	blocks lockfile.Blocks

	writeMu   sync.Mutex // serialises lockfile writes
	written   int
	lastWrite time.Time
}

const saveEvery = time.Second

func newLockSaver(dir, path string, f *lockfile.File) (*lockSaver, error) {
	j, err := openJournal(dir)
	if err != nil {
		return nil, err
	}
	return &lockSaver{path: path, dir: dir, file: f, journal: j, lastWrite: time.Now()}, nil
}

func (s *lockSaver) set(img *lockfile.Image) error {
	s.mu.Lock()
	s.file.SetImage(img)
	s.version++
	seq, err := s.journal.set(img)
	s.mu.Unlock()
	if err == nil {
		err = s.journal.sync(seq)
	}
	if err != nil {
		return err
	}
	s.blocks.Add(img)
	return s.maybeSave()
}

func (s *lockSaver) remove(addr string) error {
	s.mu.Lock()
	s.file.RemoveImage(addr)
	s.version++
	seq, err := s.journal.remove(addr)
	s.mu.Unlock()
	if err == nil {
		err = s.journal.sync(seq)
	}
	if err != nil {
		return err
	}
	return s.maybeSave()
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

func (s *lockSaver) maybeSave() error {
	s.writeMu.Lock()
	due := time.Since(s.lastWrite) >= saveEvery
	s.writeMu.Unlock()
	if !due {
		return nil
	}
	return s.save()
}

// flush writes the lockfile if anything changed since the last write, then
// removes the journal, whose records the lockfile now holds.
func (s *lockSaver) flush() error {
	if err := s.save(); err != nil {
		return err
	}
	s.journal.close()
	return os.Remove(journalPath(s.dir))
}

func (s *lockSaver) save() error {
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	s.mu.Lock()
	if s.written >= s.version {
		s.mu.Unlock()
		return nil
	}
	// Images are replaced, never changed in place: a copy of the lists is
	// a consistent snapshot, rendered without holding up the images that
	// finish meanwhile.
	snap := &lockfile.File{Version: s.file.Version, Providers: slices.Clone(s.file.Providers), Images: slices.Clone(s.file.Images)}
	cur := s.version
	s.mu.Unlock()
	data, err := snap.Render(&s.blocks)
	if err != nil {
		return fmt.Errorf("refusing to write a lockfile the next run could not read: %w", err)
	}
	if err := writeLock(s.path, data); err != nil {
		return err
	}
	s.written, s.lastWrite = cur, time.Now()
	return nil
}

func writeLock(path string, data []byte) error {
	return fsx.WriteFileAtomic(path, data, 0o644)
}
