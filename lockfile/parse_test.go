package lockfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2"
)

// validImage is a well-formed image block; damaged cases edit it.
const validImage = `image "image.a" {
  provider  = "placeholder"
  spec_hash = "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  output    = "assets/a.png"
  sha256    = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
  bytes     = 1024
  width     = 64
  height    = 64
}
`

// damaged returns a lockfile with the valid image's line `from` replaced.
// The image block starts on line 3.
func damaged(from, to string) string {
	return "version = 1\n\n" + strings.Replace(validImage, from, to, 1)
}

type diagWant struct {
	summary string
	line    int
}

func TestParseDamaged(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []diagWant
	}{
		{name: "syntax error", src: "version = 1\n\nimage \"image.a\" {\n  provider = \n", want: []diagWant{{"Invalid expression", 4}}},
		{name: "unclosed block", src: "version = 1\nimage \"x\" {\n", want: []diagWant{{"Unclosed configuration block", 2}}},
		{name: "conflict markers", src: "version = 1\n\n<<<<<<< ours\n" + validImage + "=======\n>>>>>>> theirs\n", want: []diagWant{{"Unresolved merge conflict in lockfile", 3}}},
		{name: "empty file", src: "", want: []diagWant{{"Missing lockfile version", 1}}},
		{name: "no version", src: validImage, want: []diagWant{{"Missing lockfile version", 1}}},
		{name: "newer version", src: "\n\nversion = 2\n" + validImage, want: []diagWant{{"Unsupported lockfile version", 3}}},
		{name: "version zero", src: "version = 0\n", want: []diagWant{{"Unsupported lockfile version", 1}}},
		{name: "version as string", src: `version = "1"` + "\n", want: []diagWant{{"Invalid version", 1}}},
		{name: "version from variable", src: "version = var.v\n", want: []diagWant{{"Variables not allowed", 1}}},
		{name: "bytes as string", src: damaged("bytes     = 1024", `bytes = "1024"`), want: []diagWant{{"Invalid bytes", 8}}},
		{name: "negative bytes", src: damaged("bytes     = 1024", "bytes = -1"), want: []diagWant{{"Invalid bytes", 8}}},
		{name: "fractional width", src: damaged("width     = 64", "width = 1.5"), want: []diagWant{{"Invalid width", 9}}},
		{name: "huge height", src: damaged("height    = 64", "height = 99999999999"), want: []diagWant{{"Invalid height", 10}}},
		{name: "provider as number", src: damaged(`provider  = "placeholder"`, "provider = 1"), want: []diagWant{{"Invalid provider", 4}}},
		{name: "empty provider", src: damaged(`provider  = "placeholder"`, `provider = ""`), want: []diagWant{{"Invalid provider", 4}}},
		{name: "truncated spec hash", src: damaged(`aaaaaaaaaa"`, `"`), want: []diagWant{{"Invalid spec_hash", 5}}},
		{name: "uppercase sha256", src: damaged(`"bbbb`, `"BBBB`), want: []diagWant{{"Invalid sha256", 7}}},
		{name: "output leaving project", src: damaged(`"assets/a.png"`, `"../outside.png"`), want: []diagWant{{"Invalid output", 6}}},
		{name: "absolute output", src: damaged(`"assets/a.png"`, `"/etc/passwd"`), want: []diagWant{{"Invalid output", 6}}},
		{name: "unclean output", src: damaged(`"assets/a.png"`, `"assets/../../a.png"`), want: []diagWant{{"Invalid output", 6}}},
		{name: "null output", src: damaged(`"assets/a.png"`, `null`), want: []diagWant{{"Invalid output", 6}}},
		{name: "missing sha256", src: damaged(`  sha256    = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"`+"\n", ""), want: []diagWant{{"Missing required argument", 3}}},
		{name: "unknown attribute", src: damaged("width     = 64", "widht = 64"), want: []diagWant{{"Missing required argument", 3}, {"Unsupported argument", 9}}},
		{name: "unknown block", src: "version = 1\nresource \"x\" {}\n", want: []diagWant{{"Unsupported block type", 2}}},
		{name: "negative cost", src: damaged("height    = 64", "height = 64\ncost_usd = -0.5"), want: []diagWant{{"Invalid cost_usd", 11}}},
		{name: "inputs not an object", src: damaged("height    = 64", "height = 64\ninputs = \"x\""), want: []diagWant{{"Invalid inputs", 11}}},
		{name: "inputs with a function call", src: damaged("height    = 64", "height = 64\ninputs = { a = upper(\"x\") }"), want: []diagWant{{"Function calls not allowed", 11}}},
		{name: "inputs with a template", src: damaged("height    = 64", "height = 64\ninputs = { a = \"${x}\" }"), want: []diagWant{{"Variables not allowed", 11}}},
		{name: "infinite input", src: damaged("height    = 64", "height = 64\ninputs = { a = [1e999999999] }"), want: []diagWant{{"Invalid inputs", 11}}},
		{name: "huge input", src: damaged("height    = 64", "height = 64\ninputs = { a = { b = 1e99999999 } }"), want: []diagWant{{"Invalid inputs", 11}}},
		{name: "candidates not a list", src: damaged("height    = 64", "height = 64\ncandidates = \"x\""), want: []diagWant{{"Invalid candidates", 11}}},
		{name: "candidate not a hash", src: damaged("height    = 64", "height = 64\ncandidates = [\"abc\"]"), want: []diagWant{{"Invalid candidates", 11}}},
		{name: "metadata not strings", src: damaged("height    = 64", "height = 64\nmetadata = { seed = 42 }"), want: []diagWant{{"Invalid metadata", 11}}},
		{name: "reference kind", src: damaged("height    = 64", "height = 64\nreference \"r.png\" {\n kind = \"disk\"\n}"), want: []diagWant{{"Invalid kind", 12}}},
		{name: "reference without kind", src: damaged("height    = 64", "height = 64\nreference \"r.png\" {\n}"), want: []diagWant{{"Missing required argument", 11}}},
		{name: "duplicate image", src: "version = 1\n\n" + validImage + "\n" + validImage, want: []diagWant{{"Duplicate image in lockfile", 13}}},
		{name: "duplicate provider", src: "version = 1\nprovider \"p\" {\n source = \"a/p\"\n}\nprovider \"p\" {\n source = \"a/p\"\n}\n", want: []diagWant{{"Duplicate provider in lockfile", 5}}},
		{name: "provider without source", src: "version = 1\nprovider \"p\" {\n version = \"1\"\n}\n", want: []diagWant{{"Missing required argument", 2}}},
		{name: "several problems at once", src: damaged("bytes     = 1024", `bytes = "x"`) + strings.NewReplacer(`"image.a"`, `"image.b"`, "width     = 64", "width = true").Replace(validImage),
			want: []diagWant{{"Invalid bytes", 8}, {"Invalid width", 18}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, diags := Parse([]byte(tt.src), FileName)
			if f != nil {
				t.Errorf("Parse returned a File for a damaged lockfile")
			}
			var got []diagWant
			for _, d := range diags {
				if d.Severity != hcl.DiagError || d.Subject == nil {
					t.Errorf("diagnostic without severity error and a range: %v", d)
					continue
				}
				if d.Subject.Filename != FileName {
					t.Errorf("diagnostic range names %q, want %q", d.Subject.Filename, FileName)
				}
				got = append(got, diagWant{d.Summary, d.Subject.Start.Line})
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(diagWant{})); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s\nall: %s", diff, diags.Error())
			}
		})
	}
}

