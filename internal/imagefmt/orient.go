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
// returned as is.
func orient(img image.Image, o orientation) image.Image {
	if o <= upright || o > 8 {
		return img
	}
	src := toRGBA(img)
	w, h := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := w, h
	if o.swapsAxes() {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		row := dst.Pix[dy*dst.Stride : dy*dst.Stride+4*dw]
		for dx := range dw {
			sx, sy := o.source(dx, dy, w, h)
			si := sy*src.Stride + 4*sx
			copy(row[4*dx:4*dx+4], src.Pix[si:si+4])
		}
	}
	return dst
}

// source maps a pixel of the upright image to the stored one, of size w x h.
func (o orientation) source(dx, dy, w, h int) (int, int) {
	switch o {
	case 2: // mirrored
		return w - 1 - dx, dy
	case 3: // turned half
		return w - 1 - dx, h - 1 - dy
	case 4: // mirrored top to bottom
		return dx, h - 1 - dy
	case 5: // transposed
		return dy, dx
	case 6: // stored a quarter anticlockwise: turn it clockwise
		return dy, h - 1 - dx
	case 7: // transposed across the other diagonal
		return w - 1 - dy, h - 1 - dx
	case 8: // stored a quarter clockwise: turn it anticlockwise
		return w - 1 - dy, dx
	}
	return dx, dy
}

// toRGBA returns img as an *image.RGBA at the origin, converting if needed.
func toRGBA(img image.Image) *image.RGBA {
	if r, ok := img.(*image.RGBA); ok && r.Rect.Min == (image.Point{}) {
		return r
	}
	b := img.Bounds()
	r := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(r, r.Rect, img, b.Min, draw.Src)
	return r
}
