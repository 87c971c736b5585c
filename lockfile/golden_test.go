package lockfile

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestBytesGolden(t *testing.T) {
	golden := filepath.Join("testdata", "sample.lock.hcl")
	got := sampleFile().Bytes()
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Bytes differs from %s (-want +got):\n%s", golden, diff)
	}
}

func TestParseGolden(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("testdata", "sample.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	got := mustParse(t, src)
	if diff := cmp.Diff(normalized(sampleFile()), got, valueComparer); diff != "" {
		t.Errorf("Parse (-want +got):\n%s", diff)
	}
	if out := got.Bytes(); string(out) != string(src) {
		t.Errorf("Parse then Bytes changed the file:\n%s", cmp.Diff(string(src), string(out)))
	}
}
