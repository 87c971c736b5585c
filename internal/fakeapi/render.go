package fakeapi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"sync"

	"github.com/gen2brain/webp"
)

// renderKey names one encoded base image. Bytes differ per request only by
// a metadata chunk holding the request's fingerprint, so encoding (tens of
// milliseconds for a WebP) happens once per key, not once per request.
type renderKey struct {
	width, height int
	format        string
	transparent   bool
	compression   int
	variant       uint8
}

const (
	renderVariants = 8
	maxRendered    = 64
)

type renderEntry struct {
	once sync.Once
	data []byte
	err  error
}

// renderer encodes and caches base images; safe for concurrent use.
type renderer struct {
	mu    sync.Mutex
	cache map[renderKey]*renderEntry
}

func newRenderer() *renderer { return &renderer{cache: map[renderKey]*renderEntry{}} }

// render returns an image for key whose bytes carry fingerprint, so the
// same request always gives the same bytes and different requests differ.
func (r *renderer) render(key renderKey, fingerprint string) ([]byte, error) {
	base, err := r.base(key)
	if err != nil {
		return nil, err
	}
	return tagImage(base, key, fingerprint)
}

// base returns the encoded image of key without its fingerprint. A PNG is
// encoded once per size and transparency: variants differ only in their
// palette, which is patched in.
func (r *renderer) base(key renderKey) ([]byte, error) {
	if key.format != "png" || key.variant == 0 {
		return r.cached(key)
	}
	canonical := key
	canonical.variant = 0
	data, err := r.cached(canonical)
	if err != nil {
		return nil, err
	}
	return repalette(data, paletteOf(key))
}

func (r *renderer) cached(key renderKey) ([]byte, error) {
	r.mu.Lock()
	e, ok := r.cache[key]
	if !ok {
		if len(r.cache) >= maxRendered {
			for k := range r.cache {
				delete(r.cache, k)
				break
			}
		}
		e = &renderEntry{}
		r.cache[key] = e
	}
	r.mu.Unlock()
	e.once.Do(func() { e.data, e.err = encode(key) })
	return e.data, e.err
}

// palette holds the two colours of each variant.
var palette = [renderVariants][2]color.NRGBA{
	{{0x00, 0x55, 0xff, 0xff}, {0xff, 0xcc, 0x00, 0xff}},
	{{0xe6, 0x39, 0x46, 0xff}, {0xf1, 0xfa, 0xee, 0xff}},
	{{0x2a, 0x9d, 0x8f, 0xff}, {0xe9, 0xc4, 0x6a, 0xff}},
	{{0x26, 0x46, 0x53, 0xff}, {0xf4, 0xa2, 0x61, 0xff}},
	{{0x6a, 0x4c, 0x93, 0xff}, {0xff, 0xca, 0x3a, 0xff}},
	{{0x8a, 0xc9, 0x26, 0xff}, {0x19, 0x82, 0xc4, 0xff}},
	{{0x22, 0x22, 0x22, 0xff}, {0xee, 0xee, 0xee, 0xff}},
	{{0xff, 0x59, 0x5e, 0xff}, {0x1b, 0x26, 0x3b, 0xff}},
}

// Images are diagonal bands of a variant's two colours; a transparent
// image keeps only a centred rectangle opaque. Rows are shifted copies of
// one long row, so painting costs a copy per row, not work per pixel.

// paintBands fills pix (bpp bytes per pixel, stride bytes per row) with
// the bands c0 and c1, and clear outside the centred rectangle when the
// image is transparent.
func paintBands(pix []byte, stride, bpp int, key renderKey, c0, c1, clear []byte) {
	w, h := key.width, key.height
	band := max(w, h)/8 + 1
	long := make([]byte, (w+2*band)*bpp)
	for x := range w + 2*band {
		c := c0
		if (x/band)%2 == 1 {
			c = c1
		}
		copy(long[x*bpp:], c)
	}
	clearRow := bytes.Repeat(clear, w)
	for y := range h {
		row := pix[y*stride : y*stride+w*bpp]
		off := (y % (2 * band)) * bpp
		copy(row, long[off:])
		switch {
		case !key.transparent:
		case y < h/6 || y >= h-h/6:
			copy(row, clearRow)
		default:
			copy(row[:w/6*bpp], clearRow)
			copy(row[(w-w/6)*bpp:], clearRow)
		}
	}
}

// paletteOf is the palette of a variant: its two colours, and a clear
// entry for transparent images.
func paletteOf(key renderKey) color.Palette {
	c := palette[key.variant%renderVariants]
	p := color.Palette{c[0], c[1]}
	if key.transparent {
		p = append(p, color.NRGBA{})
	}
	return p
}

// paintPaletted paints into a paletted image: 2 bits per pixel in a PNG,
// and no colour search for a GIF.
func paintPaletted(key renderKey) *image.Paletted {
	m := image.NewPaletted(image.Rect(0, 0, key.width, key.height), paletteOf(key))
	paintBands(m.Pix, m.Stride, 1, key, []byte{0}, []byte{1}, []byte{2})
	return m
}

// paintRGBA paints 4-byte pixels in NRGBA order; opaque pixels are also
// valid premultiplied RGBA, which the JPEG encoder converts fastest.
func paintRGBA(key renderKey) ([]byte, int) {
	c := palette[key.variant%renderVariants]
	stride := 4 * key.width
	pix := make([]byte, stride*key.height)
	paintBands(pix, stride, 4, key, []byte{c[0].R, c[0].G, c[0].B, 255}, []byte{c[1].R, c[1].G, c[1].B, 255}, []byte{0, 0, 0, 0})
	return pix, stride
}

