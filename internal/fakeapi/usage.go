package fakeapi

import (
	"math"
	"strings"
	"unicode/utf8"
)

// outputTokens is the number of output tokens one image costs.
type outputTokens func(quality string, width, height int) int

// imageTokens is the number of input tokens one reference image costs.
type imageTokens func(width, height int, fidelity string) int

// gptImage1Table is the community-collected table for gpt-image-1 and 1.5
// (image-apis.md 1.7).
func gptImage1Table(quality string, w, h int) int {
	return fixedTable(quality, w, h, [3][3]int{{272, 408, 400}, {1056, 1584, 1568}, {4160, 6240, 6208}})
}

// gptImage1MiniTable is implied by the official per-image prices at $8/1M
// (image-apis.md 1.7, unconfirmed).
func gptImage1MiniTable(quality string, w, h int) int {
	return fixedTable(quality, w, h, [3][3]int{{687, 812, 812}, {1437, 1937, 1937}, {4562, 6562, 6562}})
}

// fixedTable reads rows low/medium/high and columns 1024x1024, 1024x1536,
// 1536x1024.
func fixedTable(quality string, w, h int, t [3][3]int) int {
	row := map[string]int{"low": 0, "medium": 1, "high": 2}[quality]
	col := 0
	switch {
	case w < h:
		col = 1
	case w > h:
		col = 2
	}
	return t[row][col]
}

// formulaTokens is the gpt-image-2 calculator formula (image-apis.md 1.7):
// S = round(Q*short/long), tokens = ceil(Q*S*(2,000,000+W*H)/4,000,000),
// times an optional per-quality multiplier.
func formulaTokens(q map[string]int, mult map[string]float64) outputTokens {
	return func(quality string, w, h int) int {
		qf := q[quality]
		short, long := min(w, h), max(w, h)
		s := (2*qf*short + long) / (2 * long)
		num := qf * s * (2_000_000 + w*h)
		tokens := (num + 3_999_999) / 4_000_000
		if m, ok := mult[quality]; ok {
			tokens = int(math.Ceil(float64(tokens) * m))
		}
		return tokens
	}
}

// tileTokens prices a gpt-image-1 family reference: about 135 tokens per
// 1024x1024 at low fidelity and 3,050 at high [3p fal.ai], scaled by area
// and capped at 2048x2048.
func tileTokens(w, h int, fidelity string) int {
	per := 135.0
	if fidelity == "high" {
		per = 3050
	}
	area := min(float64(w)*float64(h), 2048*2048)
	return int(math.Ceil(per * area / (1024 * 1024)))
}

// patchTokens prices a gpt-image-2 family reference: 32 px patches, at
// most about 1,536 per image [3p community fit].
func patchTokens(w, h int, _ string) int {
	const budget = 1536
	patches := func(w, h float64) int { return int(math.Ceil(w/32) * math.Ceil(h/32)) }
	p := patches(float64(w), float64(h))
	if p <= budget {
		return p
	}
	scale := math.Sqrt(budget / float64(p))
	return min(patches(math.Floor(float64(w)*scale), math.Floor(float64(h)*scale)), budget)
}

// textTokens approximates a tokenizer: a word costs one token per four
// characters or part of them.
func textTokens(prompt string) int {
	n := 0
	for _, w := range strings.Fields(prompt) {
		n += (utf8.RuneCountInString(w) + 3) / 4
	}
	return max(n, 1)
}

// usage is the wire form of ImageGenUsage.
type usage struct {
	InputTokens         int           `json:"input_tokens"`
	OutputTokens        int           `json:"output_tokens"`
	TotalTokens         int           `json:"total_tokens"`
	InputTokensDetails  tokensDetails `json:"input_tokens_details"`
	OutputTokensDetails tokensDetails `json:"output_tokens_details"`
}

type tokensDetails struct {
	TextTokens  int `json:"text_tokens"`
	ImageTokens int `json:"image_tokens"`
}

// computeUsage prices a request that produced n images of w x h.
func computeUsage(spec modelSpec, req *request, quality string, w, h, n int) *usage {
	if !spec.gpt() {
		return nil
	}
	u := &usage{}
	u.InputTokensDetails.TextTokens = textTokens(req.prompt)
	for _, img := range req.images {
		u.InputTokensDetails.ImageTokens += spec.imageIn(img.width, img.height, req.str("input_fidelity"))
	}
	u.OutputTokens = spec.tokens(quality, w, h) * n
	u.OutputTokensDetails.ImageTokens = u.OutputTokens
	u.InputTokens = u.InputTokensDetails.TextTokens + u.InputTokensDetails.ImageTokens
	u.TotalTokens = u.InputTokens + u.OutputTokens
	return u
}
