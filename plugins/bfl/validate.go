package bfl

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// spec is one image request resolved against the model table. Unset or
// not-yet-known values are zero (has* says which numbers are set).
type spec struct {
	modelID       string
	model         *Model // nil: unknown model
	prompt        string
	size          string
	width, height int // the size sent: size, or the model's default
	ratio         string
	seed          int64
	hasSeed       bool
	tolerance     int64
	hasTolerance  bool
	upsampling    *bool
	raw           *bool
	strength      *float64
	steps         *int64
	guidance      *float64
	// format is what the output file asks for; send what BFL is asked for
	// (png when the output is webp, converted locally).
	format, send string
	refs         []sdk.Reference
}

// ValidateImage checks one image locally, reporting every problem against
// its attribute.
func (p *Provider) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	_, diags := resolve(req)
	return diags
}

// resolve reads a request's attributes and checks them against its model.
func resolve(req *sdk.Request) (*spec, sdk.Diagnostics) {
	s := &spec{modelID: known(req, "model"), prompt: known(req, "prompt"), size: known(req, "size"),
		ratio: known(req, "aspect_ratio"), format: req.Format, refs: req.References}
	if m, ok := Lookup(s.modelID); ok {
		s.model = &m
	}
	var diags sdk.Diagnostics
	d := &diags
	s.checkModel(d)
	s.checkPrompt(req, d)
	s.checkSize(d)
	s.checkRatio(d)
	s.readNumbers(req, d)
	s.checkOptions(d)
	s.checkFormat(d)
	s.checkReferences(d)
	return s, diags
}

func known(req *sdk.Request, name string) string {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func (s *spec) family() Family {
	if s.model == nil {
		return Flux1 // an unknown model is sent width and height
	}
	return s.model.Family
}

func (s *spec) checkModel(d *sdk.Diagnostics) {
	if s.model != nil || s.modelID == "" {
		return
	}
	var ids []string
	for _, m := range Models() {
		ids = append(ids, m.ID)
	}
	*d = append(*d, sdk.Warnf("model", "Unknown BFL model",
		"easel does not know %q; it is sent to /v1/%s as is, its options are not checked and its cost is unknown. Known models: %s.", s.modelID, s.modelID, strings.Join(ids, ", ")))
}

func (s *spec) checkPrompt(req *sdk.Request, d *sdk.Diagnostics) {
	if req.IsSet("prompt") && req.Get("prompt").IsKnown() && strings.TrimSpace(s.prompt) == "" {
		*d = append(*d, sdk.Errorf("prompt", "Empty prompt", "BFL needs a prompt that says what the image should show."))
	}
}

// checkSize checks size against the family's rule and sets the size sent.
func (s *spec) checkSize(d *sdk.Diagnostics) {
	f := s.family()
	if f == Ultra || f == Kontext {
		if s.size != "" {
			*d = append(*d, sdk.Errorf("size", fmt.Sprintf("size is not an option of %s", s.modelID),
				"%s picks its dimensions from aspect_ratio; set aspect_ratio (such as \"16:9\") instead of size.", s.modelID))
		}
		return
	}
	size := s.size
	if size == "" && s.model != nil {
		size = s.model.DefaultSize
	}
	if size == "" {
		return
	}
	w, h, err := sdk.ParseSize(size)
	if err != nil {
		*d = append(*d, sdk.Errorf("size", "Invalid size", "%v.", err))
		return
	}
	if msg := sizeProblem(f, w, h); msg != "" && s.model != nil {
		*d = append(*d, sdk.Errorf("size", fmt.Sprintf("Unsupported size for %s", s.modelID), "%s %s.", size, msg))
		return
	}
	s.width, s.height = w, h
}

// sizeProblem says what is wrong with w x h for a family, "" if nothing.
func sizeProblem(f Family, w, h int) string {
	switch {
	case f == Flux1 && (w%flux1Step != 0 || h%flux1Step != 0 || min(w, h) < flux1Min || max(w, h) > flux1Max):
		return fmt.Sprintf("is not accepted: width and height must be multiples of %d from %d to %d", flux1Step, flux1Min, flux1Max)
	case f == Flux2 && (w%flux2Step != 0 || h%flux2Step != 0 || min(w, h) < flux2Min):
		return fmt.Sprintf("is not accepted: width and height must be multiples of %d, at least %d", flux2Step, flux2Min)
	case f == Flux2 && w*h > flux2MaxPixels:
		return fmt.Sprintf("is %.1f megapixels; FLUX.2 makes at most 4 (such as 2048x2048)", float64(w*h)/megapixel)
	}
	return ""
}

func (s *spec) checkRatio(d *sdk.Diagnostics) {
	if s.ratio == "" {
		return
	}
	if f := s.family(); f != Ultra && f != Kontext && s.model != nil {
		*d = append(*d, sdk.Errorf("aspect_ratio", fmt.Sprintf("aspect_ratio is not an option of %s", s.modelID),
			"%s takes size (WIDTHxHEIGHT) instead.", s.modelID))
		return
	}
	w, h, ok := parseRatio(s.ratio)
	if !ok || w/h > maxRatio+1e-9 || h/w > maxRatio+1e-9 {
		*d = append(*d, sdk.Errorf("aspect_ratio", "Unsupported aspect_ratio",
			"%q is not WIDTH:HEIGHT between 21:9 and 9:21, such as \"16:9\" or \"4:5\".", s.ratio))
	}
}

func parseRatio(r string) (float64, float64, bool) {
	var w, h float64
	n, err := fmt.Sscanf(r, "%g:%g", &w, &h)
	return w, h, err == nil && n == 2 && w > 0 && h > 0 && fmt.Sprintf("%g:%g", w, h) == strings.TrimSpace(r)
}

// readNumbers reads and range-checks the numeric and bool options.
func (s *spec) readNumbers(req *sdk.Request, d *sdk.Diagnostics) {
	maxTol := int64(6)
	if s.model != nil {
		maxTol = int64(s.model.MaxSafety)
	}
	if v, ok := wholeNumber(req, "seed", 0, math.MaxUint32, d); ok {
		s.seed, s.hasSeed = v, true
	}
	if v, ok := wholeNumber(req, "safety_tolerance", 0, maxTol, d); ok {
		s.tolerance, s.hasTolerance = v, true
	}
	if v, ok := wholeNumber(req, "steps", 1, 50, d); ok {
		s.steps = &v
	}
	s.strength = fraction(req, "image_prompt_strength", 0, 1, d)
	s.guidance = fraction(req, "guidance", 1.5, 10, d)
	s.upsampling, s.raw = boolean(req, "prompt_upsampling"), boolean(req, "raw")
}

func number(req *sdk.Request, name string) (*big.Float, bool) {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return nil, false
	}
	return v.AsBigFloat(), true
}

