package vendorapi

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/easelhq/easel/internal/imagefmt"
)

// Want is what an answer's image must be; zero fields accept anything.
type Want struct {
	// Formats lists the acceptable formats ("png", "jpeg", "webp").
	Formats []string
	// Width and Height are exact dimensions.
	Width, Height int
	// MaxPixels bounds width x height (0: imagefmt.MaxPixels).
	MaxPixels int64
	// AspectRatio ("16:9") is the shape, within 3%, when a model picks the
	// dimensions itself.
	AspectRatio string
}

// Image is a checked image.
type Image struct {
	Data          []byte
	Format        string
	Width, Height int
}

// MediaType is the image's media type ("image/png").
func (i Image) MediaType() string { return imagefmt.MediaType(i.Format) }

// CheckImage checks that data is a complete PNG, JPEG, WebP, GIF or SVG
// file as want describes: the format and dimensions from its header, and
// its end (PNG IEND, JPEG EOI, WebP RIFF length, GIF trailer; an SVG is
// read whole as XML), so that garbage and truncated bodies are errors,
// never images. An SVG's dimensions are not checked: a vector image's
// stated size, when it has one, is only nominal.
func CheckImage(data []byte, want Want) (Image, error) {
	format, w, h, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil {
		return Image{}, err
	}
	img := Image{Data: data, Format: format, Width: w, Height: h}
	limit := want.MaxPixels
	if limit <= 0 {
		limit = imagefmt.MaxPixels
	}
	switch {
	case len(want.Formats) > 0 && !slices.Contains(want.Formats, format):
		return img, fmt.Errorf("it is %s, not the %s asked for", format, strings.Join(want.Formats, " or "))
	case format == imagefmt.SVG:
	case int64(w)*int64(h) > limit:
		return img, fmt.Errorf("it is %dx%d, more than %d pixels", w, h, limit)
	case want.Width > 0 && w != want.Width, want.Height > 0 && h != want.Height:
		return img, fmt.Errorf("it is %dx%d, not the %dx%d asked for", w, h, want.Width, want.Height)
	case want.AspectRatio != "" && !ratioNear(w, h, want.AspectRatio):
		return img, fmt.Errorf("it is %dx%d, not the aspect ratio %s asked for", w, h, want.AspectRatio)
	}
	if err := complete(format, data); err != nil {
		return img, err
	}
	return img, nil
}

// ratioNear reports whether w:h is within 3% of ratio "W:H"; a malformed
// ratio matches anything.
func ratioNear(w, h int, ratio string) bool {
	var rw, rh float64
	if _, err := fmt.Sscanf(ratio, "%g:%g", &rw, &rh); err != nil || rw <= 0 || rh <= 0 {
		return true
	}
	got, want := float64(w)/float64(h), rw/rh
	return got/want > 0.97 && got/want < 1.03
}

// complete checks a file's end, which Sniff does not read: PNG ends with
// IEND, JPEG with EOI (padding aside), GIF with its trailer, a WebP is as
// long as its RIFF header says, and an SVG is well-formed to its end.
func complete(format string, data []byte) error {
	ok := false
	switch format {
	case imagefmt.PNG:
		ok = bytes.HasSuffix(data, []byte("IEND\xae\x42\x60\x82"))
	case imagefmt.JPEG:
		ok = bytes.HasSuffix(bytes.TrimRight(data, "\x00\r\n"), []byte{0xff, 0xd9})
	case imagefmt.WebP:
		ok = len(data) >= 8 && int64(binary.LittleEndian.Uint32(data[4:8]))+8 <= int64(len(data))
	case imagefmt.GIF:
		ok = bytes.HasSuffix(data, []byte{0x3b})
	case imagefmt.SVG:
		return imagefmt.CheckSVG(data)
	}
	if !ok {
		return fmt.Errorf("the %s file is truncated", format)
	}
	return nil
}

// DecodeBase64 decodes an image sent as base64: standard or URL alphabet,
// padded or not, with or without a data: URL prefix
// ("data:image/png;base64,...") and line breaks.
func DecodeBase64(s string) ([]byte, error) { return DecodeBase64Bytes([]byte(s)) }

// DecodeBase64Bytes is DecodeBase64 of base64 held as bytes, such as a
// value LiftJSONString took out of an answer.
func DecodeBase64Bytes(b []byte) ([]byte, error) {
	b = bytes.TrimSpace(b)
	if rest, ok := bytes.CutPrefix(b, []byte("data:")); ok {
		head, payload, found := bytes.Cut(rest, []byte(","))
		if !found || !bytes.Contains(head, []byte(";base64")) {
			return nil, fmt.Errorf("the data URL is not base64")
		}
		b = payload
	}
	// The decoder skips line breaks itself; spaces are rare, and mapping
	// every rune of a 4K image's 13 MB of base64 cost tens of milliseconds.
	if bytes.IndexByte(b, ' ') >= 0 {
		b = bytes.ReplaceAll(b, []byte(" "), nil)
	}
	b = bytes.TrimRight(b, "=")
	enc := base64.RawStdEncoding
	if bytes.ContainsAny(b, "-_") {
		enc = base64.RawURLEncoding
	}
	data := make([]byte, enc.DecodedLen(len(b)))
	n, err := enc.Decode(data, b)
	if err != nil {
		return nil, fmt.Errorf("the image is not valid base64")
	}
	return data[:n], nil
}

// EncodeBase64 is data as standard, padded base64, as vendors take
// reference images in JSON.
func EncodeBase64(data []byte) string { return base64.StdEncoding.EncodeToString(data) }

// Convert re-encodes img as format ("png", "jpeg" or "webp"), for a model
// that cannot produce the format the output file asks for. An image
// already in format is returned as is.
func Convert(img Image, format string) (Image, error) {
	if img.Format == format {
		return img, nil
	}
	m, _, err := imagefmt.Decode(bytes.NewReader(img.Data))
	if err != nil {
		return Image{}, fmt.Errorf("converting to %s: %w", format, err)
	}
	var buf bytes.Buffer
	if err := imagefmt.Encode(&buf, m, format, 0); err != nil {
		return Image{}, fmt.Errorf("converting to %s: %w", format, err)
	}
	b := m.Bounds()
	return Image{Data: buf.Bytes(), Format: format, Width: b.Dx(), Height: b.Dy()}, nil
}
