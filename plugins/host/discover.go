package host

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// BinaryPrefix starts the file name of every third-party provider binary:
// easel-provider-NAME.
const BinaryPrefix = "easel-provider-"

// ErrNotFound is wrapped by errors for providers that are neither built in
// nor installed.
var ErrNotFound = errors.New("provider not found")

// Discover finds the third-party provider binary easel-provider-NAME, first
// in the project's .easel/plugins directory, then on PATH, and returns its
// path and checksum ("sha256:<hex>") for `easel init` to pin.
func (h *Host) Discover(name string) (path, checksum string, err error) {
	if err := validName(name); err != nil {
		return "", "", err
	}
	dirs := h.searchDirs()
	file := binaryName(name)
	for _, dir := range dirs {
		candidate := filepath.Join(dir, file)
		if isExecutable(candidate) {
			sum, err := fileChecksum(candidate)
			if err != nil {
				return "", "", err
			}
			return candidate, sum, nil
		}
	}
	return "", "", fmt.Errorf("%w: %q is not built into easel, and no executable %s was found in %s; install it there and run \"easel init\"",
		ErrNotFound, name, file, describeDirs(dirs))
}

// searchDirs lists the directories searched for provider binaries, in order.
func (h *Host) searchDirs() []string {
	var dirs []string
	if h.opts.ProjectDir != "" {
		dirs = append(dirs, filepath.Join(h.opts.ProjectDir, ".easel", "plugins"))
	}
	for _, dir := range filepath.SplitList(h.opts.Getenv("PATH")) {
		if dir != "" {
			dirs = append(dirs, dir)
		}
	}
	return dirs
}

func describeDirs(dirs []string) string {
	if len(dirs) == 0 {
		return "no directory (no project directory and PATH is empty)"
	}
	if len(dirs) == 1 {
		return dirs[0]
	}
	return dirs[0] + " or on PATH (" + strings.Join(dirs[1:], string(filepath.ListSeparator)) + ")"
}

// checkPin refuses a third-party binary whose checksum is not pinned or
// does not match its pin.
func (h *Host) checkPin(name, path, sum string) error {
	h.mu.Lock()
	pin := h.opts.Pins[name]
	h.mu.Unlock()
	if pin == "" {
		return fmt.Errorf("provider %q (%s) has no checksum pinned in easel.lock.hcl; run \"easel init\" to record it", name, path)
	}
	if !strings.EqualFold(pin, sum) {
		return fmt.Errorf("provider %q: checksum mismatch for %s: easel.lock.hcl pins %s but the binary is %s; refusing to run it (if you changed the provider on purpose, run \"easel init\" to pin the new binary)",
			name, path, pin, sum)
	}
	return nil
}

func binaryName(name string) string {
	if runtime.GOOS == "windows" {
		return BinaryPrefix + name + ".exe"
	}
	return BinaryPrefix + name
}

// overrideEnv is the variable pointing a provider at a local build:
// EASEL_PROVIDER_PATH_<NAME>, upper case, dashes as underscores.
func overrideEnv(name string) string {
	return "EASEL_PROVIDER_PATH_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	return runtime.GOOS == "windows" || fi.Mode().Perm()&0o111 != 0
}

// fileChecksum returns "sha256:<hex>" of the file's contents.
func fileChecksum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("checksumming provider: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("checksumming provider %s: %w", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

// validName accepts provider names that are safe in a file name and an
// environment variable: lower-case letters, digits, '-' and '_'.
func validName(name string) error {
	if name == "" {
		return fmt.Errorf("empty provider name")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return fmt.Errorf("invalid provider name %q: use lower-case letters, digits, '-' and '_'", name)
		}
	}
	return nil
}
