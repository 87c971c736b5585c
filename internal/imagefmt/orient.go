package imagefmt

import (
	"encoding/binary"
	"image"
	"image/draw"
)

// orientation is the EXIF Orientation tag (1-8): how the stored pixels
// must be turned to be upright. Cameras and phones store photos as the
// sensor read them and set this tag rather than rotate the pixels.
type orientation int

const (
	upright    orientation = 1
	exifTagOri             = 0x0112
	exifShort              = 3
)

// swapsAxes reports whether the upright image is the stored one turned a
// quarter (or transposed): its width is the stored height.
func (o orientation) swapsAxes() bool { return o >= 5 && o <= 8 }

// exifOrientation reads the Orientation tag from IFD0 of an EXIF TIFF
// structure; anything missing, malformed or out of range is upright.
func exifOrientation(tiff []byte) orientation {
	if len(tiff) < 8 {
		return upright
	}
	var bo binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return upright
	}
	if bo.Uint16(tiff[2:4]) != 42 {
		return upright
	}
	ifd := int(bo.Uint32(tiff[4:8]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return upright
	}
	n := int(bo.Uint16(tiff[ifd:]))
	for i := range n {
		e := ifd + 2 + 12*i
		if e+12 > len(tiff) {
			break
		}
		if bo.Uint16(tiff[e:]) != exifTagOri || bo.Uint16(tiff[e+2:]) != exifShort {
			continue
		}
		if o := orientation(bo.Uint16(tiff[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return upright
	}
	return upright
}

// orient returns img turned upright as o says; an upright img is
// returned as is. It converts one stored row at a time and scatters it
// into the upright image, so a sideways 8K JPEG costs one full-size RGBA
// image, not a converted copy as well.
func orient(img image.Image, o orientation) image.Image {
	if o <= upright || o > 8 {
		return img
	}
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o.swapsAxes() {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	row := image.NewRGBA(image.Rect(0, 0, w, 1))
	for sy := range h {
		draw.Draw(row, row.Rect, img, image.Pt(b.Min.X, b.Min.Y+sy), draw.Src)
		for sx := range w {
			dx, dy := o.dest(sx, sy, w, h)
			di := dy*dst.Stride + 4*dx
			copy(dst.Pix[di:di+4], row.Pix[4*sx:4*sx+4])
		}
	}
	return dst
}

// dest maps a pixel of the stored image, of size w x h, to the upright one.
func (o orientation) dest(sx, sy, w, h int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - sx, sy
	case 3: // turned half
		return w - 1 - sx, h - 1 - sy
	case 4: // mirrored top to bottom
		return sx, h - 1 - sy
	case 5: // transposed
		return sy, sx
	case 6: // stored a quarter anticlockwise: turn it clockwise
		return h - 1 - sy, sx
	case 7: // transposed across the other diagonal
		return h - 1 - sy, w - 1 - sx
	case 8: // stored a quarter clockwise: turn it anticlockwise
		return sy, w - 1 - sx
	}
	return sx, sy
}
