package placeholder

import (
	"fmt"
	"image"
	"image/color"
	"strings"
	"unicode/utf8"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

const ellipsis = "…"

// fonts are the parsed Go fonts. A parsed font is safe for concurrent use;
// the faces made from it are not, so each render makes its own.
type fonts struct {
	regular, bold *opentype.Font
}

func loadFonts() (fonts, error) {
	regular, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("parsing Go Regular: %w", err)
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return fonts{}, fmt.Errorf("parsing Go Bold: %w", err)
	}
	return fonts{regular: regular, bold: bold}, nil
}

// face is a font at a pixel size.
type face struct {
	font.Face
}

func newFace(f *opentype.Font, px float64) face {
	// NewFace only fails for a nil font.
	ff, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	return face{ff}
}

// height is the line height in pixels.
func (f face) height() int { return f.Metrics().Height.Ceil() }

// ascent is the distance from a line's top to its baseline.
func (f face) ascent() int { return f.Metrics().Ascent.Ceil() }

func (f face) width(s string) int { return font.MeasureString(f, s).Ceil() }

// draw writes s with its line box's top-left corner at p.
func (f face) draw(img *image.RGBA, p image.Point, s string, c color.RGBA) {
	d := font.Drawer{Dst: img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(p.X, p.Y+f.ascent())}
	d.DrawString(s)
}

// fit returns s, or its longest prefix that fits in maxW with an ellipsis,
// and false when not even the ellipsis fits.
func (f face) fit(s string, maxW int) (string, bool) {
	if f.width(s) <= maxW {
		return s, true
	}
	return f.cut(s, maxW)
}

// cut always ends s with an ellipsis, shortening it to fit maxW.
func (f face) cut(s string, maxW int) (string, bool) {
	s = strings.TrimRight(s, " ")
	for s != "" {
		if t := s + ellipsis; f.width(t) <= maxW {
			return t, true
		}
		_, n := utf8.DecodeLastRuneInString(s)
		s = strings.TrimRight(s[:len(s)-n], " ")
	}
	return ellipsis, f.width(ellipsis) <= maxW
}

// wrap breaks text into at most maxLines lines of at most maxW pixels, at
// spaces where it can, mid-word where a word alone is too wide. Line breaks
// in the text start new lines. When the text does not fit, the last line
// ends with an ellipsis.
func (f face) wrap(text string, maxW, maxLines int) []string {
	var lines []string
	for para := range strings.SplitSeq(text, "\n") {
		lines = append(lines, f.wrapParagraph(strings.Fields(para), maxW)...)
	}
	if len(lines) <= maxLines {
		return lines
	}
	if maxLines <= 0 {
		return nil
	}
	lines = lines[:maxLines]
	lines[maxLines-1], _ = f.cut(lines[maxLines-1], maxW)
	return lines
}

func (f face) wrapParagraph(words []string, maxW int) []string {
	var lines []string
	cur := ""
	for _, w := range words {
		if cur != "" && f.width(cur+" "+w) <= maxW {
			cur += " " + w
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		for f.width(w) > maxW && utf8.RuneCountInString(w) > 1 {
			head := f.longestPrefix(w, maxW)
			lines = append(lines, head)
			w = w[len(head):]
		}
		cur = w
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// longestPrefix is the longest prefix of w (at least one rune) within maxW.
func (f face) longestPrefix(w string, maxW int) string {
	_, n := utf8.DecodeRuneInString(w)
	for i, r := range w {
		if i > 0 && f.width(w[:i+utf8.RuneLen(r)]) > maxW {
			break
		}
		n = i + utf8.RuneLen(r)
	}
	return w[:n]
}
