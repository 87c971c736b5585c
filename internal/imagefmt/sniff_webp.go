package imagefmt

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// sniffWebP reads the RIFF header and the first chunk, which is one of
// VP8 (lossy), VP8L (lossless) or VP8X (extended, with a canvas size).
func sniffWebP(r io.Reader) (int, int, error) {
	var b [12 + 8]byte
	if err := readHeader(r, b[:]); err != nil {
		return 0, 0, err
	}
	if string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, errors.New("not a RIFF WEBP container")
	}
	chunk := string(b[12:16])
	need, ok := map[string]int{"VP8 ": 10, "VP8L": 5, "VP8X": 10}[chunk]
	if !ok {
		return 0, 0, fmt.Errorf("unknown first chunk %q", chunk)
	}
	body := make([]byte, need)
	if err := readHeader(r, body); err != nil {
		return 0, 0, err
	}
	switch chunk {
	case "VP8 ":
		return webpLossy(body)
	case "VP8L":
		return webpLossless(body)
	default:
		w := int64(body[4]) | int64(body[5])<<8 | int64(body[6])<<16
		h := int64(body[7]) | int64(body[8])<<8 | int64(body[9])<<16
		return checkDims(w+1, h+1)
	}
}

// webpLossy reads a VP8 key frame header: a 3-byte frame tag, the start
// code 9d 01 2a, then 14-bit width and height.
func webpLossy(b []byte) (int, int, error) {
	if b[0]&1 != 0 {
		return 0, 0, errors.New("the VP8 frame is not a key frame")
	}
	if b[3] != 0x9d || b[4] != 0x01 || b[5] != 0x2a {
		return 0, 0, errors.New("bad VP8 start code")
	}
	w := int64(binary.LittleEndian.Uint16(b[6:8]) & 0x3fff)
	h := int64(binary.LittleEndian.Uint16(b[8:10]) & 0x3fff)
	return checkDims(w, h)
}

// webpLossless reads a VP8L header: the signature byte 0x2f, then 14-bit
// width-1 and height-1 packed little-endian.
func webpLossless(b []byte) (int, int, error) {
	if b[0] != 0x2f {
		return 0, 0, errors.New("bad VP8L signature")
	}
	bits := binary.LittleEndian.Uint32(b[1:5])
	w := int64(bits&0x3fff) + 1
	h := int64((bits>>14)&0x3fff) + 1
	return checkDims(w, h)
}
