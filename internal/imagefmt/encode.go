package imagefmt

import (
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/gen2brain/webp"
)

// Encode writes img to w in format ("png", "jpeg" or "webp"). quality
// (1-100) applies to JPEG and WebP; 0 means DefaultQuality. PNG ignores it.
// The output is deterministic: the same image, format and quality always
// give the same bytes.
func Encode(w io.Writer, img image.Image, format string, quality int) error {
	if quality == 0 {
		quality = DefaultQuality
	}
	if quality < 1 || quality > 100 {
		return fmt.Errorf("encoding %s: quality %d is outside 1-100", format, quality)
	}
	var err error
	switch format {
	case PNG:
		enc := png.Encoder{CompressionLevel: png.DefaultCompression}
		err = enc.Encode(w, img)
	case JPEG:
		err = jpeg.Encode(w, img, &jpeg.Options{Quality: quality})
	case WebP:
		// Always lossy (VP8), even at quality 100.
		err = webp.Encode(w, packedNRGBA(img), webp.Options{Quality: quality, Method: webp.DefaultMethod})
	default:
		return fmt.Errorf("encoding: unknown image format %q (want png, jpeg or webp)", format)
	}
	if err != nil {
		return fmt.Errorf("encoding %s: %w", format, err)
	}
	return nil
}

// packedNRGBA returns img as a non-premultiplied image whose pixels start at
// the origin with no row padding: the WebP encoder hands Pix to libwebp as
// is, so a sub-image or premultiplied RGBA with transparency would be
// misread.
func packedNRGBA(img image.Image) image.Image {
	b := img.Bounds()
	if m, ok := img.(*image.NRGBA); ok && packed(m.Rect, m.Stride) {
		return m
	}
	if m, ok := img.(*image.RGBA); ok && packed(m.Rect, m.Stride) && m.Opaque() {
		return m // premultiplied and straight alpha agree when opaque
	}
	dst := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, img, b.Min, draw.Src)
	return dst
}

func packed(r image.Rectangle, stride int) bool {
	return r.Min == image.Point{} && stride == 4*r.Dx()
}
