package gemini

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// spec is one image request resolved against the model table. Empty
// strings are unset (or not known yet, at plan time).
type spec struct {
	modelID  string
	model    *Model // nil: unknown model
	prompt   string
	ratio    string
	size     string // upper-case K
	thinking string // upper-case, as sent
	person   string // upper-case, as sent
	format   string // the output file's format
	refs     []sdk.Reference
}

// maxInlineBytes is the Gemini API's limit on a request with inline
// data, base64 included.
const maxInlineBytes = 20 << 20

// ValidateImage checks one image locally, reporting every problem against
// its attribute.
func (p *Provider) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	_, diags := resolve(req, p.env.Now())
	return diags
}

// resolve reads a request's attributes and checks them against its model.
func resolve(req *sdk.Request, now time.Time) (*spec, sdk.Diagnostics) {
	s := &spec{
		modelID: known(req, "model"), prompt: known(req, "prompt"), ratio: known(req, "aspect_ratio"),
		size: strings.ToUpper(known(req, "image_size")), thinking: strings.ToUpper(known(req, "thinking_level")),
		person: strings.ToUpper(known(req, "person_generation")), format: req.Format, refs: req.References,
	}
	if s.format == "" {
		s.format = "png"
	}
	if m, ok := Lookup(s.modelID); ok {
		s.model = &m
	}
	var diags sdk.Diagnostics
	diags = append(diags, s.checkModel(now)...)
	diags = append(diags, s.checkPrompt(req)...)
	diags = append(diags, s.checkRatio()...)
	diags = append(diags, s.checkSize()...)
	diags = append(diags, s.checkThinking()...)
	diags = append(diags, checkEnum("person_generation", s.person, []string{"ALLOW_ALL", "ALLOW_ADULT", "ALLOW_NONE"})...)
	diags = append(diags, s.checkReferences()...)
	return s, diags
}

// known returns a string attribute, "" when unset or not known yet.
func known(req *sdk.Request, name string) string {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return strings.TrimSpace(v.AsString())
}

func (s *spec) checkModel(now time.Time) sdk.Diagnostics {
	m := s.model
	switch {
	case s.modelID == "":
		return nil
	case m == nil:
		return sdk.Diagnostics{sdk.Warnf("model", "Unknown Gemini model",
			"easel does not know %q: its options are sent unchecked and its cost is unknown. Known models: %s.", s.modelID, strings.Join(modelIDs(), ", "))}
	case m.StatusAt(now) == Shutdown:
		return sdk.Diagnostics{sdk.Errorf("model", fmt.Sprintf("%s was shut down on %s", m.ID, m.Shutdown),
			"Google no longer serves %s on the Gemini API. Use %s instead.", m.ID, m.Replacement)}
	case m.StatusAt(now) == Deprecated:
		return sdk.Diagnostics{sdk.Warnf("model", fmt.Sprintf("%s is being shut down", m.ID),
			"Google shuts %s down %s. Move to %s.", m.ID, shutdownWhen(m), m.Replacement)}
	case s.modelID != m.ID:
		return sdk.Diagnostics{sdk.Warnf("model", fmt.Sprintf("%s is an old name", s.modelID), "Use %q: Google asked users to move off the preview ID.", m.ID)}
	}
	return nil
}

func shutdownWhen(m *Model) string {
	if m.Shutdown != "" {
		return "on " + m.Shutdown
	}
	return m.ShutdownNote
}

func (s *spec) checkPrompt(req *sdk.Request) sdk.Diagnostics {
	if v := req.Get("prompt"); v == cty.NilVal || v.IsNull() || !v.IsKnown() {
		return nil
	}
	if s.prompt == "" {
		return sdk.Diagnostics{sdk.Errorf("prompt", "Empty prompt", "Gemini needs a prompt that says what the image should show.")}
	}
	return nil
}

var ratioShape = regexp.MustCompile(`^[1-9][0-9]?:[1-9][0-9]?$`)

