package transform

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"io"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func TestOutputSize(t *testing.T) {
	src := source(encode(t, thirds(400, 200), imagefmt.PNG))
	tests := []struct {
		name  string
		attrs map[string]cty.Value
		w, h  int
	}{
		{"no resize keeps the size", attrs(), 400, 200},
		{"cover is the box", attrs("resize", "150x150"), 150, 150},
		{"cover upscales", attrs("resize", "1000x300"), 1000, 300},
		{"fill is the box", attrs("resize", "100x300", "fit", "fill"), 100, 300},
		{"contain wide box is limited by height", attrs("resize", "300x100", "fit", "contain"), 200, 100},
		{"contain tall box is limited by width", attrs("resize", "100x300", "fit", "contain"), 100, 50},
		{"contain rounds", attrs("resize", "99x99", "fit", "contain"), 99, 50},
		{"contain with pad is the box", attrs("resize", "100x300", "fit", "contain", "pad", "#ffffff"), 100, 300},
		{"crop without resize", attrs("crop", "50x60+10+20"), 50, 60},
		{"crop then contain", attrs("crop", "100x50+0+0", "resize", "40x40", "fit", "contain"), 40, 20},
		{"one pixel", attrs("resize", "1x1"), 1, 1},
		{"contain never yields zero", attrs("resize", "1000x1", "fit", "contain", "crop", "1x200+0+0"), 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _, _ := generate(t, newRequest("assets/out.png", tt.attrs, src))
			if got := img.Bounds().Size(); got != image.Pt(tt.w, tt.h) {
				t.Errorf("size = %v, want %dx%d", got, tt.w, tt.h)
			}
		})
	}
}

func TestCoverAnchor(t *testing.T) {
	vertical := source(encode(t, halves(200, 200), imagefmt.PNG))
	horizontal := source(encode(t, thirds(300, 100), imagefmt.PNG))
	tests := []struct {
		anchor string
		src    sdk.Reference
		resize string
		want   color.RGBA
	}{
		{"top", vertical, "400x50", red},
		{"bottom", vertical, "400x50", blue},
		{"top-left", vertical, "400x50", red},
		{"bottom-right", vertical, "400x50", blue},
		{"left", horizontal, "50x100", red},
		{"center", horizontal, "50x100", green},
		{"right", horizontal, "50x100", blue},
	}
	for _, tt := range tests {
		t.Run(tt.anchor, func(t *testing.T) {
			img, _, _ := generate(t, newRequest("out.png", attrs("resize", tt.resize, "anchor", tt.anchor), tt.src))
			b := img.Bounds()
			for _, p := range []image.Point{{0, 0}, {b.Dx() / 2, b.Dy() / 2}, {b.Dx() - 1, b.Dy() - 1}} {
				assertColour(t, img, p.X, p.Y, tt.want, 2)
			}
		})
	}
}

func TestCoverFocalPoint(t *testing.T) {
	src := source(encode(t, thirds(300, 100), imagefmt.PNG))
	tests := []struct {
		name string
		x, y float64
		want color.RGBA
	}{
		{"left third", 0.15, 0.5, red},
		{"middle", 0.5, 0.2, green},
		{"right third", 0.85, 0.9, blue},
		{"edge is clamped", 0, 0, red},
		{"far edge is clamped", 1, 1, blue},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// anchor left would keep red: focal_point must win.
			a := with(attrs("resize", "60x60", "anchor", "left"), "focal_point", focalPoint(tt.x, tt.y))
			img, _, _ := generate(t, newRequest("out.png", a, src))
			assertColour(t, img, 30, 30, tt.want, 2)
			assertColour(t, img, 0, 0, tt.want, 2)
		})
	}
}

