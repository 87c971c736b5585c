package stability

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// spec is one image request resolved against the model table.
type spec struct {
	modelID  string
	model    *Model // nil: unknown
	endpoint string
	prompt   string
	negative string
	ratio    string
	style    string
	seed     int64  // 0: none sent (random)
	strength string // as sent, "" when unset
	format   string // the output file's format
	request  string // output_format sent: format, or png where the model has no webp
	refs     []sdk.Reference
}

const maxPrompt = 10000

// ValidateImage checks one image locally, reporting every problem against
// its attribute.
func (p *Provider) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	_, diags := resolve(req)
	return diags
}

func resolve(req *sdk.Request) (*spec, sdk.Diagnostics) {
	s := &spec{modelID: known(req, "model"), prompt: known(req, "prompt"), negative: known(req, "negative_prompt"),
		ratio: known(req, "aspect_ratio"), style: known(req, "style_preset"), format: req.Format, refs: req.References}
	if s.format == "" {
		s.format = "png"
	}
	if m, ok := Lookup(s.modelID); ok {
		s.model = &m
	}
	var diags sdk.Diagnostics
	diags = append(diags, s.checkModel()...)
	diags = append(diags, s.checkPrompts(req)...)
	diags = append(diags, s.checkRatio()...)
	diags = append(diags, s.checkStyle()...)
	diags = append(diags, s.checkSeed(req)...)
	diags = append(diags, s.checkReference(req)...)
	return s, diags
}

func known(req *sdk.Request, name string) string {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// knownNumber returns a number attribute when set and known.
func knownNumber(req *sdk.Request, name string) (*big.Float, bool) {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return nil, false
	}
	return v.AsBigFloat(), true
}

// checkModel resolves the endpoint: the table's, or for an unknown model
// sd3 when its name says SD3, else an endpoint of its name.
func (s *spec) checkModel() sdk.Diagnostics {
	switch m := s.model; {
	case s.modelID == "":
		return nil
	case m != nil:
		s.endpoint, s.request = m.Endpoint, s.format
		if !slices.Contains(m.Formats, s.format) {
			s.request = "png" // converted locally
		}
		return nil
	case strings.HasPrefix(s.modelID, "sd3"):
		s.endpoint = "sd3"
	default:
		s.endpoint = s.modelID
	}
	s.request = s.format
	return sdk.Diagnostics{sdk.Warnf("model", "Unknown Stability model",
		"easel does not know %q: it is sent to /v2beta/stable-image/generate/%s unchecked and its cost is unknown. Known models: %s.",
		s.modelID, s.endpoint, strings.Join(modelIDs(), ", "))}
}

func (s *spec) checkPrompts(req *sdk.Request) sdk.Diagnostics {
	var diags sdk.Diagnostics
	if v := req.Get("prompt"); v != cty.NilVal && !v.IsNull() && v.IsKnown() && strings.TrimSpace(s.prompt) == "" {
		diags = append(diags, sdk.Errorf("prompt", "Empty prompt", "Stability needs a prompt that says what the image should show."))
	}
	for _, a := range []struct{ name, text string }{{"prompt", s.prompt}, {"negative_prompt", s.negative}} {
		if n := utf8.RuneCountInString(a.text); n > maxPrompt {
			diags = append(diags, sdk.Errorf(a.name, fmt.Sprintf("%s too long", a.name),
				"It has %d characters; Stability takes at most %d. Shorten it by %d.", n, maxPrompt, n-maxPrompt))
		}
	}
	return diags
}

func (s *spec) checkRatio() sdk.Diagnostics {
	switch {
	case s.ratio == "":
		return nil
	case !slices.Contains(AspectRatios(), s.ratio):
		return sdk.Diagnostics{sdk.Errorf("aspect_ratio", "Unsupported aspect_ratio", "Stability takes aspect_ratio %s, not %q.", orList(AspectRatios()), s.ratio)}
	case len(s.refs) > 0:
		return sdk.Diagnostics{sdk.Errorf("aspect_ratio", "aspect_ratio cannot be used with a reference image",
			"With a reference image the result follows the reference's shape. Remove aspect_ratio, or the reference.")}
	}
	return nil
}

func (s *spec) checkStyle() sdk.Diagnostics {
	switch {
	case s.style == "":
		return nil
	case s.model != nil && !s.model.StylePreset:
		return sdk.Diagnostics{sdk.Errorf("style_preset", fmt.Sprintf("style_preset is not supported by %s", s.model.ID),
			"Remove style_preset, or use core or an sd3.5 model.")}
	case !slices.Contains(StylePresets(), s.style):
		return sdk.Diagnostics{sdk.Warnf("style_preset", "Unknown style_preset",
			"easel does not know style_preset %q; it is sent as is. Known presets: %s.", s.style, strings.Join(StylePresets(), ", "))}
	}
	return nil
}

