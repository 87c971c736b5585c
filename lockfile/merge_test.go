package lockfile

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// mergeBase is a lockfile as it sits on main before two branches fork.
func mergeBase() *File {
	f := New()
	f.SetProvider(&Provider{Name: "openai", Source: "easel/openai", Version: "1.0.0"})
	f.SetProvider(&Provider{Name: "placeholder", Source: "easel/placeholder", Version: "0.1.0"})
	for _, a := range []string{"image.a", "image.c", "image.e", "image.g"} {
		img := image(a)
		img.CostUSD = usd(0.04)
		img.Inputs = map[string]cty.Value{"prompt": cty.StringVal("prompt of " + a), "size": cty.StringVal("1024x1024")}
		img.Metadata = map[string]string{"revised_prompt": "revised " + a}
		f.SetImage(img)
	}
	return f
}

// regenerate changes everything a new generation of addr changes.
func regenerate(f *File, addr, prompt string) {
	img := f.Image(addr)
	img.SpecHash, img.SHA256, img.Bytes = specHash('d'), hex64('e'), 4096
	img.CostUSD = usd(0.19)
	img.Inputs["prompt"] = cty.StringVal(prompt)
	img.Metadata["revised_prompt"] = "revised " + prompt
}

func TestGitMergeOfBranches(t *testing.T) {
	tests := []struct {
		name         string
		ours, theirs func(f *File)
	}{
		{
			name:   "each regenerates a different image",
			ours:   func(f *File) { regenerate(f, "image.c", "ours") },
			theirs: func(f *File) { regenerate(f, "image.e", "theirs") },
		},
		{
			name:   "neighbouring images regenerated",
			ours:   func(f *File) { regenerate(f, "image.c", "ours") },
			theirs: func(f *File) { regenerate(f, "image.a", "theirs") },
		},
		{
			name:   "each adds an image in a different place",
			ours:   func(f *File) { f.SetImage(image("image.b")) },
			theirs: func(f *File) { f.SetImage(image("image.f")) },
		},
		{
			name: "one adds and regenerates, the other deletes and regenerates",
			ours: func(f *File) { f.SetImage(image("image.b")); regenerate(f, "image.e", "ours") },
			theirs: func(f *File) {
				f.RemoveImage("image.g")
				regenerate(f, "image.a", "theirs")
			},
		},
		{
			name: "one pins a new provider, the other adds an image",
			ours: func(f *File) {
				f.SetProvider(&Provider{Name: "solid", Source: "acme/solid", Checksum: "sha256:" + hex64('9')})
			},
			theirs: func(f *File) { f.SetImage(image("image.d")) },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ours, theirs, want := mergeBase(), mergeBase(), mergeBase()
			tt.ours(ours)
			tt.theirs(theirs)
			tt.ours(want)
			tt.theirs(want)
			merged, clean := gitMergeFile(t, mergeBase().Bytes(), ours.Bytes(), theirs.Bytes())
			if !clean {
				t.Fatalf("git reported a conflict:\n%s", merged)
			}
			if diff := cmp.Diff(string(want.Bytes()), string(merged)); diff != "" {
				t.Errorf("merged lockfile differs from applying both changes (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGitMergeConflictIsReported(t *testing.T) {
	ours, theirs := mergeBase(), mergeBase()
	regenerate(ours, "image.c", "ours")
	regenerate(theirs, "image.c", "theirs")
	merged, clean := gitMergeFile(t, mergeBase().Bytes(), ours.Bytes(), theirs.Bytes())
	if clean {
		t.Fatalf("two branches regenerating the same image merged cleanly:\n%s", merged)
	}
	f, diags := Parse(merged, FileName)
	if f != nil || len(diags) != 1 || diags[0].Summary != "Unresolved merge conflict in lockfile" {
		t.Errorf("Parse of a conflicted lockfile = %v, %s", f, diags.Error())
	}
}

// gitMergeFile runs a real three-way merge and reports whether it was clean.
func gitMergeFile(t *testing.T, base, ours, theirs []byte) ([]byte, bool) {
	t.Helper()
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("git not installed")
	}
	dir := t.TempDir()
	paths := make([]string, 3)
	for i, b := range [][]byte{ours, base, theirs} {
		paths[i] = filepath.Join(dir, []string{"ours", "base", "theirs"}[i])
		if err := os.WriteFile(paths[i], b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(git, append([]string{"merge-file", "-p"}, paths...)...)
	cmd.Env = append(os.Environ(), "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.Output()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return out, true
	case errors.As(err, &exit) && exit.ExitCode() > 0 && exit.ExitCode() < 127:
		return out, false // the exit code counts the conflicts
	default:
		t.Fatalf("git merge-file: %v", err)
		return nil, false
	}
}
