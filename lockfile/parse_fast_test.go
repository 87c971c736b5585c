package lockfile

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestParseCanonicalAgreesWithHCL holds the fast reader to the full parser:
// on canonical files it must give the same File, and on the usual shapes it
// must not give up (or large projects lose the speed it exists for).
func TestParseCanonicalAgreesWithHCL(t *testing.T) {
	mustBeFast := map[string]*File{
		"empty":  New(),
		"sample": sampleFile(),
		"bench":  benchFile(20),
		"names":  trickyNames(),
		"costs":  costs(),
		"keys":   withInputs(keyInputs()),
		"nums":   withInputs(numberInputs()),
		"strs":   withInputs(stringInputs()),
		"cands":  candidates(),
	}
	for name, f := range mustBeFast {
		t.Run(name, func(t *testing.T) {
			src := f.Bytes()
			if _, ok := parseCanonical(src); !ok {
				t.Fatalf("the fast reader gave up on a canonical file:\n%s", src)
			}
			assertReadersAgree(t, src)
		})
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 300 {
		assertReadersAgree(t, randomFile(rng).Bytes())
	}
}

// assertReadersAgree checks that when the fast reader accepts src, the full
// parser accepts it too and reads the same File.
func assertReadersAgree(t *testing.T, src []byte) {
	t.Helper()
	fast, ok := parseCanonical(src)
	if !ok {
		return
	}
	slow, diags := parseHCL(src, FileName)
	if diags.HasErrors() {
		t.Fatalf("fast reader accepted what the parser rejects: %s\n%s", diags.Error(), src)
	}
	if diff := cmp.Diff(slow, fast, valueComparer); diff != "" {
		t.Errorf("fast reader disagrees with the parser (-parser +fast):\n%s\nsource:\n%s", diff, src)
	}
}

func TestParseCanonicalGivesUp(t *testing.T) {
	canonical := string(sampleFile().Bytes())
	tests := []struct {
		name string
		src  string
	}{
		{name: "reordered attributes", src: strings.Replace(canonical, "  source  = \"easel/placeholder\"\n  version = \"0.1.0\"\n", "  version = \"0.1.0\"\n  source  = \"easel/placeholder\"\n", 1)},
		{name: "misaligned", src: strings.Replace(canonical, "bytes     =", "bytes =", 1)},
		{name: "comment added", src: strings.Replace(canonical, "version = 1\n", "version = 1\n# note\n", 1)},
		{name: "template", src: strings.Replace(canonical, `"A friendly otter"`, `"${x}"`, 1)},
		{name: "escaped letter", src: strings.Replace(canonical, `"A friendly otter"`, `"\u0041 friendly otter"`, 1)},
		{name: "no final newline", src: strings.TrimSuffix(canonical, "\n")},
		{name: "bad hash", src: strings.Replace(canonical, "2222", "zzzz", 1)},
		{name: "duplicate image", src: canonical + canonical[strings.Index(canonical, "\nimage"):]},
		{name: "unsorted", src: strings.Replace(canonical, `image "image.mascot"`, `image "image.zzz"`, 1)},
		{name: "crlf", src: strings.ReplaceAll(canonical, "\n", "\r\n")},
		{name: "number spelled differently", src: strings.Replace(canonical, "bytes     = 48213", "bytes     = 48213.0", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.src == canonical {
				t.Fatal("the edit did not apply")
			}
			if f, ok := parseCanonical([]byte(tt.src)); ok {
				t.Errorf("fast reader accepted a non-canonical file: %+v", f)
			}
		})
	}
}
