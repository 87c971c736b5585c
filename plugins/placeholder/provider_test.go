package placeholder

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func TestGenerateFormats(t *testing.T) {
	tests := []struct {
		name       string
		reqFormat  string // from the output path's extension
		formatAttr string // the format attribute, "" unset
		size       string
		want       string
	}{
		{"png by extension", "png", "", "640x360", imagefmt.PNG},
		{"jpeg by extension", "jpeg", "", "333x97", imagefmt.JPEG},
		{"webp by extension", "webp", "", "97x333", imagefmt.WebP},
		{"format overrides extension", "png", "webp", "200x200", imagefmt.WebP},
		{"jpg spelling", "png", "jpg", "120x80", imagefmt.JPEG},
		{"no extension defaults to png", "", "", "64x64", imagefmt.PNG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := attrs("size", tt.size, "prompt", "a lighthouse at dusk")
			if tt.formatAttr != "" {
				a["format"] = cty.StringVal(tt.formatAttr)
			}
			req := newRequest(a)
			req.Format = tt.reqFormat
			data, resp := generate(t, req)
			img, format := decode(t, data)
			w, h, _ := sdk.ParseSize(tt.size)
			if format != tt.want || img.Bounds() != image.Rect(0, 0, w, h) {
				t.Errorf("got %s %v, want %s %s", format, img.Bounds(), tt.want, tt.size)
			}
			if resp.MediaType != imagefmt.MediaType(tt.want) {
				t.Errorf("MediaType = %q, want %q", resp.MediaType, imagefmt.MediaType(tt.want))
			}
			if diff := cmp.Diff(map[string]string{"renderer": "placeholder-1"}, resp.Metadata); diff != "" {
				t.Errorf("Metadata (-want +got):\n%s", diff)
			}
		})
	}
}

// TestGenerateExtremeSizes covers the smallest, the most elongated and a
// large image: each must come out at exactly its size.
func TestGenerateExtremeSizes(t *testing.T) {
	sizes := []string{"16x16", "17x23", "48x48", "99x140", "8192x16", "16x2000"}
	if !testing.Short() {
		sizes = append(sizes, "4096x4096")
	}
	long := "an extremely long prompt that cannot possibly fit in a small image " +
		"so it must be wrapped and then cut with an ellipsis: supercalifragilisticexpialidocious"
	for _, size := range sizes {
		t.Run(size, func(t *testing.T) {
			req := newRequest(attrs("size", size, "prompt", long, "format", "jpeg"),
				reference("ref.png", encodeImage(t, solid(40, 30, color.RGBA{255, 0, 0, 255}))))
			img, _ := decode(t, mustGenerate(t, req))
			w, h, _ := sdk.ParseSize(size)
			if img.Bounds() != image.Rect(0, 0, w, h) {
				t.Errorf("bounds %v, want %s", img.Bounds(), size)
			}
		})
	}
}

