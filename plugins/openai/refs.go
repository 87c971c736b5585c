package openai

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/easelhq/easel/plugins/sdk"
)

// Limits on edit inputs (openapi.yaml 2026-08-21, CreateImageEditRequest).
const (
	maxRefBytes     = 50 << 20 // per reference, GPT image models
	maxMaskBytes    = 4 << 20  // mask, and dall-e-2's one reference
	refMediaTypes   = "image/png, image/jpeg or image/webp"
	dallE2RefDetail = "dall-e-2 takes one square PNG under 4 MB."
)

func acceptedMediaType(mt string) bool {
	return slices.Contains([]string{"image/png", "image/jpeg", "image/webp"}, mt)
}

// checkReferences checks what can be known of references at plan time:
// their number, kind, media type and size.
func (s *spec) checkReferences() sdk.Diagnostics {
	if len(s.refs) == 0 {
		return nil
	}
	var diags sdk.Diagnostics
	if m := s.model; m != nil && len(s.refs) > m.MaxReferences {
		detail := fmt.Sprintf("%s takes at most %d reference images; this image has %d.", m.ID, m.MaxReferences, len(s.refs))
		if m.MaxReferences == 0 {
			detail = fmt.Sprintf("%s cannot edit or compose images. Remove references, or use gpt-image-2 or later.", m.ID)
		}
		diags = append(diags, sdk.Errorf("references", fmt.Sprintf("Too many references for %s", m.ID), "%s", detail))
	}
	for i, r := range s.refs {
		diags = append(diags, s.checkReference(i, r)...)
	}
	return diags
}

func (s *spec) checkReference(i int, r sdk.Reference) sdk.Diagnostics {
	name := fmt.Sprintf("Reference %d (%s)", i+1, r.Name)
	limit := int64(maxRefBytes)
	if s.model != nil && s.model.Family == DallE2 {
		limit = maxMaskBytes
	}
	switch {
	case r.MediaType != "" && !acceptedMediaType(r.MediaType):
		return sdk.Diagnostics{sdk.Errorf("references", "Unsupported reference image type",
			"%s is %s; OpenAI takes %s.", name, r.MediaType, refMediaTypes)}
	case s.model != nil && s.model.Family == DallE2 && r.MediaType != "" && r.MediaType != "image/png":
		return sdk.Diagnostics{sdk.Errorf("references", "Unsupported reference for dall-e-2", "%s is %s. %s", name, r.MediaType, dallE2RefDetail)}
	case r.Size > limit:
		return sdk.Diagnostics{sdk.Errorf("references", "Reference image too large",
			"%s has %.1f MB; %s takes at most %d MB per image.", name, float64(r.Size)/(1<<20), s.modelID, limit>>20)}
	}
	return nil
}

// checkMask checks what can be known of the mask at plan time: that there
// is a reference to apply it to, that it is a PNG under 4 MB, and, when
// easel could read both, that it is the size of the first reference. Its
// bytes are checked again before the request is sent.
func (s *spec) checkMask() sdk.Diagnostics {
	if s.mask == "" {
		return nil
	}
	if len(s.refs) == 0 {
		return sdk.Diagnostics{sdk.Errorf("mask", "mask needs references",
			"A mask marks what to repaint in the first reference image, and this image has no references. Add references or remove mask.")}
	}
	f := s.maskFile
	isPNG := strings.EqualFold(path.Ext(s.mask), ".png")
	if f != nil && f.MediaType != "" {
		isPNG = f.MediaType == "image/png"
	}
	switch {
	case !isPNG:
		return sdk.Diagnostics{sdk.Errorf("mask", "mask must be a PNG",
			"OpenAI takes a PNG mask whose fully transparent pixels mark the area to repaint; %q is not a PNG file.", s.mask)}
	case f == nil:
		return nil
	case f.Size > maxMaskBytes:
		return sdk.Diagnostics{sdk.Errorf("mask", "mask too large",
			"%s has %.1f MB; OpenAI takes a mask of at most 4 MB.", s.mask, float64(f.Size)/(1<<20))}
	}
	first := s.refs[0]
	if f.Width > 0 && first.Width > 0 && (f.Width != first.Width || f.Height != first.Height) {
		return sdk.Diagnostics{sdk.Errorf("mask", "mask and first reference differ in size",
			"%s is %dx%d but the first reference, %s, is %dx%d. OpenAI applies the mask to the first reference, and they must be the same size.",
			s.mask, f.Width, f.Height, first.Name, first.Width, first.Height)}
	}
	return nil
}
