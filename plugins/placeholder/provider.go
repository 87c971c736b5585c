package placeholder

import (
	"bytes"
	"context"
	"fmt"

	"github.com/easelhq/easel/internal/ctxtime"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// modelID is the only "model": a label for the renderer, not a network model.
const modelID = "placeholder-1"

// provider is stateless: every request carries all it needs.
type provider struct{}

var (
	_ sdk.Provider  = provider{}
	_ sdk.Validator = provider{}
	_ sdk.Estimator = provider{}
)

// New returns the placeholder provider.
func New() sdk.Provider { return provider{} }

// Schema declares no provider attributes and the image attributes below.
func (provider) Schema() sdk.Schema {
	return sdk.Schema{
		HashVersion: 1,
		Version:     "0.1.0",
		Image: []sdk.Attribute{
			sdk.PromptAttr(false),
			sizeAttr(),
			sdk.ModelAttr(modelID),
			{Name: "format", Type: cty.String, Description: "Output format, png, jpeg or webp; overrides the output path's extension."},
			{Name: "quality", Type: cty.Number, Description: "JPEG or WebP quality, 1 to 100 (default 90)."},
			{Name: "background", Type: cty.String, Description: `Background colour as "#rrggbb"; by default it is derived from the spec hash.`},
			{Name: "latency", Type: cty.String, NoHash: true, Description: `Simulated model latency, such as "200ms" or "2s".`},
		},
		Models: []sdk.Model{{
			ID:          modelID,
			Description: "Offline wireframe renderer: address, prompt, size and reference thumbnails on a colour from the spec hash.",
			SizeRule:    fmt.Sprintf("any WIDTHxHEIGHT, %d to %d pixels per side", minSide, maxSide),
			Formats:     []string{imagefmt.PNG, imagefmt.JPEG, imagefmt.WebP},
			Price:       "free",
			Status:      "active",
			Source:      "built into easel",
			AsOf:        "2026-11-26",
		}},
	}
}

func sizeAttr() sdk.Attribute {
	a := sdk.SizeAttr("")
	a.Description = fmt.Sprintf("Output size as WIDTHxHEIGHT, %d to %d pixels per side, such as 1536x1024.", minSide, maxSide)
	return a
}

// Configure accepts any (empty) provider block.
func (provider) Configure(context.Context, sdk.Config) sdk.Diagnostics { return nil }

// ValidateImage checks size, format, quality, background and latency.
func (provider) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	_, diags := parseOptions(req)
	return diags
}

// EstimateCost is always zero: nothing is billed.
func (provider) EstimateCost(context.Context, *sdk.Request) sdk.Estimate {
	return sdk.Estimate{USD: sdk.USD(0), Detail: "placeholder: free"}
}

// Generate waits the simulated latency, then renders and encodes the image.
func (provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	opts, diags := parseOptions(req)
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	if err := ctxtime.Sleep(ctx, opts.latency); err != nil {
		return nil, err
	}
	img, err := render(ctx, opts, req)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := imagefmt.Encode(&buf, img, opts.format, opts.quality); err != nil {
		return nil, fmt.Errorf("placeholder %s: %w", req.Address, err)
	}
	return &sdk.Response{
		Image:     &buf,
		MediaType: imagefmt.MediaType(opts.format),
		CostUSD:   sdk.USD(0),
		Metadata:  map[string]string{"renderer": modelID},
		Warnings:  diags.Warnings(),
	}, nil
}
