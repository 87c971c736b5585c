package placeholder

import (
	"crypto/sha256"
	"image/color"
	"math"
)

var (
	black = color.RGBA{0, 0, 0, 255}
	white = color.RGBA{255, 255, 255, 255}
)

// palette is the few colours an image is drawn with.
type palette struct {
	bg   color.RGBA // background
	ink  color.RGBA // text and lines: high contrast with bg
	card color.RGBA // the panel behind text: bg nudged towards white or black
}

// paletteFor derives the colours from the spec hash: a hue anywhere on the
// wheel with moderate saturation, and mostly light (a quarter dark) so
// images in one project look related but tell apart at a glance.
func paletteFor(specHash string, o options) palette {
	bg := o.background
	if !o.hasBackground {
		sum := sha256.Sum256([]byte(specHash))
		hue := float64(uint16(sum[0])<<8|uint16(sum[1])) / 65536 * 360
		sat := 0.30 + float64(sum[2])/255*0.20
		light := 0.72 + float64(sum[3])/255*0.12
		if sum[4] < 64 { // dark, and calmer so it does not glare
			sat, light = 0.20+float64(sum[2])/255*0.14, 0.25+float64(sum[3])/255*0.07
		}
		bg = hsl(hue, sat, light)
	}
	return paletteFrom(bg)
}

// paletteFrom picks ink of the background's own hue, dark on a light
// background and light on a dark one, falling back to black or white if
// the tint would be too weak (WCAG contrast below 7).
func paletteFrom(bg color.RGBA) palette {
	hue, sat, _ := toHSL(bg)
	lightBG := luminance(bg) > 0.18 // equal contrast with black and white
	var ink, card color.RGBA
	if lightBG {
		ink, card = hsl(hue, math.Min(sat, 0.45), 0.16), mix(bg, white, 0.45)
	} else {
		ink, card = hsl(hue, math.Min(sat, 0.45), 0.92), mix(bg, black, 0.30)
	}
	if contrast(ink, bg) < 7 {
		ink = white
		if lightBG {
			ink = black
		}
	}
	return palette{bg: bg, ink: ink, card: card}
}

// mix returns a + (b-a)*t per channel.
func mix(a, b color.RGBA, t float64) color.RGBA {
	m := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + (float64(y)-float64(x))*t)) }
	return color.RGBA{m(a.R, b.R), m(a.G, b.G), m(a.B, b.B), 255}
}

// hsl converts hue (degrees), saturation and lightness (0-1) to RGB.
func hsl(h, s, l float64) color.RGBA {
	c := (1 - math.Abs(2*l-1)) * s
	hp := h / 60
	x := c * (1 - math.Abs(math.Mod(hp, 2)-1))
	var r, g, b float64
	switch {
	case hp < 1:
		r, g = c, x
	case hp < 2:
		r, g = x, c
	case hp < 3:
		g, b = c, x
	case hp < 4:
		g, b = x, c
	case hp < 5:
		r, b = x, c
	default:
		r, b = c, x
	}
	m := l - c/2
	to8 := func(v float64) uint8 { return uint8(math.Round(math.Max(0, math.Min(1, v+m)) * 255)) }
	return color.RGBA{to8(r), to8(g), to8(b), 255}
}

// toHSL is the inverse of hsl.
func toHSL(c color.RGBA) (h, s, l float64) {
	r, g, b := float64(c.R)/255, float64(c.G)/255, float64(c.B)/255
	hi, lo := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (hi + lo) / 2
	d := hi - lo
	if d == 0 {
		return 0, 0, l
	}
	s = d / (1 - math.Abs(2*l-1))
	switch hi {
	case r:
		h = math.Mod((g-b)/d, 6)
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	h *= 60
	if h < 0 {
		h += 360
	}
	return h, s, l
}

// luminance is the WCAG relative luminance, 0 (black) to 1 (white).
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		f := float64(v) / 255
		if f <= 0.03928 {
			return f / 12.92
		}
		return math.Pow((f+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is the WCAG contrast ratio, 1 to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}
