package schema

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/hashicorp/hcl/v2"
)

// cleanRelPath validates a path written in the configuration: it must be
// relative and stay inside the project directory. It returns the cleaned
// path with forward slashes.
func cleanRelPath(p string) (string, error) {
	if p == "" {
		return "", errors.New("the path is empty")
	}
	slashed := filepath.ToSlash(p)
	if strings.HasPrefix(slashed, "/") || filepath.IsAbs(p) || filepath.VolumeName(p) != "" {
		return "", fmt.Errorf("%q is an absolute path; paths are relative to the project directory", p)
	}
	clean := path.Clean(slashed)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("%q leaves the project directory; paths must stay inside it", p)
	}
	if clean == "." {
		return "", fmt.Errorf("%q names the project directory itself, not a file", p)
	}
	return clean, nil
}

// checkConfined checks that full, once symbolic links are resolved, is
// still inside dir. Only the part of full that exists is resolved, so it
// also works for output paths not written yet.
func checkConfined(dir, full string) error {
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return fmt.Errorf("resolving the project directory: %w", err)
	}
	root, err = filepath.Abs(root)
	if err != nil {
		return fmt.Errorf("resolving the project directory: %w", err)
	}
	for p := full; ; p = filepath.Dir(p) {
		resolved, err := filepath.EvalSymlinks(p)
		if err == nil {
			resolved, err = filepath.Abs(resolved)
		}
		if err == nil {
			if !within(root, resolved) {
				rel, _ := filepath.Rel(dir, p)
				return fmt.Errorf("%q is a symbolic link to %s, outside the project directory", filepath.ToSlash(rel), resolved)
			}
			return nil
		}
		if parent := filepath.Dir(p); parent == p || len(parent) < len(filepath.Clean(dir)) {
			return nil
		}
	}
}

func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// pathChecker runs checkConfined with the verdict on each directory
// cached: thousands of outputs share a handful of directories. The verdict
// on each path, and whether a reference is a regular file, are cached too:
// thousands of images may share a reference. It is safe for concurrent use.
type pathChecker struct {
	dir   string
	mu    sync.Mutex
	dirs  map[string]error
	paths map[string]error
	files map[string]error // nil: a regular file
}

func newPathChecker(dir string) *pathChecker {
	return &pathChecker{dir: dir, dirs: map[string]error{}, paths: map[string]error{}, files: map[string]error{}}
}

// isFile reports whether full names a regular file, asking the file
// system once per evaluation.
func (pc *pathChecker) isFile(full string) bool {
	return pc.cached(pc.files, full, func(full string) error {
		fi, err := os.Stat(full)
		if err == nil && !fi.Mode().IsRegular() {
			return errNotRegular
		}
		return err
	}) == nil
}

var errNotRegular = errors.New("not a regular file")

// check is checkConfined(pc.dir, full).
func (pc *pathChecker) check(full string) error {
	return pc.cached(pc.paths, full, pc.checkPath)
}

// cached returns m[key], computing it with f the first time.
func (pc *pathChecker) cached(m map[string]error, key string, f func(string) error) error {
	pc.mu.Lock()
	err, ok := m[key]
	pc.mu.Unlock()
	if ok {
		return err
	}
	err = f(key)
	pc.mu.Lock()
	m[key] = err
	pc.mu.Unlock()
	return err
}

func (pc *pathChecker) checkPath(full string) error {
	if fi, err := os.Lstat(full); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return checkConfined(pc.dir, full)
	}
	return pc.cached(pc.dirs, filepath.Dir(full), func(parent string) error {
		return checkConfined(pc.dir, parent)
	})
}

// projectPath validates a project-relative path written in the
// configuration and returns it cleaned, with forward slashes.
func (ev *evaluator) projectPath(p string) (string, error) {
	clean, err := cleanRelPath(p)
	if err != nil {
		return "", err
	}
	if err := ev.paths.check(filepath.Join(ev.c.Dir, filepath.FromSlash(clean))); err != nil {
		return "", err
	}
	return clean, nil
}

func pathDiag(summary string, err error, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf("%s. Outputs and references must be relative paths inside the project directory, such as \"assets/hero.png\".", capitalize(err.Error())),
		Subject:  rng.Ptr(),
	}
}
