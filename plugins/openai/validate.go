package openai

import (
	"context"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"time"
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
	width, height int // 0 when size is auto or invalid
	quality       string
	background    string
	moderation    string
	fidelity      string
	user          string
	mask          string         // the mask attribute, a project path
	maskFile      *sdk.Reference // its file, as easel hands it over
	format        string         // the output format: output_format, else the output's extension
	compression   int
	hasCompress   bool
	refs          []sdk.Reference
	// The first reference's size, read when the request is built.
	refWidth, refHeight int
}

// ValidateImage checks one image locally, reporting every problem against
// its attribute.
func (p *Provider) ValidateImage(_ context.Context, req *sdk.Request) sdk.Diagnostics {
	_, diags := p.resolve(req)
	return diags
}

// resolve reads a request's attributes and checks them against its model
// as of today.
func (p *Provider) resolve(req *sdk.Request) (*spec, sdk.Diagnostics) {
	return resolve(req, p.today(), p.models)
}

// resolve reads a request's attributes and checks them against its model
// in table on the day of now.
func resolve(req *sdk.Request, now time.Time, table modelTable) (*spec, sdk.Diagnostics) {
	s := &spec{
		modelID: known(req, "model"), prompt: known(req, "prompt"), size: known(req, "size"),
		quality: known(req, "quality"), background: known(req, "background"), moderation: known(req, "moderation"),
		fidelity: known(req, "input_fidelity"), user: known(req, "user"), mask: known(req, "mask"),
		format: known(req, "output_format"), refs: req.References,
	}
	if m, ok := table.lookup(s.modelID); ok {
		s.model = &m
	}
	if f, ok := req.File("mask"); ok {
		s.maskFile = &f
	}
	var diags sdk.Diagnostics
	diags = append(diags, s.checkModel(now)...)
	diags = append(diags, s.checkPrompt(req)...)
	diags = append(diags, s.checkSize()...)
	diags = append(diags, s.checkQuality()...)
	diags = append(diags, s.checkFormat(req)...)
	diags = append(diags, s.checkCompression(req)...)
	diags = append(diags, s.checkBackground()...)
	diags = append(diags, s.checkEnum("moderation", s.moderation, []string{"low", "auto"}, s.model == nil || s.model.Moderation)...)
	diags = append(diags, s.checkFidelity()...)
	diags = append(diags, s.checkReferences()...)
	diags = append(diags, s.checkMask()...)
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

func (s *spec) checkModel(now time.Time) sdk.Diagnostics {
	if s.modelID == "" {
		return nil
	}
	m := s.model
	if m == nil {
		detail := fmt.Sprintf("easel does not know %q: its options are passed to the API unchecked and its cost is unknown. Known models: %s.",
			s.modelID, strings.Join(activeModelIDs(now), ", "))
		if near := suggestModel(s.modelID); near != "" {
			detail = fmt.Sprintf("Did you mean %q? ", near) + detail
		}
		return sdk.Diagnostics{sdk.Warnf("model", "Unknown OpenAI model", "%s", detail)}
	}
	switch m.StatusAt(now) {
	case Shutdown:
		return sdk.Diagnostics{sdk.Errorf("model", fmt.Sprintf("%s was shut down on %s", m.ID, m.Shutdown),
			"OpenAI no longer serves %s, so this image cannot be generated. Use %s instead.", m.ID, m.Replacement)}
	case Deprecated:
		return sdk.Diagnostics{sdk.Warnf("model", fmt.Sprintf("%s is deprecated", m.ID),
			"OpenAI shuts %s down on %s. Move to %s before then.", m.ID, m.Shutdown, m.Replacement)}
	}
	return nil
}

func (s *spec) checkPrompt(req *sdk.Request) sdk.Diagnostics {
	if !isKnown(req, "prompt") {
		return nil
	}
	n := utf8.RuneCountInString(s.prompt)
	switch {
	case strings.TrimSpace(s.prompt) == "":
		return sdk.Diagnostics{sdk.Errorf("prompt", "Empty prompt", "OpenAI needs a prompt that says what the image should show.")}
	case s.model != nil && n > s.model.MaxPrompt:
		return sdk.Diagnostics{sdk.Errorf("prompt", fmt.Sprintf("Prompt too long for %s", s.model.ID),
			"The prompt has %s characters; %s takes at most %s. Shorten it by %s characters.",
			thousands(n), s.model.ID, thousands(s.model.MaxPrompt), thousands(n-s.model.MaxPrompt))}
	}
	return nil
}

func isKnown(req *sdk.Request, name string) bool {
	v := req.Get(name)
	return v != cty.NilVal && !v.IsNull() && v.IsKnown()
}

func (s *spec) checkQuality() sdk.Diagnostics {
	if s.quality == "" || s.model == nil || slices.Contains(s.model.Qualities, s.quality) {
		return nil
	}
	return sdk.Diagnostics{sdk.Errorf("quality", fmt.Sprintf("Unsupported quality for %s", s.model.ID),
		"%s takes quality %s, not %q.", s.model.ID, orList(s.model.Qualities), s.quality)}
}

func (s *spec) checkFormat(req *sdk.Request) sdk.Diagnostics {
	set := s.format != ""
	var diags sdk.Diagnostics
	switch {
	case set && s.model != nil && !s.model.OutputFormat:
		diags = append(diags, sdk.Errorf("output_format", fmt.Sprintf("output_format is not supported by %s", s.model.ID),
			"%s always returns PNG. Remove output_format.", s.model.ID))
	case set && !slices.Contains([]string{"png", "jpeg", "webp", "gif", "svg"}, s.format): // what easel writes
		diags = append(diags, sdk.Errorf("output_format", "Unsupported output_format",
			"easel writes png, jpeg, webp, gif or svg files, not %q.", s.format))
	case set && req.Format != "" && s.format != req.Format:
		diags = append(diags, sdk.Errorf("output_format", "output_format does not match the output file",
			"output_format is %s but the output file is %s. Remove output_format (it follows the output file's extension) or change the output path.", s.format, req.Format))
	}
	if !set {
		s.format = req.Format
		if s.format == "" {
			s.format = "png"
		}
	}
	if s.model != nil && !slices.Contains(s.model.Formats, s.format) && diags == nil {
		diags = append(diags, sdk.Errorf("output", fmt.Sprintf("%s cannot produce %s", s.model.ID, s.format),
			"%s produces %s. Change the output file's extension.", s.model.ID, orList(s.model.Formats)))
	}
	return diags
}

func (s *spec) checkCompression(req *sdk.Request) sdk.Diagnostics {
	v := req.Get("output_compression")
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return nil
	}
	n, acc := v.AsBigFloat().Int64()
	s.compression, s.hasCompress = int(n), true
	switch {
	case s.model != nil && !s.model.OutputCompression:
		return sdk.Diagnostics{sdk.Errorf("output_compression", fmt.Sprintf("output_compression is not supported by %s", s.model.ID), "Remove output_compression.")}
	case acc != big.Exact || n < 0 || n > 100:
		return sdk.Diagnostics{sdk.Errorf("output_compression", "Invalid output_compression", "output_compression is a whole number from 0 to 100.")}
	case s.format != "jpeg" && s.format != "webp":
		return sdk.Diagnostics{sdk.Errorf("output_compression", "output_compression needs jpeg or webp",
			"The output is %s, which output_compression does not apply to. Remove it, or write a .jpg or .webp file.", s.format)}
	}
	return nil
}