func TestContainPad(t *testing.T) {
	src := source(encode(t, solid(200, 100, red), imagefmt.PNG))
	tests := []struct {
		name   string
		anchor string
		pad    string
		rows   map[int]color.RGBA // row -> colour at the centre column
	}{
		{"centred", "center", "#1ec83c", map[int]color.RGBA{0: green, 20: green, 50: red, 79: green, 99: green}},
		{"at the top", "top", "#1ec83c", map[int]color.RGBA{0: red, 45: red, 55: green, 99: green}},
		{"at the bottom", "bottom", "#1ec83cff", map[int]color.RGBA{0: green, 45: green, 55: red, 99: red}},
		{"transparent", "center", "#00000000", map[int]color.RGBA{0: {}, 50: red, 99: {}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _, _ := generate(t, newRequest("out.png", attrs("resize", "100x100", "fit", "contain", "pad", tt.pad, "anchor", tt.anchor), src))
			for y, c := range tt.rows {
				assertColour(t, img, 50, y, c, 2)
			}
		})
	}
}

func TestCrop(t *testing.T) {
	quadrants := paint(200, 200, func(x, y int) color.RGBA {
		return [2][2]color.RGBA{{red, green}, {blue, white}}[y/100][x/100]
	})
	src := source(encode(t, quadrants, imagefmt.PNG))
	tests := []struct {
		crop   string
		resize string
		want   color.RGBA
	}{
		{"100x100+100+0", "", green},
		{"100x100+0+100", "", blue},
		{"90x90+105+105", "", white},
		{"100x100+0+0", "300x300", red}, // crop happens before resize
		{"50x100+100+100", "20x20", white},
	}
	for _, tt := range tests {
		t.Run(tt.crop, func(t *testing.T) {
			img, _, _ := generate(t, newRequest("out.png", attrs("crop", tt.crop, "resize", tt.resize), src))
			b := img.Bounds()
			for _, p := range []image.Point{{0, 0}, {b.Dx() / 2, b.Dy() / 2}, {b.Dx() - 1, b.Dy() - 1}} {
				assertColour(t, img, p.X, p.Y, tt.want, 2)
			}
		})
	}
}

func TestCropOutsideSource(t *testing.T) {
	src := source(encode(t, solid(100, 100, red), imagefmt.PNG))
	se := generateErr(t, newRequest("out.png", attrs("crop", "60x60+50+0"), src))
	if se.Kind != sdk.ErrInvalid || se.Hint == "" {
		t.Errorf("error = %+v, want an invalid request with a hint", se)
	}
}

// TestFormatConversion chains png -> jpeg -> webp -> png, each step
// decoding as the format its output path asks for.
func TestFormatConversion(t *testing.T) {
	data := encode(t, halves(64, 64), imagefmt.PNG)
	for _, step := range []struct{ output, format string }{
		{"a.jpg", imagefmt.JPEG}, {"b.webp", imagefmt.WebP}, {"c.png", imagefmt.PNG}, {"d.JPEG", imagefmt.JPEG},
	} {
		t.Run(step.output, func(t *testing.T) {
			img, out, resp := generate(t, newRequest(step.output, attrs("resize", "32x32", "quality", ""), source(data)))
			format, _, _, err := imagefmt.Sniff(bytes.NewReader(out))
			if err != nil || format != step.format {
				t.Fatalf("output is %q (%v), want %s", format, err, step.format)
			}
			if resp.MediaType != imagefmt.MediaType(step.format) || img.Bounds().Size() != image.Pt(32, 32) {
				t.Errorf("got %s %v, want %s 32x32", resp.MediaType, img.Bounds().Size(), step.format)
			}
			assertColour(t, img, 16, 4, red, 24)
			assertColour(t, img, 16, 28, blue, 24)
			data = out
		})
	}
}

