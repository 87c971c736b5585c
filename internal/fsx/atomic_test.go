package fsx

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// dirNames lists the names in dir.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWriteFileAtomic(t *testing.T) {
	tests := []struct {
		name     string
		existing string // "" means no file before
		data     string
		perm     os.FileMode
	}{
		{name: "new file", data: "hello", perm: 0o644},
		{name: "replaces existing", existing: "old contents, longer than the new", data: "new", perm: 0o644},
		{name: "private mode", data: "x", perm: 0o600},
		{name: "empty data", existing: "old", data: "", perm: 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.txt")
			if tt.existing != "" {
				if err := os.WriteFile(path, []byte(tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if err := WriteFileAtomic(path, []byte(tt.data), tt.perm); err != nil {
				t.Fatalf("WriteFileAtomic: %v", err)
			}
			if got := readFile(t, path); got != tt.data {
				t.Errorf("contents = %q, want %q", got, tt.data)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.perm {
				t.Errorf("mode = %v, want %v", fi.Mode().Perm(), tt.perm)
			}
			if diff := cmp.Diff([]string{"out.txt"}, dirNames(t, dir)); diff != "" {
				t.Errorf("directory holds more than the file (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteFileAtomicCreatesParents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "assets", "winter", "hero.png")
	if err := WriteFileAtomic(path, []byte("png"), 0o644); err != nil {
		t.Fatalf("WriteFileAtomic: %v", err)
	}
	if got := readFile(t, path); got != "png" {
		t.Errorf("contents = %q", got)
	}
}

func TestAtomicFileInvisibleUntilCommit(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hero.png")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunk := range []string{"new ", "streamed ", "bytes"} {
		if _, err := a.Write([]byte(chunk)); err != nil {
			t.Fatal(err)
		}
	}
	if got := readFile(t, path); got != "old" {
		t.Errorf("before Commit, target = %q, want the old contents", got)
	}
	tempName := regexp.MustCompile(`^\.hero\.png\.easel-tmp-[0-9]+$`)
	names := dirNames(t, dir)
	if len(names) != 2 || !tempName.MatchString(names[0]) || names[1] != "hero.png" {
		t.Errorf("while writing, directory = %q, want hero.png and one .hero.png.easel-tmp-N", names)
	}
	if err := a.Commit(); err != nil {
		t.Fatalf("Commit: %v", err)
	}
	if got := readFile(t, path); got != "new streamed bytes" {
		t.Errorf("after Commit, target = %q", got)
	}
	if diff := cmp.Diff([]string{"hero.png"}, dirNames(t, dir)); diff != "" {
		t.Errorf("temp file left behind (-want +got):\n%s", diff)
	}
}

func TestAtomicFileAbort(t *testing.T) {
	tests := []struct {
		name     string
		existing string
	}{
		{name: "no previous file"},
		{name: "previous file kept", existing: "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "hero.png")
			var want []string
			if tt.existing != "" {
				if err := os.WriteFile(path, []byte(tt.existing), 0o644); err != nil {
					t.Fatal(err)
				}
				want = []string{"hero.png"}
			}
			a, err := CreateAtomic(path, 0o644)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Write([]byte("partial")); err != nil {
				t.Fatal(err)
			}
			if err := a.Abort(); err != nil {
				t.Fatalf("Abort: %v", err)
			}
			if err := a.Abort(); err != nil {
				t.Errorf("second Abort: %v", err)
			}
			if diff := cmp.Diff(want, dirNames(t, dir)); diff != "" {
				t.Errorf("directory after Abort (-want +got):\n%s", diff)
			}
			if tt.existing != "" && readFile(t, path) != tt.existing {
				t.Errorf("Abort changed the existing file")
			}
		})
	}
}

// A deferred file touches the disk only with its first Write: aborted
// before that, it leaves nothing, not even its directory.
func TestDeferAtomicCreatesWithFirstWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out", "hero.png")
	a := DeferAtomic(path, 0o644)
	if err := a.Abort(); err != nil {
		t.Fatalf("Abort before any write: %v", err)
	}
	if names := dirNames(t, dir); len(names) != 0 {
		t.Fatalf("an unwritten deferred file left %v", names)
	}

	a = DeferAtomic(path, 0o644)
	if _, err := os.Stat(filepath.Join(dir, "out")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("DeferAtomic made its directory before a write: %v", err)
	}
	if _, err := a.Write([]byte("png bytes")); err != nil {
		t.Fatal(err)
	}
	if names := dirNames(t, filepath.Join(dir, "out")); len(names) != 1 || !IsTemp(names[0]) {
		t.Fatalf("after the first write: %v, want one temp file", names)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, path); got != "png bytes" {
		t.Fatalf("committed %q", got)
	}

	// Committed without a write: an empty file, as CreateAtomic gives.
	empty := filepath.Join(dir, "out", "empty.png")
	if err := DeferAtomic(empty, 0o644).Commit(); err != nil {
		t.Fatal(err)
	}
	if got := readFile(t, empty); got != "" {
		t.Fatalf("empty commit wrote %q", got)
	}
}

// A deferred file whose directory cannot be made fails its first Write
// and its Commit, and leaves nothing.
func TestDeferAtomicCreateFailure(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "out"), []byte("a file"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := DeferAtomic(filepath.Join(dir, "out", "hero.png"), 0o644)
	if _, err := a.Write([]byte("x")); err == nil {
		t.Fatal("Write under a file succeeded")
	}
	if err := a.Commit(); err == nil {
		t.Fatal("Commit after a failed create succeeded")
	}
	if err := Writable(filepath.Join(dir, "out")); err == nil {
		t.Fatal("Writable under a file succeeded")
	}
	if err := Writable(filepath.Join(dir, "new", "dir")); err != nil {
		t.Fatalf("Writable: %v", err)
	}
	if names := dirNames(t, filepath.Join(dir, "new", "dir")); len(names) != 0 {
		t.Fatalf("Writable left %v", names)
	}
}

func TestAtomicFileAfterCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out")
	a, err := CreateAtomic(path, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("done")); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Write([]byte("more")); !errors.Is(err, os.ErrClosed) {
		t.Errorf("Write after Commit: err = %v, want os.ErrClosed", err)
	}
	if err := a.Commit(); !errors.Is(err, os.ErrClosed) {
		t.Errorf("second Commit: err = %v, want os.ErrClosed", err)
	}
	if err := a.Abort(); err != nil {
		t.Errorf("Abort after Commit: %v", err)
	}
	if got := readFile(t, path); got != "done" {
		t.Errorf("after Abort-after-Commit, file = %q, want it kept", got)
	}
}

func TestCreateAtomicRejectsDirectoryPath(t *testing.T) {
	if _, err := CreateAtomic(t.TempDir()+string(filepath.Separator), 0o644); err == nil {
		t.Error("CreateAtomic of a path ending in a separator succeeded")
	}
}

func TestCleanTemps(t *testing.T) {
	dir := t.TempDir()
	// A crashed writer: never committed nor aborted.
	crashed, err := CreateAtomic(filepath.Join(dir, "hero.png"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := crashed.Write([]byte("half an image")); err != nil {
		t.Fatal(err)
	}
	keep := []string{".gitignore", "hero.easel-tmp-1.png", "notes.txt", "sub"}
	for _, name := range keep[:3] {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Temp files in subdirectories are the caller's to clean.
	if err := WriteFileAtomic(filepath.Join(dir, "sub", "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	nested, err := CreateAtomic(filepath.Join(dir, "sub", "y"), 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer nested.Abort()

	if err := CleanTemps(dir); err != nil {
		t.Fatalf("CleanTemps: %v", err)
	}
	if diff := cmp.Diff(keep, dirNames(t, dir)); diff != "" {
		t.Errorf("after CleanTemps (-want +got):\n%s", diff)
	}
	if n := len(dirNames(t, filepath.Join(dir, "sub"))); n != 2 {
		t.Errorf("CleanTemps recursed: sub holds %d entries, want 2", n)
	}
}

func TestCleanTempsMissingDir(t *testing.T) {
	if err := CleanTemps(filepath.Join(t.TempDir(), "absent")); err != nil {
		t.Errorf("CleanTemps of a missing directory: %v", err)
	}
}

func TestIsTemp(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{".hero.png.easel-tmp-123", true},
		{".easel.lock.hcl.easel-tmp-9", true},
		{"hero.png", false},
		{"hero.png.easel-tmp-1", false}, // not hidden: a user's file
		{".gitignore", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsTemp(tt.name); got != tt.want {
				t.Errorf("IsTemp(%q) = %v, want %v", tt.name, got, tt.want)
			}
		})
	}
}

func TestWriteFileUnsyncedReplacesWithoutLeavingTemps(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "entry.json")
	for _, body := range []string{"first", "second"} {
		if err := WriteFileUnsynced(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if got, _ := os.ReadFile(path); string(got) != body {
			t.Fatalf("content %q, want %q", got, body)
		}
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only the file", len(entries))
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, want 0600", fi.Mode().Perm())
	}
}

// Open creates the file in its directory when that exists, and the
// missing directories first otherwise.
func TestOpenMakesMissingDirectories(t *testing.T) {
	dir := t.TempDir()
	a := DeferAtomic(filepath.Join(dir, "a", "b", "out.png"), 0o644)
	if _, err := a.Write([]byte("png")); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(dir, "a", "b", "out.png")); err != nil || string(data) != "png" {
		t.Fatalf("out.png = %q, %v", data, err)
	}
	if err := os.WriteFile(filepath.Join(dir, "file"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	blocked := DeferAtomic(filepath.Join(dir, "file", "sub", "out.png"), 0o644)
	if err := blocked.Open(); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Fatalf("Open under a file = %v, want an error saying a parent is not a directory", err)
	}
}
