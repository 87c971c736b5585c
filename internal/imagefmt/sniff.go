package imagefmt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// ErrUnknownFormat is returned (wrapped) for data in none of the formats.
var ErrUnknownFormat = errors.New("not a PNG, JPEG, WebP, GIF or SVG image")

// ErrTruncated is returned (wrapped) when the data ends inside the header.
var ErrTruncated = errors.New("image header is truncated")

var (
	pngMagic  = []byte("\x89PNG\r\n\x1a\n")
	jpegMagic = []byte{0xff, 0xd8}
	gifMagic  = []byte("GIF8")
)

// maxMagic is how many bytes Sniff reads to tell the formats apart.
const maxMagic = 16

// Sniff reads only an image's header from r and returns its format, told by
// magic bytes, and its dimensions as viewers show it: a JPEG whose EXIF
// orientation turns it a quarter reports them swapped, as Decode returns
// it. It does not read or check the pixel data: Decode does. For JPEG the
// header runs up to the frame header, past any metadata segments (EXIF,
// ICC profiles).
func Sniff(r io.Reader) (format string, width, height int, err error) {
	h, err := sniff(r)
	if err != nil {
		return "", 0, 0, err
	}
	w, ht := h.width, h.height
	if h.orientation.swapsAxes() {
		w, ht = ht, w
	}
	return h.format, w, ht, nil
}

// header is what sniff reads: the stored dimensions, before orientation.
type header struct {
	format        string
	width, height int
	orientation   orientation
}

func sniff(r io.Reader) (header, error) {
	var (
		format        string
		width, height int
		o             = upright
	)
	head := make([]byte, maxMagic)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		if errors.Is(err, io.EOF) {
			return header{}, fmt.Errorf("sniffing image: empty data: %w", ErrUnknownFormat)
		}
		return header{}, fmt.Errorf("sniffing image: %w", err)
	}
	head = head[:n]
	format, err = magic(head)
	if err != nil {
		return header{}, fmt.Errorf("sniffing image: %w", err)
	}
	rest := io.MultiReader(bytes.NewReader(head), r)
	switch format {
	case PNG:
		width, height, err = sniffPNG(rest)
	case JPEG:
		width, height, o, err = sniffJPEG(rest)
	case WebP:
		width, height, err = sniffWebP(rest)
	case GIF:
		width, height, err = sniffGIF(rest)
	case SVG:
		width, height, err = sniffSVG(rest)
	}
	if err != nil {
		return header{}, fmt.Errorf("sniffing %s: %w", format, err)
	}
	return header{format: format, width: width, height: height, orientation: o}, nil
}

// magic tells the format from the first bytes. A prefix too short to hold
// the whole magic number still counts, so that a truncated image is
// reported as truncated rather than as unknown.
func magic(head []byte) (string, error) {
	switch {
	case len(head) > 0 && bytes.HasPrefix(pngMagic, head[:min(len(head), len(pngMagic))]):
		return PNG, nil
	case len(head) > 0 && bytes.HasPrefix(jpegMagic, head[:min(len(head), len(jpegMagic))]):
		return JPEG, nil
	case isWebPPrefix(head):
		return WebP, nil
	case len(head) > 0 && bytes.HasPrefix(gifMagic, head[:min(len(head), len(gifMagic))]):
		return GIF, nil
	case looksLikeSVG(head):
		return SVG, nil
	}
	return "", fmt.Errorf("%w (%s)", ErrUnknownFormat, describe(head))
}

func isWebPPrefix(head []byte) bool {
	if len(head) == 0 || !bytes.HasPrefix([]byte("RIFF"), head[:min(len(head), 4)]) {
		return false
	}
	return len(head) <= 8 || bytes.HasPrefix([]byte("WEBP"), head[8:min(len(head), 12)])
}

// describe says what unknown data looks like, so an HTML or JSON error body
// saved as an image is recognisable in the message.
func describe(head []byte) string {
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) > 0 && (trimmed[0] == '<' || trimmed[0] == '{' || trimmed[0] == '['):
		return fmt.Sprintf("starts with %q: text, perhaps an HTML or JSON error body", trimmed)
	}
	return fmt.Sprintf("starts with % x", head)
}

// readHeader reads exactly len(buf) bytes, reporting a short read as
// ErrTruncated.
func readHeader(r io.Reader, buf []byte) error {
	if _, err := io.ReadFull(r, buf); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return ErrTruncated
		}
		return err
	}
	return nil
}

// sniffPNG reads the signature and the IHDR chunk, checking its CRC.
func sniffPNG(r io.Reader) (int, int, error) {
	var b [8 + 8 + 13 + 4]byte
	if err := readHeader(r, b[:]); err != nil {
		return 0, 0, err
	}
	if !bytes.Equal(b[:8], pngMagic) {
		return 0, 0, fmt.Errorf("bad signature % x", b[:8])
	}
	ihdr := b[8:]
	if binary.BigEndian.Uint32(ihdr[0:4]) != 13 || string(ihdr[4:8]) != "IHDR" {
		return 0, 0, errors.New("the first chunk is not a valid IHDR")
	}
	if crc32.ChecksumIEEE(ihdr[4:21]) != binary.BigEndian.Uint32(ihdr[21:25]) {
		return 0, 0, errors.New("IHDR checksum mismatch: the header is corrupt")
	}
	return checkDims(int64(binary.BigEndian.Uint32(ihdr[8:12])), int64(binary.BigEndian.Uint32(ihdr[12:16])))
}

func checkDims(w, h int64) (int, int, error) {
	if w <= 0 || h <= 0 || w > 1<<30 || h > 1<<30 {
		return 0, 0, fmt.Errorf("implausible dimensions %dx%d", w, h)
	}
	return int(w), int(h), nil
}
