package placeholder

import (
	"fmt"
	"image/color"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// The accepted range of each side, in pixels.
const (
	minSide = 16
	maxSide = 8192
)

// options are a request's attributes, checked and with defaults applied.
type options struct {
	width, height int
	format        string
	quality       int // 0: the encoder's default
	background    color.RGBA
	hasBackground bool // set by the user rather than derived
	latency       time.Duration
	prompt        string
}

// parseOptions checks every attribute and reports each problem against it.
// Values not known yet (at plan time) are not checked.
func parseOptions(req *sdk.Request) (options, sdk.Diagnostics) {
	o := options{prompt: req.String("prompt"), format: req.Format}
	var diags sdk.Diagnostics
	diags = append(diags, o.parseSize(req)...)
	diags = append(diags, o.parseFormat(req)...)
	diags = append(diags, o.parseQuality(req)...)
	diags = append(diags, o.parseBackground(req)...)
	diags = append(diags, o.parseLatency(req)...)
	diags = append(diags, o.checkCost()...)
	return o, diags
}

// bigWebP is the pixel count past which WebP encoding (libwebp in WASM)
// takes tens of seconds and gigabytes of memory.
const bigWebP = 4096 * 4096

// checkCost warns about a request that is valid but slow to render.
func (o *options) checkCost() sdk.Diagnostics {
	if o.format != imagefmt.WebP || o.width*o.height <= bigWebP {
		return nil
	}
	return sdk.Diagnostics{sdk.Warnf("size", "Large WebP placeholder is slow",
		"Encoding a %dx%d WebP takes tens of seconds and up to 2 GB of memory. Use png or jpeg for placeholders larger than 4096x4096.", o.width, o.height)}
}

// known returns a string attribute that is set and known.
func known(req *sdk.Request, name string) (cty.Value, bool) {
	v := req.Get(name)
	return v, v != cty.NilVal && v.IsKnown() && !v.IsNull()
}

func (o *options) parseSize(req *sdk.Request) sdk.Diagnostics {
	if _, ok := known(req, "size"); !ok {
		return nil
	}
	w, h, err := req.Size()
	if err != nil {
		return sdk.Diagnostics{sdk.Errorf("size", "Invalid size",
			"%s. Give the size as WIDTHxHEIGHT in pixels, each side from %d to %d, such as \"1536x1024\".", capitalise(err.Error()), minSide, maxSide)}
	}
	if w < minSide || h < minSide || w > maxSide || h > maxSide {
		return sdk.Diagnostics{sdk.Errorf("size", "Unsupported size for the placeholder provider",
			"Size %dx%d is out of range: each side must be from %d to %d pixels, such as \"1536x1024\".", w, h, minSide, maxSide)}
	}
	o.width, o.height = w, h
	return nil
}

func (o *options) parseFormat(req *sdk.Request) sdk.Diagnostics {
	if req.Format != "" && !imagefmt.Encodable(req.Format) {
		return sdk.Diagnostics{sdk.Errorf("output", "Unsupported output format",
			"The output path %q is a %s file, which the placeholder provider does not write: end it in .png, .jpg or .webp.", req.OutputPath, strings.ToUpper(req.Format))}
	}
	v, ok := known(req, "format")
	if !ok {
		return o.defaultFormat()
	}
	f := strings.ToLower(v.AsString())
	if f == "jpg" {
		f = imagefmt.JPEG
	}
	if !imagefmt.Encodable(f) {
		return sdk.Diagnostics{sdk.Errorf("format", "Unsupported format",
			"Format %q is not one the placeholder provider writes: use \"png\", \"jpeg\" or \"webp\", or leave format unset to follow the output path's extension.", v.AsString())}
	}
	o.format = f
	return nil
}

// defaultFormat follows the output path's extension, PNG when it has none.
func (o *options) defaultFormat() sdk.Diagnostics {
	if o.format == "" {
		o.format = imagefmt.PNG
	}
	if !imagefmt.Encodable(o.format) {
		return sdk.Diagnostics{sdk.Errorf("format", "Unsupported output format",
			"The output path asks for %q, which the placeholder provider does not write: end the output path in .png, .jpg or .webp, or set format.", o.format)}
	}
	return nil
}

func (o *options) parseQuality(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "quality")
	if !ok {
		return nil
	}
	bf := v.AsBigFloat()
	q, acc := bf.Int64()
	if acc != big.Exact || q < 1 || q > 100 {
		return sdk.Diagnostics{sdk.Errorf("quality", "Invalid quality",
			"Quality %s is not a whole number from 1 to 100; 90 is the default and a good balance of size and fidelity.", bf.Text('g', 10))}
	}
	o.quality = int(q)
	if o.format == imagefmt.PNG {
		return sdk.Diagnostics{sdk.Warnf("quality", "Quality has no effect on PNG",
			"PNG is lossless, so quality is ignored. Remove it, or set format to \"jpeg\" or \"webp\".")}
	}
	return nil
}

func (o *options) parseBackground(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "background")
	if !ok {
		return nil
	}
	c, err := parseHex(v.AsString())
	if err != nil {
		return sdk.Diagnostics{sdk.Errorf("background", "Invalid background colour",
			"Background %q is not a colour as \"#rrggbb\", such as \"#e8d5b7\". Leave it unset for a colour derived from the image's inputs.", v.AsString())}
	}
	o.background, o.hasBackground = c, true
	return nil
}

func parseHex(s string) (color.RGBA, error) {
	hex, ok := strings.CutPrefix(s, "#")
	if !ok || len(hex) != 6 {
		return color.RGBA{}, fmt.Errorf("not #rrggbb")
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return color.RGBA{}, err
	}
	return color.RGBA{uint8(n >> 16), uint8(n >> 8), uint8(n), 0xff}, nil
}

func (o *options) parseLatency(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "latency")
	if !ok {
		return nil
	}
	d, err := time.ParseDuration(strings.TrimSpace(v.AsString()))
	if err != nil || d < 0 {
		return sdk.Diagnostics{sdk.Errorf("latency", "Invalid latency",
			"Latency %q is not a duration: write a non-negative number with a unit, such as \"200ms\", \"2s\" or \"1m30s\".", v.AsString())}
	}
	o.latency = d
	return nil
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