func (s *spec) checkRatio() sdk.Diagnostics {
	switch {
	case s.ratio == "":
		return nil
	case s.model == nil && !ratioShape.MatchString(s.ratio):
		return sdk.Diagnostics{sdk.Errorf("aspect_ratio", "Invalid aspect_ratio", "aspect_ratio is W:H, such as \"16:9\", not %q.", s.ratio)}
	case s.model != nil && !slices.Contains(s.model.Ratios, s.ratio):
		return sdk.Diagnostics{sdk.Errorf("aspect_ratio", fmt.Sprintf("Unsupported aspect_ratio for %s", s.model.ID),
			"%s takes aspect_ratio %s, not %q.", s.model.ID, orList(s.model.Ratios), s.ratio)}
	}
	return nil
}

func (s *spec) checkSize() sdk.Diagnostics {
	switch {
	case s.size == "":
		return nil
	case s.model == nil && !slices.Contains([]string{"1K", "2K", "4K"}, s.size):
		return sdk.Diagnostics{sdk.Errorf("image_size", "Invalid image_size", "image_size is 1K, 2K or 4K, not %q.", s.size)}
	case s.model != nil && !slices.Contains(s.model.Sizes, s.size):
		return sdk.Diagnostics{sdk.Errorf("image_size", fmt.Sprintf("Unsupported image_size for %s", s.model.ID),
			"%s makes %s images, not %q.%s", s.model.ID, orList(s.model.Sizes), s.size, sizeHint(s.model))}
	}
	return nil
}

func sizeHint(m *Model) string {
	if len(m.Sizes) == 1 {
		return " Use gemini-3-pro-image or " + defaultModel + " for 2K and 4K."
	}
	return ""
}

func (s *spec) checkThinking() sdk.Diagnostics {
	diags := checkEnum("thinking_level", s.thinking, []string{"MINIMAL", "LOW", "MEDIUM", "HIGH"})
	if diags == nil && s.thinking != "" && s.model != nil && !s.model.Thinking {
		diags = sdk.Diagnostics{sdk.Errorf("thinking_level", fmt.Sprintf("thinking_level is not supported by %s", s.model.ID),
			"Remove thinking_level, or use %s.", defaultModel)}
	}
	return diags
}

// checkEnum checks an upper-cased value against its upper-case values and
// names them lower-case, as a user writes them.
func checkEnum(attr, value string, values []string) sdk.Diagnostics {
	if value == "" || slices.Contains(values, value) {
		return nil
	}
	lower := make([]string, len(values))
	for i, v := range values {
		lower[i] = strings.ToLower(v)
	}
	return sdk.Diagnostics{sdk.Errorf(attr, fmt.Sprintf("Invalid %s", attr), "%s is %s, not %q.", attr, orList(lower), strings.ToLower(value))}
}

// checkReferences checks what is known of references at plan time: their
// number, kind, type and total size.
func (s *spec) checkReferences() sdk.Diagnostics {
	var diags sdk.Diagnostics
	if m := s.model; m != nil && len(s.refs) > m.MaxReferences {
		diags = append(diags, sdk.Errorf("references", fmt.Sprintf("Too many references for %s", m.ID),
			"%s takes at most %d reference images; this image has %d.", m.ID, m.MaxReferences, len(s.refs)))
	}
	var total int64
	for i, r := range s.refs {
		name := fmt.Sprintf("Reference %d (%s)", i+1, r.Name)
		switch {
		case r.MediaType != "" && !slices.Contains([]string{"image/png", "image/jpeg", "image/webp"}, r.MediaType):
			diags = append(diags, sdk.Errorf("references", "Unsupported reference image type", "%s is %s; Gemini takes image/png, image/jpeg or image/webp here.", name, r.MediaType))
		}
		total += r.Size
	}
	if inline := total * 4 / 3; inline > maxInlineBytes {
		diags = append(diags, sdk.Warnf("references", "References may be too large for one Gemini request",
			"The references are %.1f MB as base64; Gemini takes about 20 MB of inline data per request. Use smaller (or JPEG) reference images.", float64(inline)/(1<<20)))
	}
	return diags
}

// orList formats values as "a, b or c".
func orList(values []string) string {
	if len(values) <= 1 {
		return strings.Join(values, "")
	}
	return strings.Join(values[:len(values)-1], ", ") + " or " + values[len(values)-1]
}
