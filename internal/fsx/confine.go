package fsx

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutsideRoot is wrapped by Confine's error when a path would leave the
// project directory.
var ErrOutsideRoot = errors.New("path leaves the project directory")

// Confine resolves rel (slash- or OS-separated, relative) against root and
// returns the cleaned absolute path. It fails, wrapping ErrOutsideRoot, if rel
// is absolute, if the cleaned result leaves root, or if resolving the symlinks
// along the part of the path that already exists leads outside root. Parts
// that do not exist yet are allowed (an output about to be written).
//
// Confine checks a path at one moment; a symlink created afterwards is not
// seen. The project directory is the user's own, so this guards against
// mistakes and hostile configs, not against a concurrent attacker.
func Confine(root, rel string) (string, error) {
	if rel == "" {
		return "", errors.New("confining path: empty path")
	}
	native := filepath.FromSlash(rel)
	if filepath.IsAbs(native) || filepath.VolumeName(native) != "" || strings.HasPrefix(rel, "/") {
		return "", fmt.Errorf("%q is absolute: %w", rel, ErrOutsideRoot)
	}
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return "", fmt.Errorf("confining %q: %w", rel, err)
	}
	joined := filepath.Join(absRoot, native)
	if !within(absRoot, joined) {
		return "", fmt.Errorf("%q: %w", rel, ErrOutsideRoot)
	}
	if err := checkSymlinks(absRoot, joined); err != nil {
		return "", fmt.Errorf("%q: %w", rel, err)
	}
	return joined, nil
}

// checkSymlinks fails if the existing part of path, with its symlinks
// resolved, is not inside root with its symlinks resolved.
func checkSymlinks(root, path string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return fmt.Errorf("resolving project directory: %w", err)
	}
	real, err := resolveExisting(path)
	if err != nil {
		return err
	}
	if !within(realRoot, real) {
		return fmt.Errorf("a symlink leads to %s: %w", real, ErrOutsideRoot)
	}
	return nil
}

// resolveExisting resolves the symlinks of the longest existing prefix of
// path and appends the components that do not exist yet.
func resolveExisting(path string) (string, error) {
	cur, rest := path, []string(nil)
	for {
		_, err := os.Lstat(cur)
		if err == nil {
			break
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("checking path: %w", err)
		}
		parent := filepath.Dir(cur)
		if parent == cur {
			break
		}
		rest = append([]string{filepath.Base(cur)}, rest...)
		cur = parent
	}
	real, err := filepath.EvalSymlinks(cur)
	if err != nil {
		return "", fmt.Errorf("resolving symlinks: %w", err)
	}
	return filepath.Join(append([]string{real}, rest...)...), nil
}

// within reports whether path is root or lies below it. Both must be clean
// absolute paths.
func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	if err != nil {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