// checkSeed reads seed. Unset, the seed is derived from the spec hash: the
// same spec asks for the same picture, and each candidate of an image
// (which has its own spec hash) for another one. 0 asks for a random one.
func (s *spec) checkSeed(req *sdk.Request) sdk.Diagnostics {
	f, ok := knownNumber(req, "seed")
	if !ok {
		if v := req.Get("seed"); v == cty.NilVal || v.IsNull() {
			s.seed = seedOf(req.SpecHash)
		}
		return nil
	}
	n, acc := f.Int64()
	if acc != big.Exact || n < 0 || n > maxSeed {
		return sdk.Diagnostics{sdk.Errorf("seed", "Invalid seed", "seed is a whole number from 0 to 4294967294 (0 means random).")}
	}
	s.seed = n
	return nil
}

const maxSeed = 4294967294

// seedOf is a seed from 1 to maxSeed taken from a spec hash
// ("sha256:<hex>"); 0 (random) without one.
func seedOf(specHash string) int64 {
	hexDigits := strings.TrimPrefix(specHash, "sha256:")
	if len(hexDigits) < 16 {
		return 0
	}
	n, err := strconv.ParseUint(hexDigits[:16], 16, 64)
	if err != nil {
		return 0
	}
	return int64(n%maxSeed) + 1
}

// checkReference checks the one reference image an endpoint may take,
// with its strength, and what is known of its size at plan time.
func (s *spec) checkReference(req *sdk.Request) sdk.Diagnostics {
	f, hasStrength := knownNumber(req, "strength")
	if hasStrength {
		v, _ := f.Float64()
		s.strength = f.Text('f', -1)
		if v < 0 || v > 1 {
			return sdk.Diagnostics{sdk.Errorf("strength", "Invalid strength", "strength is a number from 0 to 1, not %s.", s.strength)}
		}
	}
	switch {
	case len(s.refs) == 0 && hasStrength:
		return sdk.Diagnostics{sdk.Errorf("strength", "strength needs a reference image",
			"strength says how far to move from a reference image, and this image has none. Add one reference or remove strength.")}
	case len(s.refs) == 0:
		return nil
	case s.model != nil && !s.model.ImageInput:
		return sdk.Diagnostics{sdk.Errorf("references", fmt.Sprintf("%s does not take a reference image", s.model.ID),
			"Use ultra or an sd3.5 model for image-to-image, or remove the references.")}
	case len(s.refs) > 1:
		return sdk.Diagnostics{sdk.Errorf("references", "Stability takes one reference image",
			"This image has %d references; the generate endpoints take a single image. Keep one.", len(s.refs))}
	case req.Get("strength") != cty.NilVal && req.Get("strength").IsKnown() && !hasStrength:
		return sdk.Diagnostics{sdk.Errorf("strength", "strength is required with a reference image",
			"Set strength from 0 (keep the reference) to 1 (ignore it), such as 0.6.")}
	}
	return checkRefImage(s.refs[0])
}

// checkRefImage checks the reference's kind and type, and warns about a
// size Stability's API reference rejects (at least 64 px a side, at most
// 9,437,184 pixels, aspect ratio within 1:2.5 and 2.5:1; not confirmed in
// our notes).
func checkRefImage(r sdk.Reference) sdk.Diagnostics {
	name := fmt.Sprintf("The reference (%s)", r.Name)
	switch {
	case r.MediaType != "" && !slices.Contains([]string{"image/png", "image/jpeg", "image/webp"}, r.MediaType):
		return sdk.Diagnostics{sdk.Errorf("references", "Unsupported reference image type", "%s is %s; Stability takes PNG, JPEG or WebP.", name, r.MediaType)}
	case r.Width == 0 || r.Height == 0:
		return nil
	case r.Width < 64 || r.Height < 64, r.Width*r.Height > 9_437_184, 2*r.Width > 5*r.Height, 2*r.Height > 5*r.Width:
		return sdk.Diagnostics{sdk.Warnf("references", "Stability may reject this reference image",
			"%s is %dx%d. Stability's API reference asks for at least 64 px a side, at most 9,437,184 pixels and an aspect ratio within 1:2.5 and 2.5:1.", name, r.Width, r.Height)}
	}
	return nil
}

func orList(values []string) string {
	if len(values) <= 1 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
