package main

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/easelhq/easel/engine"
)

// longValue is the length past which an attribute change is shown as a
// word diff rather than as "old -> new".
const longValue = 40

// opKind says whether a run of words is in both values, only the old one
// or only the new one.
type opKind int

const (
	opSame opKind = iota
	opDel
	opIns
)

// wordOp is a run of words of one kind, joined by single spaces.
type wordOp struct {
	kind opKind
	text string
}

// maxDiffCells bounds the LCS table of a word diff; past it the values are
// shown as one deletion and one insertion.
const maxDiffCells = 4 << 20

// wordDiff compares two texts word by word and returns runs of
// unchanged, deleted and inserted text, in order. Words, punctuation marks
// and spaces are compared as separate tokens (runs of white space count as
// one space), so "vector" -> "vector, at night" is an insertion of
// ", at night".
func wordDiff(old, new string) []wordOp {
	a, b := tokens(old), tokens(new)
	// The common head and tail need no table: most edits touch a few
	// words of a long prompt.
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	ops := opsOf(opSame, a[:head])
	ops = append(ops, lcsOps(a[head:len(a)-tail], b[head:len(b)-tail])...)
	return compactOps(append(ops, opsOf(opSame, a[len(a)-tail:])...))
}

func opsOf(kind opKind, toks []string) []wordOp {
	ops := make([]wordOp, len(toks))
	for i, t := range toks {
		ops[i] = wordOp{kind, t}
	}
	return ops
}

// lcsOps diffs two token lists by their longest common subsequence.
func lcsOps(a, b []string) []wordOp {
	if len(a)*len(b) > maxDiffCells {
		return []wordOp{{opDel, strings.Join(a, "")}, {opIns, strings.Join(b, "")}}
	}
	// lcs[i][j] is the length of the longest common subsequence of a[i:]
	// and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var ops []wordOp
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			ops = append(ops, wordOp{opSame, a[i]})
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, wordOp{opIns, b[j]})
			j++
		default:
			ops = append(ops, wordOp{opDel, a[i]})
			i++
		}
	}
	return ops
}

