package transform

import (
	"fmt"
	"image"
	"image/color"
	"math/big"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// maxSide is the largest output side resize accepts, in pixels.
const maxSide = 16384

// The fit modes.
const (
	fitContain = "contain"
	fitCover   = "cover"
	fitFill    = "fill"
)

// options are a request's attributes, checked and with defaults applied.
type options struct {
	width, height int // the resize box; 0 when resize is unset
	fit           string
	anchorName    string
	anchor        fraction  // where the cover window or the letterbox content sits
	focal         *fraction // overrides anchor for cover
	crop          image.Rectangle
	hasCrop       bool
	pad           color.NRGBA
	hasPad        bool
	format        string
	quality       int // 0: the encoder's default
	filter        filter
}

// fraction is a point as fractions of a width and a height, 0 to 1.
type fraction struct{ x, y float64 }

// resizes reports whether resize was given.
func (o *options) resizes() bool { return o.width > 0 }

// parseOptions checks every attribute and reports each problem against it.
// Values not known yet (at plan time) are not checked.
func parseOptions(req *sdk.Request) (options, sdk.Diagnostics) {
	o := options{fit: fitCover, anchorName: "center", anchor: fraction{0.5, 0.5}, filter: catmullRom()}
	var diags sdk.Diagnostics
	for _, parse := range []func(*sdk.Request) sdk.Diagnostics{
		o.parseSource, o.parseResize, o.parseFit, o.parseAnchor, o.parseFocalPoint,
		o.parseCrop, o.parsePad, o.parseFormat, o.parseQuality, o.parseStrip, o.parseFilter,
	} {
		diags = append(diags, parse(req)...)
	}
	return o, append(diags, o.checkCombinations(req)...)
}

// known returns an attribute that is set, known and of type ty (the engine
// converts every value to the schema's type; anything else counts as unset).
func known(req *sdk.Request, name string, ty cty.Type) (cty.Value, bool) {
	v := req.Get(name)
	return v, v != cty.NilVal && v.IsKnown() && !v.IsNull() && v.Type().Equals(ty)
}

func (o *options) parseSource(req *sdk.Request) sdk.Diagnostics {
	switch {
	case len(req.References) == 0:
		return sdk.Diagnostics{sdk.Errorf("source", "Missing source image",
			"transform needs a source = image.NAME or a file path, such as source = image.hero or source = \"brand/photo.jpg\".")}
	case len(req.References) > 1:
		return sdk.Diagnostics{sdk.Warnf("references", "References are ignored by transform",
			"transform derives its image from source alone; the other %d references have no effect. Remove references from this image.", len(req.References)-1)}
	}
	return checkSourceFile(req.References[0])
}

// checkSourceFile refuses a source that is not an image transform reads,
// before anything is generated: a file by its extension, any source by its
// media type (an upstream image's comes from its output path).
func checkSourceFile(ref sdk.Reference) sdk.Diagnostics {
	if ref.MediaType == imagefmt.MediaType(imagefmt.SVG) {
		return sdk.Diagnostics{sdk.Errorf("source", "Unsupported source format",
			"%s is an SVG, a vector image that transform does not rasterize; transform reads PNG, JPEG, WebP and GIF images. Use a raster source.", ref.Name)}
	}
	ext := path.Ext(ref.Name)
	if f, ok := imagefmt.FormatFromPath(ref.Name); (ok && f != imagefmt.SVG) || ref.Kind != "file" || ext == "" {
		return nil
	}
	return sdk.Diagnostics{sdk.Errorf("source", "Unsupported source format",
		"%s is a %s file; transform reads PNG, JPEG, WebP and GIF images. Convert it to one of those first.", ref.Name, ext)}
}

func (o *options) parseResize(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "resize", cty.String)
	if !ok {
		return nil
	}
	w, h, err := sdk.ParseSize(v.AsString())
	if err != nil {
		return sdk.Diagnostics{sdk.Errorf("resize", "Invalid resize",
			"Resize %q is not WIDTHxHEIGHT in pixels: write it as \"1500x500\", each side from 1 to %d.", v.AsString(), maxSide)}
	}
	if w > maxSide || h > maxSide {
		return sdk.Diagnostics{sdk.Errorf("resize", "Resize too large",
			"Resize %dx%d is out of range: each side must be at most %d pixels.", w, h, maxSide)}
	}
	o.width, o.height = w, h
	return nil
}

