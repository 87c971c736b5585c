package imagefmt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"strings"
	"testing"

	"github.com/gen2brain/webp"
)

func TestSniffRejects(t *testing.T) {
	pngData := encode(t, testImage(30, 20), PNG, 0)
	jpegData := encode(t, testImage(30, 20), JPEG, 0)
	webpData := encode(t, testImage(30, 20), WebP, 0)
	badCRC := bytes.Clone(pngData)
	badCRC[20]++ // a byte of the IHDR width

	tests := []struct {
		name    string
		data    []byte
		wantErr error
		wantMsg string
	}{
		{"empty", nil, ErrUnknownFormat, "empty"},
		{"garbage", []byte("\x00\x01\x02\x03 not an image at all"), ErrUnknownFormat, "00 01 02 03"},
		{"html error body", []byte("<!DOCTYPE html><html>502 Bad Gateway"), ErrUnknownFormat, "HTML or JSON"},
		{"json error body", []byte(`{"error": {"message": "quota"}}`), ErrUnknownFormat, "HTML or JSON"},
		{"gif signature only", []byte("GIF89a"), ErrTruncated, "gif"},
		{"gif bad version", []byte("GIF85a\x10\x00\x10\x00"), nil, "bad signature"},
		{"gif zero width", []byte("GIF89a\x00\x00\x10\x00\x00"), nil, "zero dimensions"},
		{"svg root html", []byte(`<?xml version="1.0"?><html><body>502</body></html>`), nil, "root element is <html>"},
		{"svg not xml", []byte(`<svg width="10" height=10>`), nil, "well-formed"},
		{"svg cut before root", []byte(`<?xml version="1.0"?><!-- made by`), ErrTruncated, "svg"},
		{"png signature only", pngData[:8], ErrTruncated, "png"},
		{"png cut in IHDR", pngData[:20], ErrTruncated, "png"},
		{"png five bytes", pngData[:5], ErrTruncated, "png"},
		{"png corrupt IHDR", badCRC, nil, "checksum"},
		{"jpeg SOI only", jpegData[:2], ErrTruncated, "jpeg"},
		{"jpeg cut before frame", jpegData[:30], ErrTruncated, "jpeg"},
		{"jpeg one byte", jpegData[:1], ErrTruncated, "jpeg"},
		{"jpeg junk after SOI", []byte{0xff, 0xd8, 0x12, 0x34, 0x56}, nil, "expected a marker"},
		{"webp RIFF only", webpData[:4], ErrTruncated, "webp"},
		{"webp cut in chunk", webpData[:24], ErrTruncated, "webp"},
		{"riff but not webp", []byte("RIFF\x10\x00\x00\x00WAVEfmt "), ErrUnknownFormat, "52 49 46 46"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format, w, h, err := Sniff(bytes.NewReader(tt.data))
			if err == nil {
				t.Fatalf("Sniff = %s %dx%d, want an error", format, w, h)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("Sniff error %q is not %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("Sniff error %q does not mention %q", err, tt.wantMsg)
			}
		})
	}
}

// TestSniffReadsOnlyHeader checks that Sniff leaves the pixel data unread,
// so a caller can sniff the head of a stream it is copying.
func TestSniffReadsOnlyHeader(t *testing.T) {
	for _, format := range []string{PNG, JPEG, WebP} {
		t.Run(format, func(t *testing.T) {
			data := encode(t, testImage(300, 200), format, 0)
			r := bytes.NewReader(data)
			if _, _, _, err := Sniff(r); err != nil {
				t.Fatal(err)
			}
			if read := len(data) - r.Len(); read > 1024 {
				t.Errorf("Sniff read %d of %d bytes, want only the header", read, len(data))
			}
		})
	}
}

// TestSniffJPEGMetadata checks that large metadata segments before the
// frame header (EXIF, ICC profiles) are skipped.
func TestSniffJPEGMetadata(t *testing.T) {
	data := encode(t, testImage(33, 17), JPEG, 0)
	payload := bytes.Repeat([]byte{0xab}, 60000)
	app1 := append([]byte{0xff, 0xe1, 0, 0}, payload...)
	binary.BigEndian.PutUint16(app1[2:4], uint16(len(payload)+2))
	withExif := append(append(bytes.Clone(data[:2]), app1...), data[2:]...)

	format, w, h, err := Sniff(bytes.NewReader(withExif))
	if err != nil || format != JPEG || w != 33 || h != 17 {
		t.Errorf("Sniff = %s %dx%d, %v; want jpeg 33x17", format, w, h, err)
	}
	if _, _, err := Decode(bytes.NewReader(withExif)); err != nil {
		t.Errorf("Decode: %v", err)
	}
}

// TestSniffWebPVariants covers the lossless (VP8L) and extended (VP8X,
// with alpha) layouts beside the lossy one the round trip covers.
func TestSniffWebPVariants(t *testing.T) {
	translucent := image.NewNRGBA(image.Rect(0, 0, 45, 21))
	for i := range translucent.Pix {
		translucent.Pix[i] = 90
	}
	tests := []struct {
		name  string
		img   image.Image
		opts  webp.Options
		chunk string
	}{
		{"lossless", testImage(45, 21), webp.Options{Lossless: true}, "VP8L"},
		{"alpha", translucent, webp.Options{Quality: 80}, "VP8X"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := webp.Encode(&buf, tt.img, tt.opts); err != nil {
				t.Fatal(err)
			}
			if chunk := string(buf.Bytes()[12:16]); chunk != tt.chunk {
				t.Fatalf("encoder wrote chunk %q, want %q: the test no longer covers it", chunk, tt.chunk)
			}
			format, w, h, err := Sniff(&buf)
			if err != nil || format != WebP || w != 45 || h != 21 {
				t.Errorf("Sniff = %s %dx%d, %v; want webp 45x21", format, w, h, err)
			}
		})
	}
}

// TestDecodeRefusesHuge checks that a header claiming more than MaxPixels
// is refused before the decoder allocates the pixels.
func TestDecodeRefusesHuge(t *testing.T) {
	data := encode(t, testImage(2, 2), PNG, 0)
	binary.BigEndian.PutUint32(data[16:20], 100000)
	binary.BigEndian.PutUint32(data[20:24], 100000)
	binary.BigEndian.PutUint32(data[29:33], crc32.ChecksumIEEE(data[12:29]))

	_, _, err := Decode(bytes.NewReader(data))
	if err == nil || !strings.Contains(err.Error(), "100000x100000") {
		t.Errorf("Decode error = %v, want a refusal naming 100000x100000", err)
	}
}

func TestDecodeRejectsCorruptBody(t *testing.T) {
	data := encode(t, testImage(64, 64), PNG, 0)
	if _, _, err := Decode(bytes.NewReader(data[:len(data)/2])); err == nil {
		t.Error("Decode of a PNG cut in half succeeded")
	}
}
