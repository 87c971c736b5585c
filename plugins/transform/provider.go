package transform

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"strings"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// provider keeps no state but the last decoded source: every request
// carries all it needs.
type provider struct {
	sources *sources
}

var (
	_ sdk.Provider  = provider{}
	_ sdk.Validator = provider{}
	_ sdk.Estimator = provider{}
)

// New returns the transform provider.
func New() sdk.Provider { return provider{sources: &sources{}} }

// Schema declares no provider attributes and no models. source is the
// engine's: it arrives as the request's first reference.
func (provider) Schema() sdk.Schema {
	return sdk.Schema{
		HashVersion: 1,
		Version:     "0.1.0",
		Image: []sdk.Attribute{
			{Name: "resize", Type: cty.String, Description: fmt.Sprintf("Output size as WIDTHxHEIGHT, up to %d per side, such as \"1500x500\". Unset: keep the (cropped) source's size.", maxSide)},
			{Name: "fit", Type: cty.String, Default: cty.StringVal(fitCover), Description: "How the source fills the resize box: \"cover\" (crop the overflow), \"contain\" (fit inside; letterboxed with pad) or \"fill\" (stretch)."},
			{Name: "anchor", Type: cty.String, Default: cty.StringVal("center"), Description: "What a cover crop keeps, or where contain places the image inside a padded box: center, top, bottom, left, right, top-left, top-right, bottom-left or bottom-right."},
			{Name: "focal_point", Type: cty.List(cty.Number), Description: "[x, y] fractions 0 to 1 of the source: the point a cover crop centres on. Overrides anchor."},
			{Name: "crop", Type: cty.String, Description: "A region of the source, WIDTHxHEIGHT+X+Y in source pixels, cut before resizing."},
			{Name: "pad", Type: cty.String, Description: "Letterbox colour for fit = \"contain\", \"#rrggbb\" or \"#rrggbbaa\". Unset: the output is the scaled image, with no letterbox."},
			{Name: "format", Type: cty.String, Description: "png, jpeg or webp. It must match the output path's extension, which decides the format when unset."},
			{Name: "quality", Type: cty.Number, Description: fmt.Sprintf("JPEG or WebP quality, 1 to 100 (default %d).", imagefmt.DefaultQuality)},
			{Name: "strip_metadata", Type: cty.Bool, Default: cty.True, NoHash: true, Description: "Metadata (EXIF, XMP, ICC profile) is always stripped because every image is re-encoded; false is not supported."},
			{Name: "filter", Type: cty.String, Default: cty.StringVal(filterCatmullRom), Description: "Resampling filter: " + strings.Join(filterNames(), ", ") + "."},
		},
	}
}

// Configure accepts the (empty) provider block.
func (provider) Configure(context.Context, sdk.Config) sdk.Diagnostics { return nil }

// ValidateImage checks every attribute and that there is a source.
func (provider) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	_, diags := parseOptions(req)
	return diags
}

// EstimateCost is always zero: everything happens locally.
func (provider) EstimateCost(context.Context, *sdk.Request) sdk.Estimate {
	return sdk.Estimate{USD: sdk.USD(0), Detail: "transform: local, free"}
}

// Generate decodes the source, renders the derived image and encodes it.
func (p provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	opts, diags := parseOptions(req)
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	ref := req.References[0]
	img, err := p.derive(ctx, ref, opts)
	if err != nil {
		return nil, fmt.Errorf("transform %s: %w", req.Address, err)
	}
	var buf bytes.Buffer
	if err := imagefmt.Encode(&buf, img, opts.format, opts.quality); err != nil {
		return nil, fmt.Errorf("transform %s: %w", req.Address, err)
	}
	return &sdk.Response{
		Image:     &buf,
		MediaType: imagefmt.MediaType(opts.format),
		CostUSD:   sdk.USD(0),
		Metadata:  map[string]string{"source_sha256": ref.SHA256, "filter": opts.filter.name},
		Warnings:  diags.Warnings(),
	}, nil
}

// derive decodes the source, or takes it from the last call, and renders
// the output.
func (p provider) derive(ctx context.Context, ref sdk.Reference, opts options) (image.Image, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	src, err := p.sources.get(ctx, ref)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return render(ctx, src, opts)
}
