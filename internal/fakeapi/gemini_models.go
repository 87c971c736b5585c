package fakeapi

import "slices"

// gemModel is what the Gemini fake knows of one image model, transcribed
// independently from shared/reference/image-apis.md section 4 (2026-11-23).
// Output pixel sizes are not in the reference: the fake uses the tables
// Google published for 2.5 Flash Image and 3 Pro Image, scaled per tier.
type gemModel struct {
	id string
	// ratios are the accepted imageConfig.aspectRatio values.
	ratios []string
	// sizes are the accepted imageConfig.imageSize values; the first is the
	// default. A model with one size also accepts the field absent only.
	sizes []string
	// maxImages is the most inline reference images.
	maxImages int
	// thinking says whether thinkingConfig.thinkingLevel is accepted.
	thinking bool
	// base gives the 1K dimensions per ratio.
	base map[string][2]int
	// outTokens are the image-output tokens per imageSize.
	outTokens map[string]int
}

var (
	gemStdRatios = []string{"1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9"}
	gemExtRatios = []string{"1:4", "4:1", "1:8", "8:1"}
)

// gem25Dims is the 2.5 Flash Image table (1,290 tokens at every ratio).
func gem25Dims() map[string][2]int {
	return map[string][2]int{"1:1": {1024, 1024}, "2:3": {832, 1248}, "3:2": {1248, 832}, "3:4": {864, 1184},
		"4:3": {1184, 864}, "4:5": {896, 1152}, "5:4": {1152, 896}, "9:16": {768, 1344}, "16:9": {1344, 768}, "21:9": {1536, 672}}
}

// gem3Dims is the 1K row of the 3 Pro Image table, with the extreme ratios
// of the newer models.
func gem3Dims() map[string][2]int {
	return map[string][2]int{"1:1": {1024, 1024}, "2:3": {848, 1264}, "3:2": {1264, 848}, "3:4": {896, 1200},
		"4:3": {1200, 896}, "4:5": {928, 1152}, "5:4": {1152, 928}, "9:16": {768, 1376}, "16:9": {1376, 768}, "21:9": {1584, 672},
		"1:4": {512, 2048}, "4:1": {2048, 512}, "1:8": {384, 3072}, "8:1": {3072, 384}}
}

// gemModels returns the models the fake serves, by id and alias. A fresh
// map per call: there is no package-level mutable state.
func gemModels() map[string]gemModel {
	flash25 := gemModel{id: "gemini-2.5-flash-image", ratios: gemStdRatios, sizes: []string{"1K"}, maxImages: 14,
		base: gem25Dims(), outTokens: map[string]int{"1K": 1290}}
	pro3 := gemModel{id: "gemini-3-pro-image", ratios: gemStdRatios, sizes: []string{"1K", "2K", "4K"}, maxImages: 14,
		base: gem3Dims(), outTokens: map[string]int{"1K": 1120, "2K": 1120, "4K": 2000}}
	flash31 := gemModel{id: "gemini-3.1-flash-image", ratios: slices.Concat(gemStdRatios, gemExtRatios), sizes: []string{"1K", "512", "2K", "4K"},
		maxImages: 14, base: gem3Dims(), outTokens: map[string]int{"512": 747, "1K": 1120, "2K": 1680, "4K": 2520}}
	nb21 := flash31
	nb21.id, nb21.sizes, nb21.thinking = "gemini-nano-banana-2.1", []string{"1K", "2K", "4K"}, true
	return map[string]gemModel{
		flash25.id: flash25, pro3.id: pro3, "gemini-3-pro-image-preview": pro3,
		flash31.id: flash31, nb21.id: nb21,
	}
}

// dims returns the output size for a ratio and size tier.
func (m gemModel) dims(ratio, size string) (int, int) {
	wh := m.base[ratio]
	switch size {
	case "512":
		return wh[0] / 2, wh[1] / 2
	case "2K":
		return wh[0] * 2, wh[1] * 2
	case "4K":
		return wh[0] * 4, wh[1] * 4
	}
	return wh[0], wh[1]
}

// nearestRatio returns the model's ratio closest to w:h, which is what the
// model follows when a reference is given and no aspectRatio.
func (m gemModel) nearestRatio(w, h int) string {
	best, bestDiff := "1:1", -1.0
	for _, r := range m.ratios {
		rw, rh := m.base[r][0], m.base[r][1]
		d := float64(w)/float64(h) - float64(rw)/float64(rh)
		if d < 0 {
			d = -d
		}
		if bestDiff < 0 || d < bestDiff {
			best, bestDiff = r, d
		}
	}
	return best
}

// gemImageTokens prices one input image: 258 tokens per 768 px tile, one
// tile for images up to 384 px on both sides.
func gemImageTokens(w, h int) int {
	if w <= 384 && h <= 384 {
		return 258
	}
	return 258 * ((w + 767) / 768) * ((h + 767) / 768)
}
