package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// solidProvider is a minimal third-party provider, served by the test
// binary installed as easel-provider-solid: it paints the requested size in
// one colour, and refuses black at apply time. It exercises discovery, checksum pins and `easel init`.
type solidProvider struct{}

func (solidProvider) Schema() sdk.Schema {
	return sdk.Schema{
		HashVersion: 1,
		Version:     "1.2.3",
		Image: []sdk.Attribute{
			sdk.SizeAttr("32x32"),
			{Name: "colour", Type: cty.String, Default: cty.StringVal("#3366cc"), Description: "Fill colour, #rrggbb."},
		},
	}
}

func (solidProvider) Configure(context.Context, sdk.Config) sdk.Diagnostics { return nil }

func (solidProvider) Generate(_ context.Context, req *sdk.Request) (*sdk.Response, error) {
	w, h, err := req.Size()
	if err != nil {
		return nil, &sdk.Error{Kind: sdk.ErrInvalid, Message: err.Error()}
	}
	var c color.RGBA
	c.A = 0xff
	if _, err := fmt.Sscanf(req.String("colour"), "#%02x%02x%02x", &c.R, &c.G, &c.B); err != nil {
		return nil, &sdk.Error{Kind: sdk.ErrInvalid, Message: "colour must be #rrggbb"}
	}
	if c == (color.RGBA{A: 0xff}) {
		return nil, &sdk.Error{Kind: sdk.ErrRefused, Message: "black is refused", Hint: "pick another colour"}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &sdk.Response{Image: &buf, MediaType: "image/png", CostUSD: sdk.USD(0)}, nil
}