func TestFormatAttribute(t *testing.T) {
	src := source(encode(t, solid(20, 20, red), imagefmt.PNG))
	_, data, _ := generate(t, newRequest("a.jpg", attrs("format", "JPG"), src))
	if format, _, _, _ := imagefmt.Sniff(bytes.NewReader(data)); format != imagefmt.JPEG {
		t.Errorf("format = jpg with a .jpg output wrote %s", format)
	}
	if se := generateErr(t, newRequest("a.webp", attrs("format", "png"), src)); se.Kind != sdk.ErrInvalid {
		t.Errorf("a format that contradicts the output path: %+v, want invalid", se)
	}
}

func TestQuality(t *testing.T) {
	src := source(encode(t, paint(128, 128, func(x, y int) color.RGBA {
		return color.RGBA{uint8(x * 2), uint8(y * 2), uint8(x ^ y), 255}
	}), imagefmt.PNG))
	size := func(q int64) int {
		_, data, _ := generate(t, newRequest("a.jpg", with(attrs(), "quality", cty.NumberIntVal(q)), src))
		return len(data)
	}
	if lo, hi := size(10), size(95); lo >= hi {
		t.Errorf("quality 10 gave %d bytes, quality 95 gave %d: quality is not applied", lo, hi)
	}
}

func TestDeterministic(t *testing.T) {
	src := encode(t, thirds(300, 200), imagefmt.PNG)
	for _, output := range []string{"a.png", "a.jpg", "a.webp"} {
		t.Run(output, func(t *testing.T) {
			req := func() *sdk.Request {
				return newRequest(output, attrs("resize", "120x90", "pad", "#102030", "fit", "contain"), source(bytes.Clone(src)))
			}
			_, a, _ := generate(t, req())
			_, b, _ := generate(t, req())
			if !bytes.Equal(a, b) {
				t.Errorf("two runs on the same input differ (%d and %d bytes)", len(a), len(b))
			}
		})
	}
}

// TestNotNearestNeighbour halves a one-pixel checkerboard: every filter must
// average it to mid-grey, where nearest-neighbour would pick black or white.
func TestNotNearestNeighbour(t *testing.T) {
	board := source(encode(t, paint(64, 64, func(x, y int) color.RGBA {
		if (x+y)%2 == 0 {
			return color.RGBA{0, 0, 0, 255}
		}
		return white
	}), imagefmt.PNG))
	for _, f := range filterNames() {
		t.Run(f, func(t *testing.T) {
			img, _, resp := generate(t, newRequest("out.png", attrs("resize", "32x32", "filter", f), board))
			for y := 4; y < 28; y++ {
				for x := 4; x < 28; x++ {
					if !near(img.At(x, y), color.RGBA{128, 128, 128, 255}, 3) {
						t.Fatalf("pixel (%d,%d) = %v, want mid-grey", x, y, img.At(x, y))
					}
				}
			}
			if resp.Metadata["filter"] != f {
				t.Errorf("metadata filter = %q, want %q", resp.Metadata["filter"], f)
			}
		})
	}
}

func TestMetadataAndCost(t *testing.T) {
	data := encode(t, solid(10, 10, red), imagefmt.PNG)
	ref := source(data)
	_, _, resp := generate(t, newRequest("a.png", attrs("resize", "5x5"), ref))
	want := map[string]string{"source_sha256": ref.SHA256, "filter": "catmull-rom"}
	if diff := cmp.Diff(want, resp.Metadata); diff != "" {
		t.Errorf("Metadata (-want +got):\n%s", diff)
	}
	if resp.CostUSD == nil || *resp.CostUSD != 0 {
		t.Errorf("CostUSD = %v, want 0", resp.CostUSD)
	}
	est := New().(sdk.Estimator).EstimateCost(context.Background(), newRequest("a.png", attrs(), planned()))
	if est.USD == nil || *est.USD != 0 || est.Detail != "transform: local, free" {
		t.Errorf("EstimateCost = %+v, want $0 local", est)
	}
}

