package main

import (
	"strings"
	"testing"
)

// BenchmarkRenderComment renders pull-request comments: a plan that fits
// and one cut to GitHub's limit.
func BenchmarkRenderComment(b *testing.B) {
	for _, tc := range []struct {
		name string
		n    int
	}{{"200-changes", 200}, {"5000-changes-cut", 5000}} {
		plan := manyChanges(tc.n)
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if len(renderComment(plan, commentOptions{})) > githubCommentLimit {
					b.Fatal("over the limit")
				}
			}
		})
	}
}

// BenchmarkWordDiff diffs two 300-word prompts that differ in a few words.
func BenchmarkWordDiff(b *testing.B) {
	old := strings.Repeat(heroOld+" ", 12)
	new := strings.Replace(old, "centre", "middle", 3)
	for b.Loop() {
		wordDiff(old, new)
	}
}
