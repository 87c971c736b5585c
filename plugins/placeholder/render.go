package placeholder

import (
	"context"
	"fmt"
	"image"
	"math"

	"github.com/easelhq/easel/plugins/sdk"
)

// Below these sizes (short side, pixels) the picture is simpler: a tiny
// image is only its colour, a small one only its frame and size.
const (
	minDecorated = 48
	minText      = 100
	minTextPx    = 9.0
)

// canvas is one image being drawn and its layout measures.
type canvas struct {
	img     *image.RGBA
	pal     palette
	fonts   fonts
	content image.Rectangle // inside the frame and margin: where text goes
	short   float64         // the short side: the frame and margins scale with it
	unit    float64         // what text and thumbnails scale with
	line    int             // stroke width of frame and boxes
	// sizeLabel is where the size was written (empty if it was not), so
	// the reference strip stops short of it.
	sizeLabel image.Rectangle
}

// render draws the placeholder for a request. It allocates one RGBA image;
// references are decoded one at a time and only their thumbnails kept.
func render(ctx context.Context, o options, req *sdk.Request) (*image.RGBA, error) {
	c := &canvas{img: image.NewRGBA(image.Rect(0, 0, o.width, o.height)), pal: paletteFor(req.SpecHash, o)}
	fill(c.img, c.img.Rect, c.pal.bg)
	c.short = float64(min(o.width, o.height))
	// Text on a wide banner may grow past what the short side alone
	// allows, but not so far that a line no longer fits its height.
	c.unit = math.Min(c.short*1.5, math.Sqrt(float64(o.width)*float64(o.height)))
	if c.short < minDecorated {
		return c.img, nil
	}
	fs, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("placeholder %s: %w", req.Address, err)
	}
	c.fonts = fs
	c.drawFrame()
	size := fmt.Sprintf("%dx%d", o.width, o.height)
	if c.short < minText {
		c.drawSmallSize(size)
		return c.img, nil
	}
	top := c.drawTitle(req.Address)
	bottom := c.drawSize(size)
	if len(req.References) > 0 {
		if bottom, err = c.drawReferences(ctx, req.References, bottom); err != nil {
			return nil, err
		}
	}
	c.drawPrompt(o.prompt, image.Rect(c.content.Min.X, top, c.content.Max.X, bottom))
	return c.img, nil
}

// px scales a font, thumbnail or spacing size with the image.
func (c *canvas) px(fraction float64) float64 { return c.unit * fraction }

// edge scales the frame and margins with the short side.
func (c *canvas) edge(fraction float64) int { return int(math.Round(c.short * fraction)) }

// drawFrame draws a thin border just inside the edge and a diagonal cross
// between its corners: the conventional mark of a placeholder.
func (c *canvas) drawFrame() {
	inset := max(2, c.edge(1.0/64))
	c.line = max(1, c.edge(1.0/600))
	frame := c.img.Rect.Inset(inset)
	stroke(c.img, frame, c.line, c.pal.ink, 0.45)
	in := frame.Inset(c.line)
	w := float64(c.line)
	line(c.img, in.Min, in.Max, w, c.pal.ink, 0.16)
	line(c.img, image.Pt(in.Max.X, in.Min.Y), image.Pt(in.Min.X, in.Max.Y), w, c.pal.ink, 0.16)
	c.content = frame.Inset(inset + c.edge(0.03))
}

// card paints the panel behind text: the cross stays visible around it but
// never runs through letters.
func (c *canvas) card(r image.Rectangle) {
	pad := max(2, int(math.Round(c.px(0.012))))
	fill(c.img, r.Inset(-pad), c.pal.card)
}

// drawTitle writes the address at the top left, in bold, and returns the y
// below it.
func (c *canvas) drawTitle(address string) int {
	f := newFace(c.fonts.bold, math.Max(c.px(1.0/16), 11))
	top := c.content.Min.Y
	if f.height() > c.content.Dy()/3 {
		return top
	}
	s, ok := f.fit(address, c.content.Dx())
	if !ok || s == ellipsis {
		return top
	}
	r := image.Rect(c.content.Min.X, top, c.content.Min.X+f.width(s), top+f.height())
	c.card(r)
	f.draw(c.img, r.Min, s, c.pal.ink)
	return r.Max.Y + int(c.px(0.03))
}

// drawSize writes the size in the bottom right corner and returns the y
// above it, the bottom of the space left for the prompt.
func (c *canvas) drawSize(size string) int {
	f := newFace(c.fonts.regular, math.Max(c.px(1.0/30), minTextPx))
	bottom := c.content.Max.Y
	w := f.width(size)
	if f.height() > c.content.Dy()/4 || w > c.content.Dx()/2 {
		return bottom
	}
	r := image.Rect(c.content.Max.X-w, bottom-f.height(), c.content.Max.X, bottom)
	c.card(r)
	f.draw(c.img, r.Min, size, c.pal.ink)
	c.sizeLabel = r
	return r.Min.Y - int(c.px(0.02))
}

// drawSmallSize writes only the size, centred, on an image too small for
// more.
func (c *canvas) drawSmallSize(size string) {
	f := newFace(c.fonts.regular, minTextPx)
	w, h := f.width(size), f.height()
	if w > c.content.Dx() || h > c.content.Dy() {
		return
	}
	p := image.Pt(c.content.Min.X+(c.content.Dx()-w)/2, c.content.Min.Y+(c.content.Dy()-h)/2)
	c.card(image.Rectangle{p, p.Add(image.Pt(w, h))})
	f.draw(c.img, p, size, c.pal.ink)
}

// drawPrompt word-wraps the prompt, centred in r, and cuts it with an
// ellipsis where it does not fit.
func (c *canvas) drawPrompt(prompt string, r image.Rectangle) {
	f := newFace(c.fonts.regular, math.Max(c.px(1.0/24), minTextPx))
	lh := f.height()
	if prompt == "" || r.Dy() < lh {
		return
	}
	maxW := r.Dx() - 2*int(c.px(0.04))
	if maxW < f.width("wwww") {
		return // too narrow for words
	}
	lines := f.wrap(prompt, maxW, r.Dy()/lh)
	if len(lines) == 0 || lines[0] == ellipsis {
		return
	}
	widest := 0
	for _, l := range lines {
		widest = max(widest, f.width(l))
	}
	y := r.Min.Y + (r.Dy()-lh*len(lines))/2
	cx := (r.Min.X + r.Max.X) / 2
	c.card(image.Rect(cx-widest/2, y, cx+widest/2+1, y+lh*len(lines)))
	for i, l := range lines {
		f.draw(c.img, image.Pt(cx-f.width(l)/2, y+i*lh), l, c.pal.ink)
	}
}