func encode(key renderKey) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	rect := image.Rect(0, 0, key.width, key.height)
	switch key.format {
	case "png":
		err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, paintPaletted(key))
	case "jpeg":
		pix, stride := paintRGBA(key)
		err = jpeg.Encode(&buf, &image.RGBA{Pix: pix, Stride: stride, Rect: rect}, &jpeg.Options{Quality: clampQuality(key.compression)})
	case "webp":
		pix, stride := paintRGBA(key)
		err = webp.Encode(&buf, &image.NRGBA{Pix: pix, Stride: stride, Rect: rect},
			webp.Options{Quality: clampQuality(key.compression), Lossless: key.compression == 100, Method: 0})
	case "gif":
		err = gif.Encode(&buf, paintPaletted(key), nil)
	case "svg":
		c := palette[key.variant%renderVariants]
		fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d"><rect width="100%%" height="100%%" fill="#%02x%02x%02x"/></svg>`,
			key.width, key.height, key.width, key.height, c[0].R, c[0].G, c[0].B)
	default:
		err = fmt.Errorf("fakeapi: cannot encode %q", key.format)
	}
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", key.format, err)
	}
	return buf.Bytes(), nil
}

func clampQuality(c int) int { return min(max(c, 1), 100) }

// tagImage returns a copy of an encoded image with fingerprint stored in a
// metadata chunk that every decoder skips.
func tagImage(base []byte, key renderKey, fingerprint string) ([]byte, error) {
	switch key.format {
	case "png":
		return tagPNG(base, fingerprint), nil
	case "jpeg":
		return tagJPEG(base, fingerprint), nil
	case "webp":
		return tagWebP(base, key, fingerprint)
	case "gif":
		return tagGIF(base, fingerprint), nil
	case "svg":
		return append(bytes.TrimSuffix(bytes.Clone(base), []byte("</svg>")), []byte("<!-- "+fingerprint+" --></svg>")...), nil
	}
	return base, nil
}

// repalette returns a copy of a paletted PNG with its PLTE chunk replaced
// by p, which must have as many entries.
func repalette(png []byte, p color.Palette) ([]byte, error) {
	out := bytes.Clone(png)
	for off := 8; off+12 <= len(out); {
		n := int(binary.BigEndian.Uint32(out[off:]))
		if string(out[off+4:off+8]) != "PLTE" {
			off += 12 + n
			continue
		}
		if n != 3*len(p) {
			return nil, fmt.Errorf("fakeapi: PLTE has %d bytes, want %d", n, 3*len(p))
		}
		for i, c := range p {
			r, g, b, _ := c.RGBA()
			out[off+8+3*i], out[off+9+3*i], out[off+10+3*i] = byte(r>>8), byte(g>>8), byte(b>>8)
		}
		binary.BigEndian.PutUint32(out[off+8+n:], crc32.ChecksumIEEE(out[off+4:off+8+n]))
		return out, nil
	}
	return nil, fmt.Errorf("fakeapi: no PLTE chunk")
}

// tagPNG inserts a tEXt chunk before IEND (the last 12 bytes).
func tagPNG(base []byte, fp string) []byte {
	data := append([]byte("Comment\x00"), fp...)
	chunk := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	chunk = append(chunk, "tEXt"...)
	chunk = append(chunk, data...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	end := len(base) - 12
	out := append(bytes.Clone(base[:end]), chunk...)
	return append(out, base[end:]...)
}

// tagJPEG inserts a COM segment after SOI.
func tagJPEG(base []byte, fp string) []byte {
	seg := []byte{0xFF, 0xFE}
	seg = binary.BigEndian.AppendUint16(seg, uint16(len(fp)+2))
	seg = append(seg, fp...)
	out := append(bytes.Clone(base[:2]), seg...)
	return append(out, base[2:]...)
}

// tagGIF inserts a comment extension before the trailer byte.
func tagGIF(base []byte, fp string) []byte {
	ext := []byte{0x21, 0xFE, byte(len(fp))}
	ext = append(ext, fp...)
	ext = append(ext, 0)
	out := append(bytes.Clone(base[:len(base)-1]), ext...)
	return append(out, base[len(base)-1])
}

// tagWebP makes the file an extended (VP8X) WebP if it is not one and
// appends an XMP chunk, fixing the RIFF size.
func tagWebP(base []byte, key renderKey, fp string) ([]byte, error) {
	if len(base) < 21 || string(base[0:4]) != "RIFF" || string(base[8:12]) != "WEBP" {
		return nil, fmt.Errorf("fakeapi: encoder gave no RIFF WebP")
	}
	const xmpFlag, alphaFlag = 0x04, 0x10
	var out []byte
	if string(base[12:16]) == "VP8X" {
		out = bytes.Clone(base)
		out[20] |= xmpFlag
	} else {
		flags := byte(xmpFlag)
		if key.transparent {
			flags |= alphaFlag
		}
		out = append([]byte{}, base[:12]...)
		out = append(out, "VP8X"...)
		out = binary.LittleEndian.AppendUint32(out, 10)
		out = append(out, flags, 0, 0, 0)
		out = appendUint24(out, key.width-1)
		out = appendUint24(out, key.height-1)
		out = append(out, base[12:]...)
	}
	out = append(out, "XMP "...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(fp)))
	out = append(out, fp...)
	if len(fp)%2 == 1 {
		out = append(out, 0)
	}
	binary.LittleEndian.PutUint32(out[4:8], uint32(len(out)-8))
	return out, nil
}

func appendUint24(b []byte, v int) []byte {
	return append(b, byte(v), byte(v>>8), byte(v>>16))
}
