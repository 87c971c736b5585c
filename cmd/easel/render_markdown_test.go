package main

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/plugins"
)

func TestRenderComment(t *testing.T) {
	tests := []struct {
		name string
		plan *engine.Plan
		o    commentOptions
	}{
		{"comment.md", reviewPlan(), commentOptions{imageURLBase: "https://github.com/acme/brand/raw/0123abc/",
			budget: budget{USD: 5, Source: "-max-cost"}}},
		{"comment-over-budget.md", reviewPlan(), commentOptions{budget: budget{USD: 0.1, Source: "budget in the easel block, main.easel.hcl:2"}}},
		{"comment-no-changes.md", &engine.Plan{Unchanged: 12}, commentOptions{}},
		{"comment-truncated.md", manyChanges(40), commentOptions{maxChars: 6000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderComment(tt.plan, tt.o)
			checkGolden(t, tt.name, got)
			if !strings.HasPrefix(got, commentMarker+"\n") {
				t.Errorf("the comment does not start with %q", commentMarker)
			}
		})
	}
}

// manyChanges is a plan of n new images with long prompts.
func manyChanges(n int) *engine.Plan {
	plan := &engine.Plan{Fingerprint: "sha256:5e5e5e5e5e5e5e5e"}
	for i := range n {
		plan.Changes = append(plan.Changes, &engine.Change{Address: fmt.Sprintf("image.tile[%d]", i), Action: engine.Regenerate,
			Provider: "openai", Model: "gpt-image-2", Size: "1024x1024", Quality: "low", Output: fmt.Sprintf("tiles/%03d.png", i),
			Estimate: plugins.Estimate{USD: usd(0.011)}, Reasons: []engine.Reason{{Kind: engine.ReasonAttribute, Attribute: "prompt",
				Old: fmt.Sprintf("%q", heroOld), New: fmt.Sprintf("%q", heroNew), Message: "prompt changed"}}})
	}
	return plan
}

// TestRenderCommentLimit checks the size limit on plans far past it: the
// comment fits, stays valid (every <details> closed), keeps its marker,
// cost and table header, and says how it was cut.
func TestRenderCommentLimit(t *testing.T) {
	tests := []struct {
		name     string
		changes  int
		maxChars int
		wantRows int // -1: do not check
	}{
		{"github limit, details cut", 200, githubCommentLimit, 200},
		{"github limit, rows cut", 2000, githubCommentLimit, -1},
		{"tiny limit, few rows", 5, 700, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := renderComment(manyChanges(tt.changes), commentOptions{maxChars: tt.maxChars})
			if len(got) > tt.maxChars {
				t.Fatalf("the comment is %d bytes, over the limit of %d", len(got), tt.maxChars)
			}
			if n := utf8.RuneCountInString(got); n > githubCommentLimit {
				t.Fatalf("the comment is %d characters", n)
			}
			for _, want := range []string{commentMarker, "**Estimated cost: ", "| | Image |", "**This comment is truncated**", "</sub>\n"} {
				if !strings.Contains(got, want) {
					t.Errorf("the comment lacks %q", want)
				}
			}
			if strings.Count(got, "<details>") != strings.Count(got, "</details>") {
				t.Errorf("unbalanced <details> in the cut comment")
			}
			rows := strings.Count(got, "| `~` regenerate |")
			if tt.wantRows >= 0 && rows != tt.wantRows {
				t.Errorf("%d table rows; want %d", rows, tt.wantRows)
			}
			if want := fmt.Sprintf("it lists %d of %d changes", rows, tt.changes); !strings.Contains(got, want) {
				t.Errorf("the truncation line does not say %q", want)
			}
			if tt.maxChars == githubCommentLimit && len(got) < tt.maxChars-2000 {
				t.Errorf("the comment is %d bytes: it leaves too much of the limit unused", len(got))
			}
		})
	}
}

func TestMarkdownEscaping(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"emphasis and code", "a *bold* _x_ `code`", "a \\*bold\\* \\_x\\_ \\`code\\`"},
		{"html", "<img src=x onerror=alert(1)> & 'q' \"q\"", "&lt;img src=x onerror=alert(1)&gt; &amp; 'q' \"q\""},
		{"table cell", "a | b", "a \\| b"},
		{"mention", "by @octocat", "by @\u2060octocat"},
		{"link", "[x](y)", "\\[x\\](y)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mdText(tt.in); got != tt.want {
				t.Errorf("mdText(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestThumbnailURL(t *testing.T) {
	tests := []struct {
		name string
		c    engine.Change
		want string
	}{
		{"regenerate", engine.Change{Action: engine.Regenerate, Output: "assets/hero.png"}, "https://x/raw/main/assets/hero.png"},
		{"moved: the old path", engine.Change{Action: engine.Move, Output: "b/x.png", PrevOutput: "a/x.png"}, "https://x/raw/main/a/x.png"},
		{"escaped", engine.Change{Action: engine.Delete, Output: "my pics/#1.png"}, "https://x/raw/main/my%20pics/%231.png"},
		{"new: nothing to show", engine.Change{Action: engine.Create, Output: "a.png"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := thumbnailURL(&tt.c, "https://x/raw/main/"); got != tt.want {
				t.Errorf("got %q; want %q", got, tt.want)
			}
		})
	}
}
