package imagefmt

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"testing"
)

// quadrants is a 40x20 image with a flat colour in each corner quadrant:
// red top-left, green top-right, blue bottom-left, white bottom-right.
func quadrants() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	for y := range 20 {
		for x := range 40 {
			c := [2][2]color.RGBA{{{255, 0, 0, 255}, {0, 255, 0, 255}}, {{0, 0, 255, 255}, {255, 255, 255, 255}}}[y/10][x/20]
			img.SetRGBA(x, y, c)
		}
	}
	return img
}

// withOrientation inserts an EXIF segment whose IFD0 holds only the
// Orientation tag, in the given byte order, right after the JPEG's SOI.
func withOrientation(t *testing.T, jpg []byte, o int, bo binary.ByteOrder) []byte {
	t.Helper()
	tiff := make([]byte, 8+2+12+4)
	copy(tiff, map[binary.ByteOrder]string{binary.LittleEndian: "II", binary.BigEndian: "MM"}[bo])
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)
	bo.PutUint16(tiff[10:], exifTagOri)
	bo.PutUint16(tiff[12:], exifShort)
	bo.PutUint32(tiff[14:], 1)
	bo.PutUint16(tiff[18:], uint16(o))
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := append([]byte{0xff, 0xe1, 0, 0}, payload...)
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(append(bytes.Clone(jpg[:2]), seg...), jpg[2:]...)
}

func TestDecodeTurnsAJPEGUprightByItsEXIFOrientation(t *testing.T) {
	stored := encode(t, quadrants(), JPEG, 95)
	// The colour of each corner of the upright image (top-left, top-right,
	// bottom-left, bottom-right), per orientation.
	r, g, b, w := "red", "green", "blue", "white"
	cases := []struct {
		o             int
		width, height int
		corners       [4]string
	}{
		{1, 40, 20, [4]string{r, g, b, w}},
		{2, 40, 20, [4]string{g, r, w, b}},
		{3, 40, 20, [4]string{w, b, g, r}},
		{4, 40, 20, [4]string{b, w, r, g}},
		{5, 20, 40, [4]string{r, b, g, w}},
		{6, 20, 40, [4]string{b, r, w, g}},
		{7, 20, 40, [4]string{w, g, b, r}},
		{8, 20, 40, [4]string{g, w, r, b}},
	}
	for _, tc := range cases {
		for _, bo := range []binary.ByteOrder{binary.BigEndian, binary.LittleEndian} {
			data := withOrientation(t, stored, tc.o, bo)
			format, sw, sh, err := Sniff(bytes.NewReader(data))
			if err != nil || format != JPEG || sw != tc.width || sh != tc.height {
				t.Errorf("orientation %d (%v): Sniff = %s %dx%d, %v; want jpeg %dx%d", tc.o, bo, format, sw, sh, err, tc.width, tc.height)
			}
			img, _, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("orientation %d: %v", tc.o, err)
			}
			bounds := img.Bounds()
			if bounds.Dx() != tc.width || bounds.Dy() != tc.height {
				t.Fatalf("orientation %d: decoded %dx%d; want %dx%d", tc.o, bounds.Dx(), bounds.Dy(), tc.width, tc.height)
			}
			pts := []image.Point{{2, 2}, {bounds.Dx() - 3, 2}, {2, bounds.Dy() - 3}, {bounds.Dx() - 3, bounds.Dy() - 3}}
			for i, p := range pts {
				if got := colourName(img.At(bounds.Min.X+p.X, bounds.Min.Y+p.Y)); got != tc.corners[i] {
					t.Errorf("orientation %d (%v): corner %d is %s; want %s", tc.o, bo, i, got, tc.corners[i])
				}
			}
		}
	}
}

// colourName names the nearest of the four test colours.
func colourName(c color.Color) string {
	r, g, b, _ := c.RGBA()
	hi := func(v uint32) bool { return v > 0x8000 }
	switch {
	case hi(r) && hi(g) && hi(b):
		return "white"
	case hi(r):
		return "red"
	case hi(g):
		return "green"
	case hi(b):
		return "blue"
	}
	return "black"
}

func TestEXIFOrientationIgnoresWhatItCannotRead(t *testing.T) {
	cases := []struct {
		name string
		tiff []byte
	}{
		{"empty", nil},
		{"bad byte order", []byte("XX\x00\x2a\x00\x00\x00\x08")},
		{"bad magic", []byte("MM\x00\x2b\x00\x00\x00\x08")},
		{"IFD past the end", []byte("MM\x00\x2a\x00\x00\xff\xff")},
		{"entry cut short", []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x05\x01\x12")},
		{"out of range", []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x09\x00\x00")},
	}
	for _, tc := range cases {
		if got := exifOrientation(tc.tiff); got != upright {
			t.Errorf("%s: orientation %d; want upright", tc.name, got)
		}
	}
}