func (o *options) parseFit(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "fit", cty.String)
	if !ok {
		return nil
	}
	switch f := strings.ToLower(v.AsString()); f {
	case fitContain, fitCover, fitFill:
		o.fit = f
		return nil
	}
	return sdk.Diagnostics{sdk.Errorf("fit", "Invalid fit",
		"Fit %q is not one of \"cover\" (fill the box, cropping the overflow; the default), \"contain\" (fit inside the box, whole image kept) or \"fill\" (stretch to the box).", v.AsString())}
}

// anchorFraction maps an anchor name to its position.
func anchorFraction(name string) (fraction, bool) {
	switch name {
	case "center", "centre":
		return fraction{0.5, 0.5}, true
	case "top":
		return fraction{0.5, 0}, true
	case "bottom":
		return fraction{0.5, 1}, true
	case "left":
		return fraction{0, 0.5}, true
	case "right":
		return fraction{1, 0.5}, true
	case "top-left":
		return fraction{0, 0}, true
	case "top-right":
		return fraction{1, 0}, true
	case "bottom-left":
		return fraction{0, 1}, true
	case "bottom-right":
		return fraction{1, 1}, true
	}
	return fraction{}, false
}

func (o *options) parseAnchor(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "anchor", cty.String)
	if !ok {
		return nil
	}
	name := strings.ToLower(strings.TrimSpace(v.AsString()))
	a, ok := anchorFraction(name)
	if !ok {
		return sdk.Diagnostics{sdk.Errorf("anchor", "Invalid anchor",
			"Anchor %q is not one of center, top, bottom, left, right, top-left, top-right, bottom-left or bottom-right. For any other point, use focal_point = [x, y] with fractions from 0 to 1.", v.AsString())}
	}
	o.anchorName, o.anchor = name, a
	return nil
}

func (o *options) parseFocalPoint(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "focal_point", cty.List(cty.Number))
	if !ok || !v.IsWhollyKnown() {
		return nil
	}
	bad := sdk.Diagnostics{sdk.Errorf("focal_point", "Invalid focal point",
		"focal_point must be two fractions [x, y] from 0 to 1 of the source's width and height, such as [0.5, 0.3] for the centre of the upper third.")}
	if !v.CanIterateElements() || v.LengthInt() != 2 {
		return bad
	}
	var xy [2]float64
	for i, e := range v.AsValueSlice() {
		if e.IsNull() || e.Type() != cty.Number {
			return bad
		}
		f, _ := e.AsBigFloat().Float64()
		if f < 0 || f > 1 {
			return bad
		}
		xy[i] = f
	}
	o.focal = &fraction{xy[0], xy[1]}
	return nil
}

// cropPattern is ImageMagick's geometry: WIDTHxHEIGHT+X+Y.
var cropPattern = regexp.MustCompile(`^(\d+)x(\d+)\+(\d+)\+(\d+)$`)

func (o *options) parseCrop(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "crop", cty.String)
	if !ok {
		return nil
	}
	m := cropPattern.FindStringSubmatch(strings.TrimSpace(v.AsString()))
	var n [4]int
	for i := 0; m != nil && i < 4; i++ {
		var err error
		if n[i], err = strconv.Atoi(m[i+1]); err != nil || n[i] > imagefmt.MaxPixels {
			m = nil
		}
	}
	if m == nil || n[0] == 0 || n[1] == 0 {
		return sdk.Diagnostics{sdk.Errorf("crop", "Invalid crop",
			"Crop %q is not WIDTHxHEIGHT+X+Y in source pixels: write \"800x600+100+50\" for an 800x600 region whose top-left corner is 100 pixels from the left and 50 from the top.", v.AsString())}
	}
	o.crop, o.hasCrop = image.Rect(n[2], n[3], n[2]+n[0], n[3]+n[1]), true
	return nil
}

func (o *options) parsePad(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "pad", cty.String)
	if !ok {
		return nil
	}
	c, err := parseHex(v.AsString())
	if err != nil {
		return sdk.Diagnostics{sdk.Errorf("pad", "Invalid pad colour",
			"Pad %q is not a colour as \"#rrggbb\" or \"#rrggbbaa\", such as \"#ffffff\" or \"#00000000\" for transparent.", v.AsString())}
	}
	o.pad, o.hasPad = c, true
	return nil
}