func TestParseDuplicateNamesFirstLine(t *testing.T) {
	src := "version = 1\n\n" + validImage + "\n" + validImage
	_, diags := Parse([]byte(src), FileName)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail, "line 3") {
		t.Errorf("want one diagnostic pointing at line 3, got %s", diags.Error())
	}
}

func TestParseSortsHandEditedFile(t *testing.T) {
	src := "version = 1\n" +
		strings.Replace(validImage, `"image.a"`, `"image.z"`, 1) + validImage +
		"provider \"z\" {\n source = \"a/z\"\n}\nprovider \"a\" {\n source = \"a/a\"\n}\n"
	f := mustParse(t, []byte(src))
	var addrs, names []string
	for _, img := range f.Images {
		addrs = append(addrs, img.Address)
	}
	for _, p := range f.Providers {
		names = append(names, p.Name)
	}
	if diff := cmp.Diff([]string{"image.a", "image.z"}, addrs); diff != "" {
		t.Errorf("image order (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"a", "z"}, names); diff != "" {
		t.Errorf("provider order (-want +got):\n%s", diff)
	}
	if f.Image("image.z") == nil {
		t.Error("Image lookup fails after Parse sorted a hand-edited file")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	t.Run("missing file is empty", func(t *testing.T) {
		f, diags := Load(filepath.Join(dir, "absent", FileName))
		if len(diags) > 0 || f == nil {
			t.Fatalf("Load = %v, %s", f, diags.Error())
		}
		if diff := cmp.Diff(New(), f); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
	t.Run("unreadable", func(t *testing.T) {
		f, diags := Load(dir) // a directory
		if f != nil || !diags.HasErrors() || diags[0].Summary != "Failed to read lockfile" {
			t.Errorf("Load of a directory = %v, %s", f, diags.Error())
		}
	})
	t.Run("damaged names the file", func(t *testing.T) {
		path := filepath.Join(dir, "bad.lock.hcl")
		if err := os.WriteFile(path, []byte("version = 7\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		f, diags := Load(path)
		if f != nil || !diags.HasErrors() || diags[0].Subject.Filename != path {
			t.Errorf("Load = %v, %s", f, diags.Error())
		}
	})
}

func TestSaveThenLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	want := sampleFile()
	if err := want.Save(path); err != nil {
		t.Fatalf("Save: %v", err)
	}
	got, diags := Load(path)
	if diags.HasErrors() {
		t.Fatal(diags.Error())
	}
	if diff := cmp.Diff(normalized(want), got, valueComparer); diff != "" {
		t.Errorf("Load after Save (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		t.Errorf("directory after Save holds %d entries (%v), want only the lockfile", len(entries), err)
	}
}

func TestSaveKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := os.WriteFile(path, []byte("version = 1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := sampleFile().Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after Save = %v, want 0600 kept", fi.Mode().Perm())
	}
}

func TestSaveRefusesInvalid(t *testing.T) {
	path := filepath.Join(t.TempDir(), FileName)
	if err := sampleFile().Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	f := sampleFile()
	f.Images[0].SHA256 = "not-a-hash"
	err := f.Save(path)
	if err == nil || !strings.Contains(err.Error(), "sha256") {
		t.Errorf("Save of an invalid file: err = %v, want one naming sha256", err)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("a refused Save changed the file")
	}
	if errors.Is(err, os.ErrNotExist) {
		t.Errorf("unexpected error kind: %v", err)
	}
}
