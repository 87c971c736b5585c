package placeholder

import (
	"image"
	"image/color"
	"image/draw"
	"math"
)

// fill paints r with c, opaque.
func fill(img *image.RGBA, r image.Rectangle, c color.RGBA) {
	draw.Draw(img, r, &image.Uniform{C: c}, image.Point{}, draw.Src)
}

// blend paints r with c at opacity alpha (0-1).
func blend(img *image.RGBA, r image.Rectangle, c color.RGBA, alpha float64) {
	r = r.Intersect(img.Rect)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			blendPixel(img, x, y, c, alpha)
		}
	}
}

// blendPixel mixes c into an opaque pixel at opacity a.
func blendPixel(img *image.RGBA, x, y int, c color.RGBA, a float64) {
	i := img.PixOffset(x, y)
	p := img.Pix[i : i+3 : i+3]
	p[0] = lerp8(p[0], c.R, a)
	p[1] = lerp8(p[1], c.G, a)
	p[2] = lerp8(p[2], c.B, a)
}

func lerp8(from, to uint8, a float64) uint8 {
	return uint8(math.Round(float64(from) + (float64(to)-float64(from))*a))
}

// stroke draws the outline of r, t pixels thick, inside r.
func stroke(img *image.RGBA, r image.Rectangle, t int, c color.RGBA, alpha float64) {
	if r.Dx() <= 2*t || r.Dy() <= 2*t {
		blend(img, r, c, alpha)
		return
	}
	blend(img, image.Rect(r.Min.X, r.Min.Y, r.Max.X, r.Min.Y+t), c, alpha)
	blend(img, image.Rect(r.Min.X, r.Max.Y-t, r.Max.X, r.Max.Y), c, alpha)
	blend(img, image.Rect(r.Min.X, r.Min.Y+t, r.Min.X+t, r.Max.Y-t), c, alpha)
	blend(img, image.Rect(r.Max.X-t, r.Min.Y+t, r.Max.X, r.Max.Y-t), c, alpha)
}

// line draws an anti-aliased line from a to b, width pixels wide, row by
// row: each pixel's coverage comes from its distance to the line, so no
// rasterizer buffer the size of the image is needed.
func line(img *image.RGBA, a, b image.Point, width float64, c color.RGBA, alpha float64) {
	dx, dy := float64(b.X-a.X), float64(b.Y-a.Y)
	length := math.Hypot(dx, dy)
	if dy == 0 || length == 0 {
		return // the frame draws horizontal edges; only diagonals come here
	}
	sin := math.Abs(dy) / length
	reach := (width/2+1)/sin + 1 // horizontal half-extent of the line's band
	y0, y1 := min(a.Y, b.Y), max(a.Y, b.Y)
	for y := max(y0, img.Rect.Min.Y); y < min(y1, img.Rect.Max.Y); y++ {
		cy := float64(y) + 0.5
		cx := float64(a.X) + (cy-float64(a.Y))*dx/dy
		lo := max(int(math.Floor(cx-reach)), img.Rect.Min.X)
		hi := min(int(math.Ceil(cx+reach)), img.Rect.Max.X)
		for x := lo; x < hi; x++ {
			d := math.Abs(float64(x)+0.5-cx) * sin
			if cover := width/2 + 0.5 - d; cover > 0 {
				blendPixel(img, x, y, c, alpha*math.Min(cover, 1))
			}
		}
	}
}