func TestSourceProblems(t *testing.T) {
	t.Run("no source", func(t *testing.T) {
		if se := generateErr(t, newRequest("a.png", attrs())); se.Kind != sdk.ErrInvalid {
			t.Errorf("Kind = %s, want invalid", se.Kind)
		}
	})
	t.Run("not an image", func(t *testing.T) {
		se := generateErr(t, newRequest("a.png", attrs(), source([]byte("%PDF-1.7 not an image at all"))))
		if se.Kind != sdk.ErrInvalid || se.Hint == "" {
			t.Errorf("error = %+v, want invalid with a hint", se)
		}
	})
	t.Run("truncated image", func(t *testing.T) {
		data := encode(t, thirds(100, 100), imagefmt.PNG)
		if se := generateErr(t, newRequest("a.png", attrs(), source(data[:len(data)/2]))); se.Kind != sdk.ErrInvalid {
			t.Errorf("Kind = %s, want invalid", se.Kind)
		}
	})
	t.Run("unreadable bytes are not the user's fault", func(t *testing.T) {
		boom := errors.New("disk on fire")
		ref := sdk.NewReference("file", "a.png", "", "image/png", 10, func() (io.ReadCloser, error) {
			return io.NopCloser(io.MultiReader(bytes.NewReader([]byte("\x89PNG\r\n\x1a\n")), &failing{boom})), nil
		})
		_, err := New().Generate(context.Background(), newRequest("a.png", attrs(), ref))
		var se *sdk.Error
		if !errors.Is(err, boom) || errors.As(err, &se) {
			t.Errorf("error = %v, want the read error wrapped, not *sdk.Error", err)
		}
	})
}

type failing struct{ err error }

func (f *failing) Read([]byte) (int, error) { return 0, f.err }

func TestGenerateCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := source(encode(t, solid(50, 50, red), imagefmt.PNG))
	_, err := New().Generate(ctx, newRequest("a.png", attrs("resize", "20x20"), src))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Generate with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestSchema(t *testing.T) {
	s := New().Schema()
	if s.HashVersion != 1 || len(s.Provider) != 0 || len(s.Models) != 0 {
		t.Errorf("schema: hash version %d, %d provider attributes, %d models; want 1, 0, 0", s.HashVersion, len(s.Provider), len(s.Models))
	}
	noHash := map[string]bool{}
	for _, a := range s.Image {
		if a.Name == "source" || a.Name == "output" || a.Name == "references" {
			t.Errorf("schema declares the engine's attribute %q", a.Name)
		}
		noHash[a.Name] = a.NoHash
	}
	want := map[string]bool{"resize": false, "fit": false, "anchor": false, "focal_point": false, "crop": false,
		"pad": false, "format": false, "quality": false, "strip_metadata": true, "filter": false}
	if diff := cmp.Diff(want, noHash); diff != "" {
		t.Errorf("attributes and NoHash (-want +got):\n%s", diff)
	}
}

// TestPhotoIsTurnedUpright checks a phone photo stored sideways, with an
// EXIF orientation of 6 (turn clockwise to view), comes out as viewers
// show it: the stored left column on top.
func TestPhotoIsTurnedUpright(t *testing.T) {
	stored := encode(t, thirds(300, 100), imagefmt.JPEG)
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x06\x00\x00\x00\x00\x00\x00")
	app1 := append([]byte{0xff, 0xe1, 0x00, byte(2 + 6 + len(tiff))}, append([]byte("Exif\x00\x00"), tiff...)...)
	photo := append(append(bytes.Clone(stored[:2]), app1...), stored[2:]...)

	img, _, _ := generate(t, newRequest("out.png", attrs("resize", "50x150"), source(photo)))
	if b := img.Bounds(); b.Dx() != 50 || b.Dy() != 150 {
		t.Fatalf("output %dx%d; want 50x150 (upright, not stretched)", b.Dx(), b.Dy())
	}
	assertColour(t, img, 25, 5, red, 24)
	assertColour(t, img, 25, 75, green, 24)
	assertColour(t, img, 25, 144, blue, 24)
}
