package imagefmt

import (
	"bytes"
	"image"
	"image/color"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testImage is an opaque gradient with odd dimensions, so that a swapped
// width and height or an off-by-one shows.
func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), 128, 255})
		}
	}
	return img
}

func encode(t *testing.T, img image.Image, format string, quality int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Encode(&buf, img, format, quality); err != nil {
		t.Fatalf("Encode(%s): %v", format, err)
	}
	return buf.Bytes()
}

func TestFormatFromPath(t *testing.T) {
	tests := []struct {
		path   string
		format string
		ok     bool
	}{
		{"assets/hero.png", PNG, true},
		{"HERO.PNG", PNG, true},
		{"a/b.jpg", JPEG, true},
		{"b.JPEG", JPEG, true},
		{"c.webp", WebP, true},
		{"c.WebP", WebP, true},
		{"d.gif", GIF, true},
		{"e.SVG", SVG, true},
		{"f.tiff", "", false},
		{"png", "", false},
		{"dir.png/file", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			format, ok := FormatFromPath(tt.path)
			if format != tt.format || ok != tt.ok {
				t.Errorf("FormatFromPath(%q) = %q, %v; want %q, %v", tt.path, format, ok, tt.format, tt.ok)
			}
		})
	}
}

func TestMediaType(t *testing.T) {
	got := map[string]string{}
	for _, f := range []string{PNG, JPEG, WebP, GIF, SVG, "tiff"} {
		got[f] = MediaType(f)
	}
	want := map[string]string{PNG: "image/png", JPEG: "image/jpeg", WebP: "image/webp", GIF: "image/gif", SVG: "image/svg+xml", "tiff": ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MediaType (-want +got):\n%s", diff)
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		format    string
		quality   int
		tolerance int // per channel; lossy formats drift a little
	}{
		{PNG, 0, 0},
		{JPEG, 0, 12},
		{JPEG, 100, 6},
		{WebP, 0, 20}, // YUV 4:2:0 drifts more on a steep gradient
		{WebP, 100, 20},
	}
	src := testImage(67, 41)
	for _, tt := range tests {
		t.Run(tt.format, func(t *testing.T) {
			data := encode(t, src, tt.format, tt.quality)
			format, w, h, err := Sniff(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("Sniff: %v", err)
			}
			if format != tt.format || w != 67 || h != 41 {
				t.Errorf("Sniff = %s %dx%d, want %s 67x41", format, w, h, tt.format)
			}
			img, format, err := Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if format != tt.format || img.Bounds() != src.Bounds() {
				t.Fatalf("Decode = %s %v, want %s %v", format, img.Bounds(), tt.format, src.Bounds())
			}
			assertClose(t, src, img, tt.tolerance)
		})
	}
}

// assertClose compares the pixels of a and b at a few points, allowing a
// per-channel tolerance. A sub-image is compared relative to its origin.
func assertClose(t *testing.T, a, b image.Image, tolerance int) {
	t.Helper()
	ab, bb := a.Bounds(), b.Bounds()
	for _, p := range []image.Point{{5, 5}, {ab.Dx() / 2, ab.Dy() / 2}, {ab.Dx() - 6, ab.Dy() - 6}} {
		ca := color.NRGBAModel.Convert(a.At(ab.Min.X+p.X, ab.Min.Y+p.Y)).(color.NRGBA)
		cb := color.NRGBAModel.Convert(b.At(bb.Min.X+p.X, bb.Min.Y+p.Y)).(color.NRGBA)
		for i, d := range []int{int(ca.R) - int(cb.R), int(ca.G) - int(cb.G), int(ca.B) - int(cb.B), int(ca.A) - int(cb.A)} {
			if d < -tolerance || d > tolerance {
				t.Errorf("pixel %v channel %d: %v vs %v, beyond tolerance %d", p, i, ca, cb, tolerance)
				break
			}
		}
	}
}

func TestEncodeIsDeterministic(t *testing.T) {
	src := testImage(120, 80)
	for _, format := range []string{PNG, JPEG, WebP} {
		t.Run(format, func(t *testing.T) {
			a, b := encode(t, src, format, 80), encode(t, src, format, 80)
			if !bytes.Equal(a, b) {
				t.Errorf("two encodings of the same image differ (%d and %d bytes)", len(a), len(b))
			}
		})
	}
}

// TestEncodeWebPSubImage checks that a sub-image (offset origin, padded
// rows) and a translucent image are encoded as what they show.
func TestEncodeWebPSubImage(t *testing.T) {
	big := testImage(200, 100)
	sub := big.SubImage(image.Rect(50, 20, 150, 80))
	img, _, err := Decode(bytes.NewReader(encode(t, sub, WebP, 100)))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds().Dx() != 100 || img.Bounds().Dy() != 60 {
		t.Fatalf("decoded %v, want 100x60", img.Bounds())
	}
	assertClose(t, sub, img, 20)

	translucent := image.NewRGBA(image.Rect(0, 0, 40, 40))
	for i := range translucent.Pix {
		translucent.Pix[i] = []uint8{100, 50, 0, 128}[i%4] // premultiplied: NRGBA(200,100,0,128)
	}
	img, _, err = Decode(bytes.NewReader(encode(t, translucent, WebP, 100)))
	if err != nil {
		t.Fatal(err)
	}
	assertClose(t, translucent, img, 20)
}

func TestEncodeRejects(t *testing.T) {
	tests := []struct {
		name    string
		format  string
		quality int
	}{
		{"unknown format", "gif", 0},
		{"quality too high", JPEG, 101},
		{"negative quality", WebP, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Encode(&buf, testImage(4, 4), tt.format, tt.quality); err == nil {
				t.Errorf("Encode(%q, %d) succeeded, want an error", tt.format, tt.quality)
			}
		})
	}
}
