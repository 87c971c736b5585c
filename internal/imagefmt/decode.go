package imagefmt

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/gen2brain/webp"
)

// Decode decodes a PNG, JPEG or WebP image, chosen by its magic bytes, and
// returns it with its format. It sniffs the header first and refuses an
// image larger than MaxPixels before allocating its pixels. A JPEG is
// turned upright as its EXIF orientation says, as viewers show it.
func Decode(r io.Reader) (image.Image, string, error) {
	var head bytes.Buffer
	hdr, err := sniff(io.TeeReader(r, &head))
	if err != nil {
		return nil, "", fmt.Errorf("decoding image: %w", err)
	}
	format, w, h := hdr.format, hdr.width, hdr.height
	if int64(w)*int64(h) > MaxPixels {
		return nil, "", fmt.Errorf("decoding %s: %dx%d is larger than the %d-pixel limit", format, w, h, MaxPixels)
	}
	all := io.MultiReader(&head, r)
	var img image.Image
	switch format {
	case PNG:
		img, err = png.Decode(all)
	case JPEG:
		img, err = jpeg.Decode(all)
	default:
		img, err = webp.Decode(all)
	}
	if err != nil {
		return nil, "", fmt.Errorf("decoding %s: %w", format, err)
	}
	return orient(img, hdr.orientation), format, nil
}