func (s *spec) checkBackground() sdk.Diagnostics {
	diags := s.checkEnum("background", s.background, []string{"transparent", "opaque", "auto"}, s.model == nil || s.model.Background)
	if diags == nil && s.background == "transparent" && s.format != "png" && s.format != "webp" {
		diags = sdk.Diagnostics{sdk.Errorf("background", "Transparent background needs png or webp",
			"The output is %s, which has no transparency. Write a .png or .webp file, or use background = \"opaque\".", s.format)}
	}
	return diags
}

// checkEnum checks an option against its values, and that the model takes
// it at all.
func (s *spec) checkEnum(attr, value string, values []string, applies bool) sdk.Diagnostics {
	switch {
	case value == "":
		return nil
	case !applies:
		return sdk.Diagnostics{sdk.Errorf(attr, fmt.Sprintf("%s is not supported by %s", attr, s.model.ID), "Remove %s: %s does not take it.", attr, s.model.ID)}
	case !slices.Contains(values, value):
		return sdk.Diagnostics{sdk.Errorf(attr, fmt.Sprintf("Invalid %s", attr), "%s is %s, not %q.", attr, orList(values), value)}
	}
	return nil
}

func (s *spec) checkFidelity() sdk.Diagnostics {
	diags := s.checkEnum("input_fidelity", s.fidelity, []string{"high", "low"}, s.model == nil || s.model.InputFidelity)
	if diags == nil && s.fidelity != "" && len(s.refs) == 0 {
		diags = sdk.Diagnostics{sdk.Errorf("input_fidelity", "input_fidelity needs references",
			"input_fidelity says how closely to follow reference images, and this image has none. Add references or remove input_fidelity.")}
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

// suggestModel returns the known model ID closest to id, if close.
func suggestModel(id string) string {
	best, bestDist := "", 4
	for _, m := range Models() {
		for _, cand := range append([]string{m.ID}, m.Aliases...) {
			if d := editDistance(id, cand); d < bestDist {
				best, bestDist = cand, d
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
