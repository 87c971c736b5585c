package main

import (
	"strings"
	"testing"

	"github.com/easelhq/easel/engine"
)

func TestWordDiffText(t *testing.T) {
	tests := []struct {
		name, old, new, want string
	}{
		{"one word replaced", "a friendly otter", "a friendly sea otter", "a friendly {+sea+} otter"},
		{"replaced run", "the mascot in the centre", "the mascot on the left", "the mascot [-in-]{+on+} the [-centre-]{+left+}"},
		{"appended after punctuation", "Hero, flat vector", "Hero, flat vector, at night", "Hero, flat vector{+, at night+}"},
		{"two words as one replacement", "x a b y", "x c d y", "x [-a b-]{+c d+} y"},
		{"word removed", "a big red otter", "a red otter", "a [-big-] red otter"},
		{"all new", "", "brand new prompt", "{+brand new prompt+}"},
		{"white space only", "a  b\nc", "a b c", "a b c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := wordDiffText(wordDiff(tt.old, tt.new), false); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestElide(t *testing.T) {
	long := strings.Repeat("w ", 20) + "end"
	ops := elide(wordDiff(long+" old "+long, long+" new "+long), 2)
	got := wordDiffText(ops, false)
	if want := "… w end [-old-]{+new+} w w …"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestAttributeChange(t *testing.T) {
	tests := []struct {
		name     string
		r        engine.Reason
		wantDiff bool
	}{
		{"short prompt", engine.Reason{Kind: engine.ReasonAttribute, Attribute: "prompt", Old: `"a"`, New: `"b"`}, false},
		{"long prompt", engine.Reason{Kind: engine.ReasonAttribute, Attribute: "prompt", Old: `"` + heroOld + `"`, New: `"` + heroNew + `"`}, true},
		{"long prompt set", engine.Reason{Kind: engine.ReasonAttribute, Attribute: "prompt", Old: "(unset)", New: `"` + heroNew + `"`}, true},
		{"sensitive", engine.Reason{Kind: engine.ReasonAttribute, Attribute: "prompt", Old: "(sensitive)", New: "(sensitive)"}, false},
		{"long list", engine.Reason{Kind: engine.ReasonAttribute, Attribute: "tags", Old: `["` + heroOld + `"]`, New: `["x"]`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ac, ok := attributeChange(tt.r)
			if !ok {
				t.Fatal("not an attribute change")
			}
			if (ac.words != nil) != tt.wantDiff {
				t.Errorf("word diff = %v; want %v", ac.words != nil, tt.wantDiff)
			}
		})
	}
}

func TestWrapWords(t *testing.T) {
	got := wrapWords("\x1b[31maaaa\x1b[0m bbbb cccc", 9)
	if len(got) != 2 || got[0] != "\x1b[31maaaa\x1b[0m bbbb" || got[1] != "cccc" {
		t.Errorf("wrapWords = %q; colour codes must take no room", got)
	}
}
