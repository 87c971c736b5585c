// Command easel-provider-solid is a complete third-party easel provider:
// it paints each image in one colour. Build it as easel-provider-solid, put
// it in .easel/plugins/ or on PATH, and run `easel init` to pin it.
package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

type solid struct{}

func (solid) Schema() sdk.Schema {
	return sdk.Schema{HashVersion: 1, Version: "1.0.0", Image: []sdk.Attribute{
		sdk.SizeAttr(""),
		{Name: "color", Type: cty.String, Required: true, Description: "Fill colour as #rrggbb."},
	}}
}

func (solid) Configure(context.Context, sdk.Config) sdk.Diagnostics { return nil }

// ValidateImage runs at plan time, so mistakes cost nothing.
func (solid) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	var diags sdk.Diagnostics
	if _, _, err := req.Size(); err != nil {
		diags = append(diags, sdk.Errorf("size", "Invalid size", "%v", err))
	}
	if _, err := parseColor(req.String("color")); err != nil {
		diags = append(diags, sdk.Errorf("color", "Invalid color", "%v; use #rrggbb, such as #ff8800.", err))
	}
	if req.Format == "webp" {
		diags = append(diags, sdk.Errorf("", "WebP is not supported", "solid writes PNG and JPEG; name the output .png or .jpg."))
	}
	return diags
}

func (solid) Generate(_ context.Context, req *sdk.Request) (*sdk.Response, error) {
	w, h, _ := req.Size()
	c, _ := parseColor(req.String("color"))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{}, draw.Src)
	var buf bytes.Buffer
	var err error
	if req.Format == "jpeg" {
		err = jpeg.Encode(&buf, img, nil)
	} else {
		err = png.Encode(&buf, img)
	}
	return &sdk.Response{Image: &buf, MediaType: "image/" + req.Format, CostUSD: sdk.USD(0)}, err
}

func parseColor(s string) (color.RGBA, error) {
	c := color.RGBA{A: 255}
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &c.R, &c.G, &c.B); err != nil || len(s) != 7 {
		return c, fmt.Errorf("%q is not a #rrggbb colour", s)
	}
	return c, nil
}

func main() { sdk.Serve(solid{}) }
