package schema

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// lineStarts are the offsets of every line after the first.
func lineStarts(src string) []int {
	var out []int
	for i := 0; i < len(src)-1; i++ {
		if src[i] == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// TestParsePiecesJoinsToWholeFile cuts sources at every line start, and at
// every pair of line starts, and checks that a cut the parser accepts gives
// exactly the whole-file parse, and that no cut is accepted in a file with
// errors. The sources put lines holding only "}" where a cut there would
// be wrong: in heredocs, comments, nested blocks and multi-line values.
func TestParsePiecesJoinsToWholeFile(t *testing.T) {
	tests := []struct {
		name         string
		src          string
		wantAccepted bool // some cut must be accepted
	}{
		{"blocks", "locals {\n  a = 1\n}\n\nimage \"a\" {\n  prompt = \"x ${local.a}\"\n}\n# between\nimage \"b\" {\n  references = [image.a]\n}\n", true},
		{"heredoc", "image \"a\" {\n  prompt = <<EOT\nline\n}\nimage \"c\" {\n}\nEOT\n}\nimage \"b\" {\n}\n", true},
		{"block comment", "image \"a\" {\n}\n/*\n}\nimage \"c\" {\n}\n*/\nimage \"b\" {\n}\n", true},
		{"nested block", "provider \"p\" {\n  retry {\n    n = 1\n}\n}\nimage \"b\" {\n}\n", true},
		{"multi-line values", "image \"a\" {\n  references = [\n    \"x\",\n]\n  prompt = \"${\nlocal.a\n}\"\n}\nimage \"b\" {\n  m = {\n    k = 1\n}\n}\n", true},
		{"top-level attributes", "a = 1\n\nimage \"a\" {\n}\na = 2\n", false},
		{"error after", "image \"a\" {\n}\nimage \"b\" {\n  prompt = \n}\n", false},
		{"unterminated heredoc", "image \"a\" {\n}\nimage \"b\" {\n  prompt = <<EOT\n}\n", false},
		{"unclosed block", "image \"a\" {\n}\nimage \"b\" {\n  prompt = \"x\"\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.src)
			whole, wholeDiags := hclsyntax.ParseConfig(src, "main.easel.hcl", hcl.InitialPos)
			starts := lineStarts(tt.src)
			var cutSets [][]int
			for i, a := range starts {
				cutSets = append(cutSets, []int{a})
				for _, b := range starts[i+1:] {
					cutSets = append(cutSets, []int{a, b})
				}
			}
			accepted := 0
			for _, cuts := range cutSets {
				got, ok := parsePieces(src, "main.easel.hcl", cuts)
				if !ok {
					continue
				}
				accepted++
				if wholeDiags.HasErrors() {
					t.Fatalf("cuts %v accepted in a file with errors: %s", cuts, wholeDiags.Error())
				}
				if !reflect.DeepEqual(got, whole) {
					t.Fatalf("cuts %v: the joined file differs from the whole-file parse", cuts)
				}
			}
			if tt.wantAccepted && accepted == 0 {
				t.Errorf("no cut accepted; want some")
			}
			if !tt.wantAccepted && accepted > 0 {
				t.Errorf("%d cuts accepted; want none", accepted)
			}
		})
	}
}

func largeConfig(n int, extra string) []byte {
	var b strings.Builder
	b.WriteString("locals {\n  style = \"flat\"\n}\n\n")
	for i := range n {
		fmt.Fprintf(&b, "image \"img%05d\" {\n  prompt     = \"Product shot %d, ${local.style}\"\n  references = [\"brand/ref.png\"]\n  output     = \"assets/%03d/img%05d.png\"\n}\n\n", i, i, i/100, i)
	}
	b.WriteString(extra)
	return []byte(b.String())
}

// TestParseConfigLargeFile checks a file large enough to be parsed in
// pieces: the same file as a whole-file parse, navigation included, and
// with an error the same diagnostics.
func TestParseConfigLargeFile(t *testing.T) {
	tests := []struct {
		name  string
		extra string
	}{
		{"valid", ""},
		{"error in the last block", "image \"bad\" {\n  prompt = \n}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := largeConfig(1000, tt.extra)
			if cuts := pieceCuts(src, 2); len(cuts) != 1 {
				t.Fatalf("pieceCuts = %v; want a cut in %d bytes", cuts, len(src))
			}
			want, wantDiags := hclsyntax.ParseConfig(src, "main.easel.hcl", hcl.InitialPos)
			got, gotDiags := parseConfig(src, "main.easel.hcl")
			if !reflect.DeepEqual(got, want) {
				t.Error("parseConfig differs from the whole-file parse")
			}
			if gotDiags.Error() != wantDiags.Error() {
				t.Errorf("diagnostics %q; want %q", gotDiags.Error(), wantDiags.Error())
			}
			off := len(src) - 40
			type contexter interface{ ContextString(int) string }
			if g, w := got.Nav.(contexter).ContextString(off), want.Nav.(contexter).ContextString(off); g != w || w == "" {
				t.Errorf("context at the end = %q; want %q", g, w)
			}
		})
	}
}
