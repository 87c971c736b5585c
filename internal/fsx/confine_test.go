package fsx

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// confineFixture builds:
//
//	outside/secret.txt
//	project/assets/
//	project/in        -> project/assets   (symlink inside)
//	project/out       -> outside          (symlink escaping)
//	project/leak.png  -> outside/secret.txt
//	project/dangling  -> outside/nothing
//	link-to-project   -> project
func confineFixture(t *testing.T) (base, root string) {
	t.Helper()
	base = t.TempDir()
	root = filepath.Join(base, "project")
	outside := filepath.Join(base, "outside")
	for _, d := range []string{filepath.Join(root, "assets"), outside} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(outside, "secret.txt"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		filepath.Join(root, "in"):              filepath.Join(root, "assets"),
		filepath.Join(root, "out"):             outside,
		filepath.Join(root, "leak.png"):        filepath.Join(outside, "secret.txt"),
		filepath.Join(root, "dangling"):        filepath.Join(outside, "nothing"),
		filepath.Join(base, "link-to-project"): root,
	}
	for link, target := range links {
		if err := os.Symlink(target, link); err != nil {
			t.Skipf("symlinks unavailable: %v", err)
		}
	}
	return base, root
}

func TestConfine(t *testing.T) {
	base, root := confineFixture(t)
	tests := []struct {
		name    string
		root    string // default: the project
		rel     string
		want    string // relative to the project, slash-separated
		wantErr bool
		outside bool // the error wraps ErrOutsideRoot
	}{
		{name: "plain", rel: "assets/hero.png", want: "assets/hero.png"},
		{name: "new directories", rel: "assets/winter/2026/hero.png", want: "assets/winter/2026/hero.png"},
		{name: "dot-dot staying inside", rel: "assets/../hero.png", want: "hero.png"},
		{name: "root itself", rel: ".", want: ""},
		{name: "symlink inside the project", rel: "in/hero.png", want: "in/hero.png"},
		{name: "project reached through a symlink", root: filepath.Join(base, "link-to-project"), rel: "assets/x.png", want: "../link-to-project/assets/x.png"},
		{name: "parent", rel: "../x.png", wantErr: true, outside: true},
		{name: "dot-dot escaping", rel: "assets/../../x.png", wantErr: true, outside: true},
		{name: "absolute", rel: "/etc/passwd", wantErr: true, outside: true},
		{name: "symlinked directory escaping", rel: "out/x.png", wantErr: true, outside: true},
		{name: "symlinked file escaping", rel: "leak.png", wantErr: true, outside: true},
		{name: "dangling symlink", rel: "dangling", wantErr: true},
		{name: "empty", rel: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := root
			if tt.root != "" {
				r = tt.root
			}
			got, err := Confine(r, tt.rel)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Confine(%q) = %q, want an error", tt.rel, got)
				}
				if tt.outside != errors.Is(err, ErrOutsideRoot) {
					t.Errorf("errors.Is(err, ErrOutsideRoot) = %v, want %v (err: %v)", !tt.outside, tt.outside, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Confine(%q): %v", tt.rel, err)
			}
			if want := filepath.Join(root, filepath.FromSlash(tt.want)); got != want {
				t.Errorf("Confine(%q) = %q, want %q", tt.rel, got, want)
			}
		})
	}
}

func TestConfineRelativeRoot(t *testing.T) {
	_, root := confineFixture(t)
	t.Chdir(root)
	got, err := Confine(".", "assets/a.png")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "assets", "a.png"); got != want {
		t.Errorf("Confine = %q, want %q", got, want)
	}
}