// parseHex parses "#rrggbb" or "#rrggbbaa".
func parseHex(s string) (color.NRGBA, error) {
	hex, ok := strings.CutPrefix(strings.TrimSpace(s), "#")
	if !ok || (len(hex) != 6 && len(hex) != 8) {
		return color.NRGBA{}, fmt.Errorf("colour %q is not #rrggbb or #rrggbbaa", s)
	}
	if len(hex) == 6 {
		hex += "ff"
	}
	n, err := strconv.ParseUint(hex, 16, 32)
	if err != nil {
		return color.NRGBA{}, fmt.Errorf("colour %q: %w", s, err)
	}
	return color.NRGBA{uint8(n >> 24), uint8(n >> 16), uint8(n >> 8), uint8(n)}, nil
}

func (o *options) parseFormat(req *sdk.Request) sdk.Diagnostics {
	o.format = req.Format
	v, ok := known(req, "format", cty.String)
	if !ok {
		return o.defaultFormat(req)
	}
	f := normalFormat(v.AsString())
	if !imagefmt.Encodable(f) {
		return sdk.Diagnostics{sdk.Errorf("format", "Unsupported format",
			"Format %q is not one transform writes: use \"png\", \"jpeg\" or \"webp\", or leave format unset to follow the output path's extension.", v.AsString())}
	}
	if req.Format != "" && f != req.Format {
		return sdk.Diagnostics{sdk.Errorf("format", "Format does not match the output path",
			"format = %q, but the output path %q is a %s file. Change the output's extension, or remove format: it follows the extension.", v.AsString(), req.OutputPath, req.Format)}
	}
	o.format = f
	return nil
}

func normalFormat(s string) string {
	f := strings.ToLower(strings.TrimSpace(s))
	if f == "jpg" {
		return imagefmt.JPEG
	}
	return f
}

// defaultFormat follows the output path's extension, PNG when it has none.
// easel rejects extensions it does not know before any provider sees
// them; of those it knows, transform does not write GIF and SVG.
func (o *options) defaultFormat(req *sdk.Request) sdk.Diagnostics {
	if ext := path.Ext(req.OutputPath); (o.format == "" || !imagefmt.Encodable(o.format)) && ext != "" {
		return sdk.Diagnostics{sdk.Errorf("output", "Unsupported output format",
			"The output path ends in %q, which transform does not write: end it in .png, .jpg or .webp.", ext)}
	}
	if o.format == "" {
		o.format = imagefmt.PNG
	}
	return nil
}

func (o *options) parseQuality(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "quality", cty.Number)
	if !ok {
		return nil
	}
	bf := v.AsBigFloat()
	q, acc := bf.Int64()
	if acc != big.Exact || q < 1 || q > 100 {
		return sdk.Diagnostics{sdk.Errorf("quality", "Invalid quality",
			"Quality %s is not a whole number from 1 to 100; %d is the default and a good balance of size and fidelity.", bf.Text('g', 10), imagefmt.DefaultQuality)}
	}
	o.quality = int(q)
	return nil
}

func (o *options) parseStrip(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "strip_metadata", cty.Bool)
	if !ok || v.True() {
		return nil
	}
	return sdk.Diagnostics{sdk.Warnf("strip_metadata", "Metadata is always stripped",
		"transform re-encodes every image, so the source's EXIF, XMP and ICC profile are dropped even with strip_metadata = false; keeping them is not supported. Remove strip_metadata to silence this warning.")}
}

func (o *options) parseFilter(req *sdk.Request) sdk.Diagnostics {
	v, ok := known(req, "filter", cty.String)
	if !ok {
		return nil
	}
	f, ok := filterNamed(strings.ToLower(strings.TrimSpace(v.AsString())))
	if !ok {
		return sdk.Diagnostics{sdk.Errorf("filter", "Unknown filter",
			"Filter %q is not one of %s. Catmull-Rom, the default, is sharp and fast enough for most images.", v.AsString(), strings.Join(filterNames(), ", "))}
	}
	o.filter = f
	return nil
}
