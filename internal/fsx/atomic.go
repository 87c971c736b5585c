package fsx

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// tempInfix marks the temp files this package creates: ".<base>.easel-tmp-<random>".
const tempInfix = ".easel-tmp-"

// AtomicFile streams data to a temp file in the target's directory. Nothing
// is visible at the target path until Commit; Abort (or a crash) leaves only
// a temp file named ".<base>.easel-tmp-<random>", which CleanTemps removes.
//
// An AtomicFile is not safe for concurrent use.
type AtomicFile struct {
	path string
	perm os.FileMode
	tmp  *os.File
	err  error // first write error; Commit refuses to publish after one
	done bool  // committed or aborted
}

// CreateAtomic starts an atomic write of path, creating its parent
// directories. perm is applied to the file as given (no umask).
func CreateAtomic(path string, perm os.FileMode) (*AtomicFile, error) {
	a := &AtomicFile{path: path, perm: perm}
	if err := a.Open(); err != nil {
		return nil, err
	}
	return a, nil
}

// DeferAtomic is CreateAtomic that makes its temp file when Open is
// called, or else with the first Write (or at Commit, when nothing was
// written), instead of now. A file costs its directory's lock and an inode
// to create: a caller that starts many writes at once, such as apply
// sending its first calls, can create the files when it suits it.
// Writable tells beforehand whether the directory will take the file. A
// failure to create it is returned by Open, Write or Commit.
func DeferAtomic(path string, perm os.FileMode) *AtomicFile {
	return &AtomicFile{path: path, perm: perm}
}

// Open creates the temp file of a DeferAtomic file now, and the target's
// directories when they are missing; it does nothing once the file exists.
// A failure is also returned by the next Write or Commit.
func (a *AtomicFile) Open() error {
	if a.tmp != nil {
		return nil
	}
	dir, base := filepath.Split(a.path)
	if base == "" {
		return fmt.Errorf("creating %s: not a file path", a.path)
	}
	if dir == "" {
		dir = "."
	}
	// The directory is usually there (apply checks each output's once):
	// create the file first, and the directories only if that fails.
	pattern := "." + base + tempInfix + "*"
	tmp, err := os.CreateTemp(dir, pattern)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("creating directory for %s: %w", a.path, err)
		}
		tmp, err = os.CreateTemp(dir, pattern)
	}
	if err != nil {
		return fmt.Errorf("creating temp file for %s: %w", a.path, err)
	}
	a.tmp = tmp
	return nil
}

// Writable creates dir and its parents and makes sure a file can be
// created in it, leaving nothing behind.
func Writable(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe"+tempInfix+"*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}

// Write appends p to the temp file. After a failed Write, Commit fails.
func (a *AtomicFile) Write(p []byte) (int, error) {
	if a.done {
		return 0, fmt.Errorf("writing %s: %w", a.path, os.ErrClosed)
	}
	if a.err != nil {
		return 0, a.err
	}
	if err := a.Open(); err != nil {
		a.err = err
		return 0, err
	}
	n, err := a.tmp.Write(p)
	if err != nil {
		a.err = fmt.Errorf("writing %s: %w", a.path, err)
		return n, a.err
	}
	return n, nil
}

// Commit makes the written bytes appear at the path, replacing any existing
// file: it fsyncs the temp file, renames it over the target and fsyncs the
// directory. On failure the temp file is removed and the target is untouched.
// Commit after Commit or Abort is an error.
func (a *AtomicFile) Commit() error { return a.commit(true) }

// commit is Commit, with the fsyncs only when durable.
func (a *AtomicFile) commit(durable bool) error {
	if a.done {
		return fmt.Errorf("committing %s: %w", a.path, os.ErrClosed)
	}
	if err := a.publish(durable); err != nil {
		_ = a.Abort()
		return err
	}
	a.done = true
	if !durable {
		return nil
	}
	return SyncDir(filepath.Dir(a.path))
}

func (a *AtomicFile) publish(durable bool) error {
	if a.err != nil {
		return fmt.Errorf("committing after failed write: %w", a.err)
	}
	if err := a.Open(); err != nil {
		return err
	}
	if err := a.tmp.Chmod(a.perm); err != nil {
		return fmt.Errorf("setting mode of %s: %w", a.path, err)
	}
	if durable {
		if err := a.tmp.Sync(); err != nil {
			return fmt.Errorf("syncing %s: %w", a.path, err)
		}
	}
	if err := a.tmp.Close(); err != nil {
		return fmt.Errorf("closing %s: %w", a.path, err)
	}
	if err := os.Rename(a.tmp.Name(), a.path); err != nil {
		return fmt.Errorf("replacing %s: %w", a.path, err)
	}
	return nil
}

// Abort discards the temp file. It is safe to call after Commit (it does
// nothing) and more than once, so `defer a.Abort()` is the usual pattern.
func (a *AtomicFile) Abort() error {
	if a.done {
		return nil
	}
	a.done = true
	if a.tmp == nil {
		return nil // deferred, and never created
	}
	_ = a.tmp.Close() // may already be closed by a failed Commit
	if err := os.Remove(a.tmp.Name()); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("removing temp file for %s: %w", a.path, err)
	}
	return nil
}

// WriteFileAtomic writes data to path via a temp file in the same directory,
// fsync, rename and a directory fsync: readers see the old file or the new
// one, never a partial one. Parent directories are created.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, data, perm, true)
}

// WriteFileUnsynced is WriteFileAtomic without the fsyncs: a crash of the
// process never leaves a half-written file, but a power loss may. Only for
// caches whose readers check what they read (the spec index parses its
// JSON and restores nothing whose sha256 differs), where an fsync per
// write would cost more than a rebuilt entry, and for records nothing
// depends on (the last apply's, which easel report calls damaged).
func WriteFileUnsynced(path string, data []byte, perm os.FileMode) error {
	return writeFile(path, data, perm, false)
}

func writeFile(path string, data []byte, perm os.FileMode, durable bool) error {
	a, err := CreateAtomic(path, perm)
	if err != nil {
		return err
	}
	defer a.Abort()
	if _, err := a.Write(data); err != nil {
		return err
	}
	return a.commit(durable)
}

// IsTemp reports whether name (a base name) is one of this package's temp files.
func IsTemp(name string) bool {
	return strings.HasPrefix(name, ".") && strings.Contains(name, tempInfix)
}

// CleanTemps removes the temp files that interrupted atomic writes left in
// dir (not in its subdirectories). A missing dir is not an error. The caller
// must hold the project lock, so no live write's temp file is removed.
func CleanTemps(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("cleaning temp files: %w", err)
	}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() || !IsTemp(e.Name()) {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, fmt.Errorf("cleaning temp files: %w", err))
		}
	}
	return errors.Join(errs...)
}

// SyncDir fsyncs a directory so a rename in it survives a crash. Platforms
// that cannot sync a directory (Windows) are not an error.
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) && !errors.Is(err, errors.ErrUnsupported) {
		return fmt.Errorf("syncing directory %s: %w", dir, err)
	}
	return nil
}