// TestTinyIsPlainColour checks that an image too small for any decoration
// is just its background.
func TestTinyIsPlainColour(t *testing.T) {
	req := newRequest(attrs("size", "16x16", "prompt", "hello", "background", "#336699"))
	img, _ := decode(t, mustGenerate(t, req))
	want := color.RGBA{0x33, 0x66, 0x99, 0xff}
	for y := range 16 {
		for x := range 16 {
			if got := color.RGBAModel.Convert(img.At(x, y)); got != want {
				t.Fatalf("pixel (%d,%d) = %v, want the background %v", x, y, got, want)
			}
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	red := encodeImage(t, solid(64, 48, color.RGBA{200, 30, 30, 255}))
	for _, format := range []string{imagefmt.PNG, imagefmt.JPEG, imagefmt.WebP} {
		t.Run(format, func(t *testing.T) {
			mk := func() *sdk.Request {
				req := newRequest(attrs("size", "400x300", "prompt", "two cats on a sofa", "format", format),
					reference("a.png", red), reference("b.png", []byte("not an image")))
				return req
			}
			a, b := mustGenerate(t, mk()), mustGenerate(t, mk())
			if !bytes.Equal(a, b) {
				t.Errorf("two renders of the same request differ (%d and %d bytes)", len(a), len(b))
			}
			other := mk()
			other.Address = "image.other"
			if bytes.Equal(a, mustGenerate(t, other)) {
				t.Error("a different address rendered the same bytes: the title is missing")
			}
		})
	}
}

// TestBackgroundFollowsSpecHash checks the colour at a corner, outside the
// frame: it changes with the spec hash and obeys the background attribute.
func TestBackgroundFollowsSpecHash(t *testing.T) {
	corner := func(req *sdk.Request) color.Color {
		img, _ := decode(t, mustGenerate(t, req))
		return color.RGBAModel.Convert(img.At(0, 0))
	}
	a := newRequest(attrs("size", "200x100"))
	b := newRequest(attrs("size", "200x100"))
	b.SpecHash = "sha256:ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
	if ca, cb := corner(a), corner(b); ca == cb {
		t.Errorf("different spec hashes gave the same background %v", ca)
	}
	c := newRequest(attrs("size", "200x100", "background", "#E8D5B7"))
	if got, want := corner(c), (color.RGBA{0xe8, 0xd5, 0xb7, 0xff}); got != want {
		t.Errorf("background attribute: corner is %v, want %v", got, want)
	}
}

// TestReferencesDrawn checks that a solid red reference shows as red
// pixels in the bottom strip, and that an undecodable one is a grey box
// rather than a failure.
func TestReferencesDrawn(t *testing.T) {
	red := color.RGBA{255, 0, 0, 255}
	size := "480x360"
	strip := image.Rect(0, 240, 240, 360) // bottom left
	tests := []struct {
		name      string
		refs      []sdk.Reference
		wantRed   bool
		wantGreys bool
	}{
		{"none", nil, false, false},
		{"solid red", []sdk.Reference{reference("red.png", encodeImage(t, solid(300, 200, red)))}, true, false},
		{"unreadable", []sdk.Reference{reference("broken.png", []byte("<html>oops</html>"))}, false, true},
		{"no bytes", []sdk.Reference{sdk.NewReference("file", "x.png", "", "image/png", 0, nil)}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := newRequest(attrs("size", size, "background", "#d0e0f0"), tt.refs...)
			img, _ := decode(t, mustGenerate(t, req))
			if got := count(img, strip, red); (got > 100) != tt.wantRed {
				t.Errorf("%d red pixels in the strip, want red: %v", got, tt.wantRed)
			}
			if got := count(img, strip, unreadableGrey); (got > 100) != tt.wantGreys {
				t.Errorf("%d grey pixels in the strip, want grey: %v", got, tt.wantGreys)
			}
		})
	}
}

func count(img image.Image, r image.Rectangle, c color.RGBA) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if color.RGBAModel.Convert(img.At(x, y)) == c {
				n++
			}
		}
	}
	return n
}

func TestLatencyIsCancellable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	req := newRequest(attrs("size", "64x64", "latency", "1h"))
	done := make(chan error, 1)
	go func() {
		_, err := New().Generate(ctx, req)
		done <- err
	}()
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Generate after cancel = %v, want context.Canceled", err)
	}
}

func TestLatencyShortCompletes(t *testing.T) {
	img, _ := decode(t, mustGenerate(t, newRequest(attrs("size", "64x64", "latency", "1ms"))))
	if img.Bounds().Dx() != 64 {
		t.Errorf("bounds %v", img.Bounds())
	}
}

func TestGenerateRejectsInvalid(t *testing.T) {
	_, err := New().Generate(context.Background(), newRequest(attrs("size", "10x10")))
	var e *sdk.Error
	if !errors.As(err, &e) || e.Kind != sdk.ErrInvalid {
		t.Fatalf("Generate(10x10) error = %v, want an sdk.Error of kind invalid", err)
	}
}

func TestEstimateCost(t *testing.T) {
	est := New().(sdk.Estimator).EstimateCost(context.Background(), newRequest(attrs("size", "1024x1024")))
	if est.USD == nil || *est.USD != 0 || est.Detail != "placeholder: free" {
		t.Errorf("EstimateCost = %+v, want $0 with detail %q", est, "placeholder: free")
	}
}

func mustGenerate(t *testing.T, req *sdk.Request) []byte {
	t.Helper()
	data, _ := generate(t, req)
	return data
}
