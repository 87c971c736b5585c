package oakgen

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// spec is one image request resolved against the model table. Empty
// strings are unset (or not known yet, at plan time).
type spec struct {
	modelID       string
	model         *Model // nil: unknown model
	prompt        string
	size          string
	width, height int // 0 for auto or an invalid size
	quality       string
	// format is what the output file asks for; send is what Oakgen is
	// asked for (the model's default when it cannot make format).
	format, send string
	refs         []string // reference URLs
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
		quality: known(req, "quality"), format: req.Format}
	if m, ok := Lookup(s.modelID); ok {
		s.model = &m
	}
	var diags sdk.Diagnostics
	diags = append(diags, s.checkModel()...)
	diags = append(diags, s.checkPrompt(req)...)
	diags = append(diags, s.checkSize()...)
	diags = append(diags, s.checkQuality()...)
	diags = append(diags, s.checkFormat()...)
	diags = append(diags, s.checkReferences(req.References)...)
	return s, diags
}

// known returns a string attribute, "" when unset or not known yet.
func known(req *sdk.Request, name string) string {
	v := req.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func (s *spec) checkModel() sdk.Diagnostics {
	if s.model != nil || s.modelID == "" {
		return nil
	}
	return sdk.Diagnostics{sdk.Warnf("model", "Unknown Oakgen model",
		"easel does not know %q; it is sent as is, its options are not checked and its cost is unknown. Known models: %s.", s.modelID, strings.Join(modelIDs(), ", "))}
}

func modelIDs() []string {
	var ids []string
	for _, m := range Models() {
		ids = append(ids, m.ID)
	}
	return ids
}

func (s *spec) checkPrompt(req *sdk.Request) sdk.Diagnostics {
	switch {
	case !req.IsSet("prompt") || !req.Get("prompt").IsKnown():
		return nil
	case strings.TrimSpace(s.prompt) == "":
		return sdk.Diagnostics{sdk.Errorf("prompt", "Empty prompt", "Oakgen needs a prompt that says what the image should show.")}
	case s.model != nil && s.model.MaxPrompt > 0 && utf8.RuneCountInString(s.prompt) > s.model.MaxPrompt:
		return sdk.Diagnostics{sdk.Errorf("prompt", "Prompt too long", "%s takes at most %d characters; this prompt has %d.",
			s.model.ID, s.model.MaxPrompt, utf8.RuneCountInString(s.prompt))}
	}
	return nil
}

func (s *spec) checkSize() sdk.Diagnostics {
	if s.size == "" || s.size == "auto" {
		if s.size == "auto" && s.model != nil && !slices.Contains(s.model.Sizes, "auto") {
			return sdk.Diagnostics{sdk.Errorf("size", fmt.Sprintf("Unsupported size for %s", s.model.ID), "size must be %s.", s.model.sizeHelp())}
		}
		return nil
	}
	w, h, err := sdk.ParseSize(s.size)
	if err != nil {
		return sdk.Diagnostics{sdk.Errorf("size", "Invalid size", "%v.", err)}
	}
	if s.model != nil && !s.model.sizeOK(s.size, w, h) {
		return sdk.Diagnostics{sdk.Errorf("size", fmt.Sprintf("Unsupported size for %s", s.model.ID), "%s is not accepted: size must be %s.", s.size, s.model.sizeHelp())}
	}
	s.width, s.height = w, h
	return nil
}

func (s *spec) checkQuality() sdk.Diagnostics {
	switch {
	case s.quality == "" || s.model == nil:
		return nil
	case len(s.model.Qualities) == 0:
		return sdk.Diagnostics{sdk.Errorf("quality", fmt.Sprintf("quality is not an option of %s", s.model.ID), "Remove quality; %s has none.", s.model.ID)}
	case !slices.Contains(s.model.Qualities, s.quality):
		return sdk.Diagnostics{sdk.Errorf("quality", "Unsupported quality", "%q is not a quality of %s: use %s.", s.quality, s.model.ID, joinOr(s.model.Qualities))}
	}
	return nil
}

// checkFormat picks the format to ask for: the output's, or the model's
// first when it cannot make it (the image is then converted locally).
func (s *spec) checkFormat() sdk.Diagnostics {
	s.send = s.format
	if s.model == nil || s.format == "" || slices.Contains(s.model.Formats, s.format) {
		return nil
	}
	s.send = s.model.Formats[0]
	ext := map[string]string{"jpeg": "jpg"}[s.send]
	if ext == "" {
		ext = s.send
	}
	return sdk.Diagnostics{sdk.Warnf("output", fmt.Sprintf("%s cannot make %s", s.model.ID, s.format),
		"%s returns %s; easel converts the image to %s locally. Name the output .%s to keep the model's own file.", s.model.ID, joinOr(s.model.Formats), s.format, ext)}
}

// checkReferences: Oakgen takes references as URLs it downloads, so only
// https:// references can be sent.
func (s *spec) checkReferences(refs []sdk.Reference) sdk.Diagnostics {
	var diags sdk.Diagnostics
	if m := s.model; m != nil && len(refs) > m.MaxReferences {
		detail := fmt.Sprintf("%s takes at most %d reference images; this image has %d.", m.ID, m.MaxReferences, len(refs))
		if m.MaxReferences == 0 {
			detail = fmt.Sprintf("%s takes no reference images on Oakgen. Remove references, or use gpt-image-1.", m.ID)
		}
		diags = append(diags, sdk.Errorf("references", fmt.Sprintf("Too many references for %s", m.ID), "%s", detail))
	}
	for i, r := range refs {
		if d := checkReference(i, r); d != nil {
			diags = append(diags, *d)
			continue
		}
		s.refs = append(s.refs, r.Name)
	}
	return diags
}

func checkReference(i int, r sdk.Reference) *sdk.Diagnostic {
	name := fmt.Sprintf("Reference %d (%s)", i+1, r.Name)
	var d sdk.Diagnostic
	switch r.Kind {
	case "url":
		u, err := url.Parse(r.Name)
		switch {
		case err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil:
			d = sdk.Errorf("references", "Oakgen needs an https URL", "%s is not an https:// URL that Oakgen can download.", name)
		case r.MediaType != "" && !slices.Contains([]string{"image/png", "image/jpeg", "image/webp"}, r.MediaType):
			d = sdk.Errorf("references", "Unsupported reference image type", "%s is %s; Oakgen takes PNG, JPEG or WebP.", name, r.MediaType)
		default:
			return nil
		}
	case "image":
		d = sdk.Errorf("references", "Oakgen cannot take a generated image as a reference",
			"%s is another image of this project. Oakgen downloads references from URLs and cannot receive a local image: publish the image at an https:// URL and reference that URL, or use a provider that uploads references (openai, bfl, gemini, stability).", name)
	default:
		d = sdk.Errorf("references", "Oakgen cannot take a local file as a reference",
			"%s is a project file. Oakgen downloads references from URLs and cannot receive a local file: upload it somewhere public over https and reference its URL, or use a provider that uploads references (openai, bfl, gemini, stability).", name)
	}
	return &d
}
