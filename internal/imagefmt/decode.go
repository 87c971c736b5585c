package imagefmt

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/gen2brain/webp"
)

// Decode decodes a PNG, JPEG, WebP or GIF image (its first frame), chosen
// by its magic bytes, and returns it with its format. An SVG is refused:
// easel does not rasterize vector images. It sniffs the header first and refuses an
// image larger than MaxPixels before allocating its pixels. A JPEG is
// turned upright as its EXIF orientation says, as viewers show it.
func Decode(r io.Reader) (image.Image, string, error) {
	var head bytes.Buffer
	hdr, err := sniff(io.TeeReader(r, &head))
	if err != nil {
		return nil, "", fmt.Errorf("decoding image: %w", err)
	}
	format, w, h := hdr.format, hdr.width, hdr.height
	if format == SVG {
		return nil, "", errors.New("decoding svg: an SVG is a vector image, which easel does not rasterize")
	}
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
	case WebP:
		img, err = webp.Decode(all)
	case GIF:
		img, err = gif.Decode(all)
	}
	if err != nil {
		return nil, "", fmt.Errorf("decoding %s: %w", format, err)
	}
	return orient(img, hdr.orientation), format, nil
}
