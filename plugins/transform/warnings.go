package transform

import (
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// bigWebP is the pixel count past which WebP encoding (libwebp in WASM)
// takes tens of seconds and gigabytes of memory.
const bigWebP = 4096 * 4096

// checkCombinations warns about attributes that are valid alone but have
// no effect, or a surprising one, next to the others.
func (o *options) checkCombinations(req *sdk.Request) sdk.Diagnostics {
	if !o.resizes() {
		return o.withoutResize(req)
	}
	var diags sdk.Diagnostics
	if o.hasPad && o.fit != fitContain {
		diags = append(diags, sdk.Warnf("pad", "Pad has no effect with this fit",
			"pad fills the letterbox of fit = \"contain\"; with fit = %q the image covers the whole box. Remove pad or set fit = \"contain\".", o.fit))
	}
	if o.focal != nil && o.fit != fitCover {
		diags = append(diags, sdk.Warnf("focal_point", "Focal point has no effect with this fit",
			"focal_point chooses what a cover crop keeps; fit = %q crops nothing. Remove focal_point or set fit = \"cover\".", o.fit))
	}
	diags = append(diags, o.checkAnchor()...)
	return append(diags, o.checkOutput(req)...)
}

// checkAnchor warns about an anchor other than center that is not used.
func (o *options) checkAnchor() sdk.Diagnostics {
	switch {
	case o.anchorName == "center" || o.anchorName == "centre":
		return nil
	case o.fit == fitCover && o.focal != nil:
		return sdk.Diagnostics{sdk.Warnf("anchor", "Anchor is overridden by focal_point",
			"With focal_point set, the cover crop is centred on the focal point and anchor %q is ignored. Remove one of them.", o.anchorName)}
	case o.fit == fitFill || (o.fit == fitContain && !o.hasPad):
		return sdk.Diagnostics{sdk.Warnf("anchor", "Anchor has no effect with this fit",
			"anchor places the cover crop, or the image inside a contain letterbox with pad set; here nothing is cropped or padded. Remove anchor.")}
	}
	return nil
}

// withoutResize warns about the attributes that need resize.
func (o *options) withoutResize(req *sdk.Request) sdk.Diagnostics {
	var diags sdk.Diagnostics
	unused := func(attr string) {
		diags = append(diags, sdk.Warnf(attr, "No effect without resize",
			"%s applies when resizing; without resize the image keeps its size (after crop). Add resize = \"WIDTHxHEIGHT\" or remove %s.", attr, attr))
	}
	if o.fit != fitCover {
		unused("fit")
	}
	if o.anchorName != "center" && o.anchorName != "centre" {
		unused("anchor")
	}
	if o.focal != nil {
		unused("focal_point")
	}
	if o.hasPad {
		unused("pad")
	}
	return append(diags, o.checkOutput(req)...)
}

// checkOutput warns about format choices that lose something.
func (o *options) checkOutput(req *sdk.Request) sdk.Diagnostics {
	var diags sdk.Diagnostics
	if _, ok := known(req, "quality", cty.Number); ok && o.format == imagefmt.PNG {
		diags = append(diags, sdk.Warnf("quality", "Quality has no effect on PNG",
			"PNG is lossless, so quality is ignored. Remove it, or write a .jpg or .webp output."))
	}
	if o.hasPad && o.pad.A < 0xff && o.format == imagefmt.JPEG {
		diags = append(diags, sdk.Warnf("pad", "JPEG has no transparency",
			"The pad colour is translucent but JPEG cannot store alpha, so the letterbox comes out darkened. Use an opaque colour, or a .png or .webp output."))
	}
	px := int64(o.width) * int64(o.height)
	if o.format == imagefmt.WebP && px > bigWebP {
		diags = append(diags, sdk.Warnf("resize", "Large WebP output is slow",
			"Encoding a %dx%d WebP takes tens of seconds and up to 2 GB of memory. Use png or jpeg for images larger than 4096x4096.", o.width, o.height))
	}
	if px > imagefmt.MaxPixels {
		diags = append(diags, sdk.Warnf("resize", "Output too large to derive from",
			"A %dx%d image is larger than the 8192x8192 easel reads, so it cannot be the source of another transform.", o.width, o.height))
	}
	return diags
}
