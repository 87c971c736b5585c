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
		d := levenshtein(name, c)
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

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean returns " Did you mean X?" with X formatted by format, or "".
func didYouMean(name string, candidates []string, format string) string {
	s := SuggestName(name, candidates)
	if s == "" {
		return ""
	}
	return fmt.Sprintf(" Did you mean "+format+"?", s)
}
