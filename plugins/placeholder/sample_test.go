package placeholder

import (
	"flag"
	"image"
	"image/color"
	"math"
	"os"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

var sample = flag.String("sample", "", "write a sample rendering (1536x1024, prompt, two references) to this PNG path")

// TestSample renders a representative image for a person to look at:
//
//	go test ./plugins/placeholder -run TestSample -sample=/tmp/placeholder-sample.png
func TestSample(t *testing.T) {
	if *sample == "" {
		t.Skip("no -sample path")
	}
	req := newRequest(map[string]cty.Value{
		"size":   cty.StringVal("1536x1024"),
		"prompt": cty.StringVal("Poster: title 'winter sale' at top, the friendly otter mascot in the centre holding a steaming mug, snowflakes drifting, a price tag bottom-right, flat vector illustration, brand blue #0055ff"),
	}, reference("brand/logo.png", encodeImage(t, logo(400, 400))), reference("assets/mascot.png", encodeImage(t, scene(1024, 1024))))
	req.References[1] = withKind(req.References[1], "image", "image.mascot")
	data, _ := generate(t, req)
	if err := os.WriteFile(*sample, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// logo is a blue ring on white: a stand-in for a brand logo.
func logo(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	cx, cy, r := float64(w)/2, float64(h)/2, float64(min(w, h))*0.35
	for y := range h {
		for x := range w {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			c := color.RGBA{255, 255, 255, 255}
			if math.Abs(d-r) < r*0.18 {
				c = color.RGBA{0, 0x55, 0xff, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}

// scene is a sky-to-ground gradient with a sun: a stand-in for a picture.
func scene(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			t := float64(y) / float64(h)
			c := color.RGBA{uint8(80 + 100*t), uint8(150 + 60*t), uint8(230 - 150*t), 255}
			if y > h*2/3 {
				c = color.RGBA{60, uint8(140 - 40*t), 70, 255}
			}
			if math.Hypot(float64(x-w*3/4), float64(y-h/4)) < float64(w)/10 {
				c = color.RGBA{255, 210, 80, 255}
			}
			img.Set(x, y, c)
		}
	}
	return img
}
