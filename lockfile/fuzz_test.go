package lockfile

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics, that whatever it accepts is
// valid, saves, and reads back to the same bytes, and that the fast reader
// of canonical files never disagrees with the full parser. The seed corpus is
// testdata/*.lock.hcl plus testdata/fuzz/FuzzParse.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 1m ./lockfile
func FuzzParse(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.lock.hcl"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range seeds {
		src, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("version = 1\n\n" + validImage))
	f.Fuzz(func(t *testing.T, src []byte) {
		assertReadersAgree(t, src)
		lf, diags := Parse(src, FileName)
		if diags.HasErrors() {
			if lf != nil {
				t.Fatal("Parse returned a File with errors")
			}
			return
		}
		if err := lf.Validate(); err != nil {
			t.Fatalf("Parse accepted a file that Validate refuses: %v\n%s", err, src)
		}
		out := lf.Bytes()
		again, diags := Parse(out, FileName)
		if diags.HasErrors() {
			t.Fatalf("Bytes of a parsed file does not parse: %s\ninput:\n%s\noutput:\n%s", diags.Error(), src, out)
		}
		if out2 := again.Bytes(); string(out2) != string(out) {
			t.Fatalf("Parse then Bytes is not stable:\nfirst:\n%s\nsecond:\n%s", out, out2)
		}
	})
}
