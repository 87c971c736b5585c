package transform

import (
	"context"
	"image"
	"image/color"
	"math"
	"testing"

	"golang.org/x/image/draw"
)

// gradient is a smooth opaque image with detail in both directions.
func gradient(w, h int) *image.RGBA {
	return paint(w, h, func(x, y int) color.RGBA {
		return color.RGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8(128 + 100*math.Sin(float64(x+y)/9)), 255}
	})
}

// TestBandsMatchOnePass checks that scaling in bands, with a budget small
// enough to force many of them, gives what one draw.Kernel.Scale gives,
// up to the rounding between the two passes.
func TestBandsMatchOnePass(t *testing.T) {
	src := gradient(301, 207)
	tests := []struct {
		name string
		sr   image.Rectangle
		w, h int
	}{
		{"shrink both", src.Rect, 97, 61},
		{"enlarge both", src.Rect, 640, 480},
		{"width only", src.Rect, 150, 207},
		{"height only", src.Rect, 301, 50},
		{"stretch one, shrink other", src.Rect, 700, 40},
		{"a window", image.Rect(40, 30, 240, 130), 120, 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dr := image.Rect(0, 0, tt.w, tt.h)
			want := image.NewRGBA(dr)
			draw.CatmullRom.Scale(want, dr, src, tt.sr, draw.Src, nil)
			got := image.NewRGBA(dr)
			s := scaler{f: catmullRom(), budget: 40 << 10} // bands of a few rows or columns, the last overlapping
			if err := s.scale(context.Background(), got, dr, src, tt.sr); err != nil {
				t.Fatal(err)
			}
			for i := range got.Pix {
				if d := int(got.Pix[i]) - int(want.Pix[i]); d < -2 || d > 2 {
					p := i / 4
					t.Fatalf("pixel (%d,%d) channel %d = %d, one pass gives %d", p%tt.w, p/tt.w, i%4, got.Pix[i], want.Pix[i])
				}
			}
		})
	}
}

// TestScaleStaysInside checks that bands never write outside the
// destination rectangle: the letterbox around it must keep its colour.
func TestScaleStaysInside(t *testing.T) {
	src := gradient(301, 207)
	for _, budget := range []int{40 << 10, scratchBudget} {
		dst := solid(200, 200, white)
		dr := image.Rect(10, 50, 157, 150)
		s := scaler{f: catmullRom(), budget: budget}
		if err := s.scale(context.Background(), dst, dr, src, src.Rect); err != nil {
			t.Fatal(err)
		}
		for y := range 200 {
			for x := range 200 {
				if !image.Pt(x, y).In(dr) && dst.RGBAAt(x, y) != white {
					t.Fatalf("budget %d: pixel (%d,%d) outside %v = %v, want the letterbox's white", budget, x, y, dr, dst.RGBAAt(x, y))
				}
			}
		}
	}
}

// scratchSpy is a kernel that records the largest scratch buffer any one
// call needs: draw.Kernel allocates destination width x source height x 32
// bytes.
type scratchSpy struct {
	*draw.Kernel
	calls, most int
}

func (s *scratchSpy) Scale(dst draw.Image, dr image.Rectangle, src image.Image, sr image.Rectangle, op draw.Op, opts *draw.Options) {
	spiedScaler{s, s.Kernel}.Scale(dst, dr, src, sr, op, opts)
}

func (s *scratchSpy) NewScaler(dw, dh, sw, sh int) draw.Scaler {
	return spiedScaler{s, s.Kernel.NewScaler(dw, dh, sw, sh)}
}

// spiedScaler reports the calls of a scaler from NewScaler to its spy.
type spiedScaler struct {
	spy *scratchSpy
	draw.Scaler
}

func (s spiedScaler) Scale(dst draw.Image, dr image.Rectangle, src image.Image, sr image.Rectangle, op draw.Op, opts *draw.Options) {
	s.spy.calls++
	s.spy.most = max(s.spy.most, dr.Dx()*sr.Dy()*scratchPixel)
	s.Scaler.Scale(dst, dr, src, sr, op, opts)
}

// TestScaleMemoryIsBounded shrinks a 1024x1024 image to 512x512, for
// which one draw.Kernel.Scale would need 16 MiB of scratch: no call may
// need more than the budget.
func TestScaleMemoryIsBounded(t *testing.T) {
	src := gradient(1024, 1024)
	for _, budget := range []int{256 << 10, 3 << 20, 16 << 20} {
		spy := &scratchSpy{Kernel: draw.CatmullRom}
		s := scaler{f: filter{kernel: spy}, budget: budget}
		dst := image.NewRGBA(image.Rect(0, 0, 512, 512))
		if err := s.scale(context.Background(), dst, dst.Rect, src, src.Rect); err != nil {
			t.Fatal(err)
		}
		if spy.most > budget {
			t.Errorf("budget %d: a call needed %d bytes of scratch", budget, spy.most)
		}
		if budget == 16<<20 && spy.calls != 1 {
			t.Errorf("budget %d fits one pass, but scale made %d calls", budget, spy.calls)
		}
	}
}

func TestScaleStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	src := gradient(200, 200)
	dst := image.NewRGBA(image.Rect(0, 0, 50, 50))
	if err := (scaler{f: catmullRom(), budget: 1024}).scale(ctx, dst, dst.Rect, src, src.Rect); err == nil {
		t.Error("scale with a cancelled context succeeded")
	}
}

func TestLanczosKernel(t *testing.T) {
	for _, tt := range []struct{ t, want float64 }{{0, 1}, {1, 0}, {2, 0}, {3, 0}, {4, 0}, {0.5, 0.6079271}, {1.5, -0.1350949}} {
		if got := lanczos3(tt.t); math.Abs(got-tt.want) > 1e-6 {
			t.Errorf("lanczos3(%g) = %g, want %g", tt.t, got, tt.want)
		}
	}
}
