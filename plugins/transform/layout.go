package transform

import (
	"fmt"
	"image"
	"math"

	"github.com/easelhq/easel/plugins/sdk"
)

// layout says where pixels go: the src region of the source is scaled over
// the dst region of a canvas; the rest of the canvas is the pad colour.
type layout struct {
	canvas image.Rectangle // the output, at the origin
	dst    image.Rectangle
	src    image.Rectangle
}

// layout places a source with the given bounds. Only a crop outside the
// source can fail, and that is the user's to fix.
func (o *options) layout(bounds image.Rectangle) (layout, error) {
	region := bounds
	if o.hasCrop {
		region = o.crop.Add(bounds.Min)
		if !region.In(bounds) {
			return layout{}, &sdk.Error{Kind: sdk.ErrInvalid,
				Message: fmt.Sprintf("crop %dx%d+%d+%d reaches outside the %dx%d source", o.crop.Dx(), o.crop.Dy(), o.crop.Min.X, o.crop.Min.Y, bounds.Dx(), bounds.Dy()),
				Hint:    "Give crop as WIDTHxHEIGHT+X+Y in source pixels, with X+WIDTH and Y+HEIGHT within the source's size."}
		}
	}
	box := image.Rect(0, 0, o.width, o.height)
	switch {
	case !o.resizes():
		box = image.Rect(0, 0, region.Dx(), region.Dy())
		return layout{canvas: box, dst: box, src: region}, nil
	case o.fit == fitFill:
		return layout{canvas: box, dst: box, src: region}, nil
	case o.fit == fitContain:
		return o.contain(box, region), nil
	}
	return o.cover(box, region), nil
}

// contain fits the whole region inside the box. Without pad the output is
// the scaled region; with pad it is the box, the region placed by anchor.
func (o *options) contain(box, region image.Rectangle) layout {
	w, h := fitInside(region.Dx(), region.Dy(), box.Dx(), box.Dy())
	if !o.hasPad {
		r := image.Rect(0, 0, w, h)
		return layout{canvas: r, dst: r, src: region}
	}
	x, y := place(box.Dx()-w, o.anchor.x), place(box.Dy()-h, o.anchor.y)
	return layout{canvas: box, dst: image.Rect(x, y, x+w, y+h), src: region}
}

// cover fills the box with the largest window of the box's aspect ratio
// that fits in the region, placed by the focal point or the anchor.
func (o *options) cover(box, region image.Rectangle) layout {
	ww, wh := fitInside(box.Dx(), box.Dy(), region.Dx(), region.Dy())
	var x, y int
	if o.focal != nil {
		x, y = focus(region.Dx(), ww, o.focal.x), focus(region.Dy(), wh, o.focal.y)
	} else {
		x, y = place(region.Dx()-ww, o.anchor.x), place(region.Dy()-wh, o.anchor.y)
	}
	win := image.Rect(x, y, x+ww, y+wh).Add(region.Min)
	return layout{canvas: box, dst: box, src: win}
}

// fitInside scales w x h to the largest size of the same aspect ratio that
// fits in bw x bh, rounded to whole pixels, at least 1x1.
func fitInside(w, h, bw, bh int) (int, int) {
	if int64(w)*int64(bh) >= int64(h)*int64(bw) { // as wide as the box or wider
		return bw, max(1, int((int64(h)*int64(bw)+int64(w)/2)/int64(w)))
	}
	return max(1, int((int64(w)*int64(bh)+int64(h)/2)/int64(h))), bh
}

// place returns the offset that puts content at fraction f of free space.
func place(free int, f float64) int {
	return int(math.Round(float64(free) * f))
}

// focus returns the offset of a window of size win that centres it on
// fraction f of size, kept inside.
func focus(size, win int, f float64) int {
	off := int(math.Round(float64(float64(size)*f) - float64(win)/2))
	return min(max(off, 0), size-win)
}