func wholeNumber(req *sdk.Request, name string, lo, hi int64, d *sdk.Diagnostics) (int64, bool) {
	f, ok := number(req, name)
	if !ok {
		return 0, false
	}
	n, acc := f.Int64()
	if acc != big.Exact || n < lo || n > hi {
		*d = append(*d, sdk.Errorf(name, "Invalid "+name, "%s must be a whole number from %d to %d.", name, lo, hi))
		return 0, false
	}
	return n, true
}

func fraction(req *sdk.Request, name string, lo, hi float64, d *sdk.Diagnostics) *float64 {
	f, ok := number(req, name)
	if !ok {
		return nil
	}
	v, _ := f.Float64()
	if v < lo || v > hi {
		*d = append(*d, sdk.Errorf(name, "Invalid "+name, "%s must be from %g to %g.", name, lo, hi))
		return nil
	}
	return &v
}

func boolean(req *sdk.Request, name string) *bool {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
		return nil
	}
	b := v.True()
	return &b
}

// checkOptions refuses options the model does not take.
func (s *spec) checkOptions(d *sdk.Diagnostics) {
	m := s.model
	if m == nil {
		return
	}
	refuse := func(name string, set bool, takes bool, who string) {
		if set && !takes {
			*d = append(*d, sdk.Errorf(name, fmt.Sprintf("%s is not an option of %s", name, m.ID), "Remove %s; only %s takes it.", name, who))
		}
	}
	refuse("prompt_upsampling", s.upsampling != nil, m.PromptUpsampling, "FLUX1.1 [pro] and Kontext")
	refuse("raw", s.raw != nil, m.Raw, "flux-pro-1.1-ultra")
	refuse("image_prompt_strength", s.strength != nil, m.Family == Ultra, "flux-pro-1.1-ultra")
	refuse("steps", s.steps != nil, m.Flex, "flux-2-flex")
	refuse("guidance", s.guidance != nil, m.Flex, "flux-2-flex")
	if s.strength != nil && m.Family == Ultra && len(s.refs) == 0 {
		*d = append(*d, sdk.Errorf("image_prompt_strength", "image_prompt_strength needs a reference",
			"It sets how much the reference image guides the result, and this image has no references."))
	}
}

// checkFormat: BFL makes jpeg and png; webp is asked as png and
// converted locally.
func (s *spec) checkFormat(d *sdk.Diagnostics) {
	s.send = s.format
	if s.format != "webp" {
		return
	}
	s.send = "png"
	*d = append(*d, sdk.Warnf("output", "BFL cannot make webp",
		"BFL returns jpeg or png; easel asks for png and converts the image to webp locally. Name the output .png or .jpg to keep BFL's own file."))
}

// checkReferences checks the number and kind of references. Their bytes
// are checked when they are read, before anything is sent.
func (s *spec) checkReferences(d *sdk.Diagnostics) {
	m := s.model
	if m == nil || len(s.refs) == 0 {
		return
	}
	if len(s.refs) > m.MaxReferences {
		*d = append(*d, sdk.Errorf("references", fmt.Sprintf("Too many references for %s", m.ID),
			"%s takes at most %d reference image(s); this image has %d.%s", m.ID, m.MaxReferences, len(s.refs), refHint(m)))
	}
	for i, r := range s.refs {
		if r.MediaType != "" && r.MediaType != "image/png" && r.MediaType != "image/jpeg" && r.MediaType != "image/webp" {
			*d = append(*d, sdk.Errorf("references", "Unsupported reference image type",
				"Reference %d (%s) is %s; BFL takes PNG, JPEG or WebP.", i+1, r.Name, r.MediaType))
		}
		if r.Size > maxRefBytes {
			*d = append(*d, sdk.Errorf("references", "Reference image too large",
				"Reference %d (%s) has %.1f MB; easel sends at most %d MB per reference to BFL.", i+1, r.Name, float64(r.Size)/(1<<20), maxRefBytes>>20))
		}
	}
}

// maxRefBytes bounds one reference (BFL's own limit is unconfirmed; the
// body carries it as base64).
const maxRefBytes = 20 << 20

func refHint(m *Model) string {
	if m.Family == Flux1 || m.Family == Ultra {
		return " Use flux-kontext-pro or flux-2-pro to edit with several references."
	}
	return ""
}