// tokens splits text into words (letters, digits and _), single
// punctuation marks and single spaces standing for runs of white space.
// Leading and trailing white space is dropped.
func tokens(text string) []string {
	var out []string
	text = strings.TrimSpace(text)
	for len(text) > 0 {
		r, n := utf8.DecodeRuneInString(text)
		switch {
		case unicode.IsSpace(r):
			text = strings.TrimLeftFunc(text, unicode.IsSpace)
			out = append(out, " ")
			continue
		case isWordRune(r):
			n = len(text) - len(strings.TrimLeftFunc(text, isWordRune))
		}
		out = append(out, text[:n])
		text = text[n:]
	}
	return out
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// compactOps joins neighbouring tokens of the same kind, puts every
// deletion before the insertion next to it ("[-a b-]{+c+}"), and folds a
// lone space between two changes into both, so that "a b" -> "c d" reads
// as one replacement.
func compactOps(ops []wordOp) []wordOp {
	var out []wordOp
	var del, ins strings.Builder
	flush := func() {
		if del.Len() > 0 {
			out = append(out, wordOp{opDel, del.String()})
		}
		if ins.Len() > 0 {
			out = append(out, wordOp{opIns, ins.String()})
		}
		del.Reset()
		ins.Reset()
	}
	for i, op := range ops {
		switch {
		case op.kind == opDel:
			del.WriteString(op.text)
		case op.kind == opIns:
			ins.WriteString(op.text)
		case op.text == " " && del.Len()+ins.Len() > 0 && i+1 < len(ops) && ops[i+1].kind != opSame:
			del.WriteString(op.text)
			ins.WriteString(op.text)
		default:
			flush()
			if n := len(out); n > 0 && out[n-1].kind == opSame {
				out[n-1].text += op.text
			} else {
				out = append(out, op)
			}
		}
	}
	flush()
	return out
}

// elide shortens unchanged runs to ctx words on each side of a change,
// replacing the rest with "…".
func elide(ops []wordOp, ctx int) []wordOp {
	out := make([]wordOp, 0, len(ops))
	for i, op := range ops {
		words := strings.Fields(op.text)
		if op.kind != opSame || len(words) <= 2*ctx+1 || len(ops) == 1 {
			out = append(out, op)
			continue
		}
		lead, trail := leadingSpace(op.text), trailingSpace(op.text)
		var kept string
		switch {
		case i == 0:
			kept = "… " + strings.Join(words[len(words)-ctx:], " ") + trail
		case i == len(ops)-1:
			kept = lead + strings.Join(words[:ctx], " ") + " …"
		default:
			kept = lead + strings.Join(words[:ctx], " ") + " … " + strings.Join(words[len(words)-ctx:], " ") + trail
		}
		out = append(out, wordOp{opSame, kept})
	}
	return out
}

func leadingSpace(s string) string  { return s[:len(s)-len(strings.TrimLeft(s, " "))] }
func trailingSpace(s string) string { return s[len(strings.TrimRight(s, " ")):] }

// attrChange is an attribute reason, with its values unquoted when they
// are strings.
type attrChange struct {
	name     string
	old, new string
	// words is set when the values are long enough for a word diff.
	words []wordOp
}

// attributeChange returns the attribute change a reason describes, if any.
func attributeChange(r engine.Reason) (attrChange, bool) {
	if r.Kind != engine.ReasonAttribute || (r.Old == "" && r.New == "") {
		return attrChange{}, false
	}
	ac := attrChange{name: r.Attribute, old: r.Old, new: r.New}
	oldText, oldStr := unquote(r.Old)
	newText, newStr := unquote(r.New)
	long := utf8.RuneCountInString(oldText) > longValue || utf8.RuneCountInString(newText) > longValue
	if long && (oldStr || r.Old == "(unset)") && newStr {
		if !oldStr {
			oldText = ""
		}
		ac.words = wordDiff(oldText, newText)
	}
	return ac, true
}

// unquote returns a value rendered as a quoted HCL string without its
// quotes; other values are returned as they are, with false.
func unquote(v string) (string, bool) {
	if len(v) < 2 || v[0] != '"' {
		return v, false
	}
	s, err := strconv.Unquote(v)
	if err != nil {
		return v, false
	}
	return s, true
}

// wordDiffText renders a word diff as one line in git's plain word-diff
// notation, [-deleted-]{+inserted+}, coloured on a terminal.
func wordDiffText(ops []wordOp, colour bool) string {
	return renderOps(ops, func(s string) string { return s },
		func(s string) string { return paint("[-"+s+"-]", ansiRed, colour) },
		func(s string) string { return paint("{+"+s+"+}", ansiGreen, colour) })
}

// renderOps renders a word diff with a function per kind of run. Spaces at
// the edges of a change are moved outside its markers ("a {+sea+} otter",
// not "a {+sea +}otter"), never doubled, and never put between a deletion
// and the insertion that replaces it.
func renderOps(ops []wordOp, same, del, ins func(string) string) string {
	var b strings.Builder
	spaced := true // the output ends with a space, or is empty
	space := func() {
		if !spaced {
			b.WriteString(same(" "))
			spaced = true
		}
	}
	for i, op := range ops {
		if op.kind == opSame {
			text := op.text
			if spaced {
				text = strings.TrimLeft(text, " ")
			}
			if text != "" {
				b.WriteString(same(text))
				spaced = strings.HasSuffix(text, " ")
			}
			continue
		}
		core := strings.Trim(op.text, " ")
		replacing := op.kind == opIns && i > 0 && ops[i-1].kind == opDel
		replaced := op.kind == opDel && i+1 < len(ops) && ops[i+1].kind == opIns
		if strings.HasPrefix(op.text, " ") && !replacing {
			space()
		}
		if op.kind == opDel {
			b.WriteString(del(core))
		} else {
			b.WriteString(ins(core))
		}
		spaced = false
		if strings.HasSuffix(op.text, " ") && !replaced {
			space()
		}
	}
	return b.String()
}

// wrapWords breaks s into lines of at most width visible characters at
// spaces (ANSI colour codes take no room); a longer word stays whole.
func wrapWords(s string, width int) []string {
	var lines []string
	var line strings.Builder
	n := 0
	for _, w := range strings.Split(s, " ") {
		wn := visibleLen(w)
		if n > 0 && n+1+wn > width {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(w)
		n += wn
	}
	return append(lines, line.String())
}

// visibleLen counts the characters of s outside ANSI escape sequences.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc:
			esc = r != 'm'
		default:
			n++
		}
	}
	return n
}
