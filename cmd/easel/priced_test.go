package main

import (
	"bytes"
	"context"
	"image"
	"image/png"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// pricedProvider is a third-party provider with prices, served by the test
// binary installed as easel-provider-priced, for budgets and cost reports.
// Its estimate is the image's price attribute (unknown when unset); the
// cost it reports after generating is actual, or the price. Both are test
// knobs that do not change the output, like a price-table update.
type pricedProvider struct{}

func (pricedProvider) Schema() sdk.Schema {
	return sdk.Schema{
		HashVersion: 1,
		Version:     "0.9.0",
		Image: []sdk.Attribute{
			sdk.PromptAttr(false),
			sdk.ModelAttr("p-1"),
			sdk.SizeAttr("32x32"),
			{Name: "quality", Type: cty.String, Default: cty.StringVal("standard")},
			{Name: "price", Type: cty.Number, NoHash: true, Description: "Estimated USD per image; unset: unknown."},
			{Name: "actual", Type: cty.Number, NoHash: true, Description: "USD billed per image; default: price."},
		},
		Models: []sdk.Model{{ID: "p-1", Price: "the price attribute", Status: "active"}},
	}
}

func (pricedProvider) Configure(context.Context, sdk.Config) sdk.Diagnostics { return nil }

func (pricedProvider) EstimateCost(_ context.Context, req *sdk.Request) sdk.Estimate {
	if !req.IsSet("price") {
		return sdk.Estimate{}
	}
	return sdk.Estimate{USD: sdk.USD(req.Float("price")), Detail: "price attribute"}
}

func (pricedProvider) Generate(_ context.Context, req *sdk.Request) (*sdk.Response, error) {
	w, h, err := req.Size()
	if err != nil {
		return nil, &sdk.Error{Kind: sdk.ErrInvalid, Message: err.Error()}
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	shade := uint8(len(req.String("prompt")) * 37)
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = shade, 128, 255-shade, 255
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	resp := &sdk.Response{Image: &buf, MediaType: "image/png"}
	switch {
	case req.IsSet("actual"):
		resp.CostUSD = sdk.USD(req.Float("actual"))
	case req.IsSet("price"):
		resp.CostUSD = sdk.USD(req.Float("price"))
	}
	return resp, nil
}
