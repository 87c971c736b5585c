package placeholder

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"math"
	"path"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"golang.org/x/image/draw"
)

// unreadableGrey fills the box of a reference that could not be decoded.
var unreadableGrey = color.RGBA{0x9e, 0x9e, 0x9e, 0xff}

// strip is the row of reference thumbnails along the bottom left.
type strip struct {
	box, gap int  // square box side and spacing, pixels
	label    face // names under the boxes; nil Face: no labels
	top      int
}

// drawReferences draws a thumbnail of each reference in a strip along the
// bottom, and returns the y above the strip. Each reference is decoded,
// scaled and dropped before the next is opened.
func (c *canvas) drawReferences(ctx context.Context, refs []sdk.Reference, bottom int) (int, error) {
	s, ok := c.layoutStrip(len(refs))
	if !ok {
		return bottom, nil
	}
	x := c.content.Min.X
	for _, ref := range refs {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		box := image.Rect(x, s.top, x+s.box, s.top+s.box)
		c.drawThumb(ref, box, s)
		x += s.box + s.gap
	}
	return min(bottom, s.top-s.gap), nil
}

// layoutStrip sizes the boxes so all n fit beside the size label, and says
// false when they would be too small to show anything.
func (c *canvas) layoutStrip(n int) (strip, bool) {
	right := c.content.Max.X
	if !c.sizeLabel.Empty() {
		right = c.sizeLabel.Min.X - int(c.px(0.03))
	}
	// n boxes and n-1 gaps of a sixth of a box share the width.
	avail := float64(right - c.content.Min.X)
	s := strip{box: min(int(c.px(0.2)), c.content.Dy()/3, int(avail/(float64(n)+float64(n-1)/6)))}
	s.gap = max(2, s.box/6)
	if s.box < 8 {
		return s, false
	}
	labelH := 0
	if f := newFace(c.fonts.regular, math.Max(c.px(1.0/42), minTextPx)); f.width("image.x") <= s.box {
		s.label, labelH = f, f.height()+s.gap/2
	}
	s.top = c.content.Max.Y - s.box - labelH
	return s, true
}

// drawThumb draws one reference scaled to fit its box, or a grey box saying
// why it could not be shown, and its name underneath.
func (c *canvas) drawThumb(ref sdk.Reference, box image.Rectangle, s strip) {
	img, err := decodeReference(ref)
	if err != nil {
		fill(c.img, box, unreadableGrey)
		c.centreText(s.label, box, "unreadable", black)
	} else {
		fill(c.img, box, c.pal.card)
		draw.CatmullRom.Scale(c.img, fitInside(img.Bounds(), box), img, img.Bounds(), draw.Over, nil)
	}
	stroke(c.img, box, c.line, c.pal.ink, 0.45)
	if s.label.Face != nil {
		name, ok := s.label.fit(referenceLabel(ref), box.Dx())
		if ok {
			s.label.draw(c.img, image.Pt(box.Min.X, box.Max.Y+s.gap/4), name, c.pal.ink)
		}
	}
}

func decodeReference(ref sdk.Reference) (image.Image, error) {
	rc, err := ref.Open()
	if err != nil {
		return nil, fmt.Errorf("opening reference %s: %w", ref.Name, err)
	}
	defer rc.Close()
	img, _, err := imagefmt.Decode(rc)
	if err != nil {
		return nil, fmt.Errorf("reference %s: %w", ref.Name, err)
	}
	return img, nil
}

// fitInside is the largest rectangle with src's aspect ratio centred in box.
func fitInside(src, box image.Rectangle) image.Rectangle {
	sw, sh := float64(src.Dx()), float64(src.Dy())
	scale := math.Min(float64(box.Dx())/sw, float64(box.Dy())/sh)
	w := max(1, int(math.Round(sw*scale)))
	h := max(1, int(math.Round(sh*scale)))
	x := box.Min.X + (box.Dx()-w)/2
	y := box.Min.Y + (box.Dy()-h)/2
	return image.Rect(x, y, x+w, y+h)
}

// referenceLabel names a reference briefly: a file by its base name, an
// image by its address.
func referenceLabel(ref sdk.Reference) string {
	if ref.Kind == "image" {
		return ref.Name
	}
	return path.Base(ref.Name)
}

// centreText writes s centred in r if it fits.
func (c *canvas) centreText(f face, r image.Rectangle, s string, col color.RGBA) {
	if f.Face == nil || f.width(s) > r.Dx()-4 || f.height() > r.Dy() {
		return
	}
	f.draw(c.img, image.Pt(r.Min.X+(r.Dx()-f.width(s))/2, r.Min.Y+(r.Dy()-f.height())/2), s, col)
}
