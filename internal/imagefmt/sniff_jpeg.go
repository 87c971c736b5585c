package imagefmt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// maxJPEGSegments bounds how many segments Sniff skips looking for the
// frame header, so a stream of junk markers cannot keep it reading.
const maxJPEGSegments = 1024

// sniffJPEG walks the segments after SOI until a start-of-frame marker,
// whose payload holds the dimensions. The first EXIF segment is read for
// the orientation; other metadata segments are skipped without being kept.
func sniffJPEG(r io.Reader) (int, int, orientation, error) {
	br := exactReader{r: r}
	var soi [2]byte
	if err := readHeader(br, soi[:]); err != nil {
		return 0, 0, upright, err
	}
	o, exifSeen := upright, false
	for range maxJPEGSegments {
		marker, err := nextMarker(br)
		if err != nil {
			return 0, 0, upright, err
		}
		switch {
		case isSOF(marker):
			w, h, err := jpegFrame(br)
			return w, h, o, err
		case marker == 0xd8, marker == 0xd9, marker == 0xda:
			return 0, 0, upright, fmt.Errorf("marker %#x before the frame header", marker)
		case marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7):
			continue // standalone markers carry no length
		case marker == 0xe1 && !exifSeen:
			seg, err := readSegment(br)
			if err != nil {
				return 0, 0, upright, err
			}
			if tiff, ok := bytes.CutPrefix(seg, []byte("Exif\x00\x00")); ok {
				o, exifSeen = exifOrientation(tiff), true
			}
			continue
		}
		if err := skipSegment(br); err != nil {
			return 0, 0, upright, err
		}
	}
	return 0, 0, upright, errors.New("no frame header in the first segments")
}

// readSegment reads a segment's payload (at most 64 KiB, the format's limit).
func readSegment(br exactReader) ([]byte, error) {
	n, err := segmentLen(br)
	if err != nil {
		return nil, err
	}
	seg := make([]byte, n)
	if _, err := io.ReadFull(br, seg); err != nil {
		return nil, truncated(err)
	}
	return seg, nil
}

// nextMarker reads a 0xFF byte, skips fill bytes, and returns the marker.
func nextMarker(br exactReader) (byte, error) {
	b, err := br.ReadByte()
	if err != nil {
		return 0, truncated(err)
	}
	if b != 0xff {
		return 0, fmt.Errorf("expected a marker, found byte %#x", b)
	}
	for b == 0xff {
		if b, err = br.ReadByte(); err != nil {
			return 0, truncated(err)
		}
	}
	return b, nil
}

// isSOF reports whether a marker starts a frame (SOF0-SOF15 except DHT,
// JPG and DAC, which share the range).
func isSOF(m byte) bool {
	return m >= 0xc0 && m <= 0xcf && m != 0xc4 && m != 0xc8 && m != 0xcc
}

func skipSegment(br exactReader) error {
	n, err := segmentLen(br)
	if err != nil {
		return err
	}
	if _, err := io.CopyN(io.Discard, br, int64(n)); err != nil {
		return truncated(err)
	}
	return nil
}

// segmentLen reads a segment's length field and returns its payload's
// length (the field counts its own two bytes).
func segmentLen(br exactReader) (int, error) {
	var l [2]byte
	if err := readHeader(br, l[:]); err != nil {
		return 0, err
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if n < 2 {
		return 0, fmt.Errorf("segment length %d is invalid", n)
	}
	return n - 2, nil
}

// jpegFrame reads a frame header: length, precision, height, width.
func jpegFrame(br exactReader) (int, int, error) {
	var f [7]byte
	if err := readHeader(br, f[:]); err != nil {
		return 0, 0, err
	}
	h := int64(binary.BigEndian.Uint16(f[3:5]))
	w := int64(binary.BigEndian.Uint16(f[5:7]))
	if h == 0 {
		return 0, 0, errors.New("the height is deferred to a DNL marker, which is not supported")
	}
	return checkDims(w, h)
}

// exactReader reads single bytes without buffering ahead, so Sniff stops
// at the end of the frame header.
type exactReader struct{ r io.Reader }

func (e exactReader) Read(p []byte) (int, error) { return e.r.Read(p) }

func (e exactReader) ReadByte() (byte, error) {
	var b [1]byte
	_, err := io.ReadFull(e.r, b[:])
	return b[0], err
}

func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrTruncated
	}
	return err
}
