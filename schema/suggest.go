package schema

import (
	"fmt"
	"strings"
)

// SuggestName returns the candidate closest to name, or "" when none is
// close enough to be a plausible typo.
func SuggestName(name string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		if c == name {
			continue
		}
		if strings.EqualFold(c, name) {
			return c
		}
		d := editDistance(name, c)
		if d > maxTypoDistance(name) {
			continue
		}
		if best == "" || d < bestDist || (d == bestDist && c < best) {
			best, bestDist = c, d
		}
	}
	return best
}

// maxTypoDistance allows one edit per three characters, at least one and
// at most three.
func maxTypoDistance(name string) int {
	n := len([]rune(name)) / 3
	return max(1, min(n, 3))
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and transpositions of adjacent runes ("stlye")
// each count one.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// didYouMean returns " Did you mean X?" with X formatted by format, or "".
func didYouMean(name string, candidates []string, format string) string {
	s := SuggestName(name, candidates)
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean "+format+"?", s)
}
