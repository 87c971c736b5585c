package imagefmt

import (
	"bytes"
	"image"
	"image/color"
	"image/gif"
	"strings"
	"testing"
)

func gifBytes(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.Black, color.White})
	for i := range img.Pix {
		img.Pix[i] = uint8(i % 2)
	}
	var b bytes.Buffer
	if err := gif.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A GIF's size is its logical screen; Decode gives its first frame.
func TestGIF(t *testing.T) {
	data := gifBytes(t, 37, 21)
	format, w, h, err := Sniff(bytes.NewReader(data))
	if err != nil || format != GIF || w != 37 || h != 21 {
		t.Fatalf("Sniff = %s %dx%d, %v; want gif 37x21", format, w, h, err)
	}
	img, format, err := Decode(bytes.NewReader(data))
	if err != nil || format != GIF || img.Bounds().Dx() != 37 || img.Bounds().Dy() != 21 {
		t.Fatalf("Decode = %v, %s, %v; want a 37x21 gif", img.Bounds(), format, err)
	}
}

// An SVG's size comes from width and height in pixels, else its viewBox,
// else it has none; what precedes the root element is skipped.
func TestSniffSVG(t *testing.T) {
	tests := []struct {
		name string
		svg  string
		w, h int
	}{
		{"width and height", `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="768"><rect/></svg>`, 1024, 768},
		{"pixels", `<svg xmlns="http://www.w3.org/2000/svg" width="1024px" height="1024.0px"/>`, 1024, 1024},
		{"viewBox", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1536,1024"/>`, 1536, 1024},
		{"percent falls back to viewBox", `<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" viewBox="0 0 640 480"/>`, 640, 480},
		{"no size", `<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>`, 0, 0},
		{"declaration, comment and doctype first", "\xef\xbb\xbf\n<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- Generator: x -->\n" +
			`<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">` +
			`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="9"/>`, 16, 9},
		{"no namespace", `<svg width="3" height="4"/>`, 3, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			format, w, h, err := Sniff(strings.NewReader(tt.svg))
			if err != nil || format != SVG || w != tt.w || h != tt.h {
				t.Fatalf("Sniff = %s %dx%d, %v; want svg %dx%d", format, w, h, err, tt.w, tt.h)
			}
			if err := CheckSVG([]byte(tt.svg)); err != nil {
				t.Errorf("CheckSVG: %v", err)
			}
		})
	}
}

// Sniff reads an SVG only up to its root element; CheckSVG reads it all,
// so a file cut short or with junk after its root is refused.
func TestCheckSVG(t *testing.T) {
	whole := `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><g><rect width="8" height="8"/></g></svg>`
	tests := []struct{ name, svg, want string }{
		{"cut", whole[:len(whole)-10], "truncated"},
		{"second root", whole + "<svg/>", "2 root elements"},
		{"broken markup", strings.Replace(whole, "<g>", "<g", 1), "well-formed"},
		{"foreign root", `<svg:svg xmlns:svg="urn:not-svg"/>`, "not <svg>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSVG([]byte(tt.svg))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("CheckSVG = %v, want an error mentioning %q", err, tt.want)
			}
		})
	}
	if err := CheckSVG([]byte(whole + "\n<!-- end -->\n")); err != nil {
		t.Errorf("CheckSVG of a whole file with a trailing comment: %v", err)
	}
}

// easel writes an SVG as it came: it never decodes or encodes one.
func TestSVGIsNotRasterized(t *testing.T) {
	_, _, err := Decode(strings.NewReader(`<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>`))
	if err == nil || !strings.Contains(err.Error(), "vector") {
		t.Fatalf("Decode of an SVG = %v, want an error saying it is a vector image", err)
	}
	for _, f := range []string{GIF, SVG} {
		if Encodable(f) {
			t.Errorf("Encodable(%s) = true", f)
		}
	}
	if err := Encode(&bytes.Buffer{}, image.NewGray(image.Rect(0, 0, 1, 1)), SVG, 0); err == nil {
		t.Error("Encode to svg succeeded")
	}
}
