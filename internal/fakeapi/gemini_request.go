package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"net/http"
	"slices"
	"strings"
	"unicode"
)

// gemError is an error answer in Google's shape:
// {"error": {"code", "message", "status", "details"}}.
type gemError struct {
	code    int
	status  string
	message string
	details []map[string]any
	header  http.Header
}

func (e *gemError) write(w http.ResponseWriter) {
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	body := map[string]any{"code": e.code, "message": e.message, "status": e.status}
	if e.details != nil {
		body["details"] = e.details
	}
	writeJSON(w, e.code, map[string]any{"error": body})
}

func gemInvalid(format string, args ...any) *gemError {
	return &gemError{code: http.StatusBadRequest, status: "INVALID_ARGUMENT", message: fmt.Sprintf(format, args...)}
}

// gemMaxBody is the inline request limit: 20 MB, base64 included.
const gemMaxBody = 20 << 20

// gemRequest is a parsed generateContent request.
type gemRequest struct {
	texts          []string
	images         []inputImage
	modalities     []string
	aspectRatio    string
	imageSize      string
	personGen      string
	thinkingLevel  string
	candidateCount int
}

func (r *gemRequest) prompt() string { return strings.Join(r.texts, "\n") }

// gemObject is one JSON object of the request, its fields keyed by their
// lowerCamel name (proto JSON accepts snake_case too) with the path used
// in messages.
type gemObject struct {
	at     string
	fields map[string]json.RawMessage
}

// gemDecode reads a JSON object, accepting only the named fields.
func gemDecode(msg json.RawMessage, at string, allowed ...string) (gemObject, *gemError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(msg, &raw); err != nil || raw == nil {
		where := ""
		if at != "" {
			where = fmt.Sprintf(" at '%s'", at)
		}
		return gemObject{}, gemInvalid("Invalid JSON payload received. Expected an object%s.", where)
	}
	o := gemObject{at: at, fields: map[string]json.RawMessage{}}
	for name, v := range raw {
		camel := lowerCamel(name)
		if !slices.Contains(allowed, camel) {
			where := ""
			if at != "" {
				where = fmt.Sprintf(" at '%s'", at)
			}
			return gemObject{}, gemInvalid("Invalid JSON payload received. Unknown name %q%s: Cannot find field.", name, where)
		}
		o.fields[camel] = v
	}
	return o, nil
}

func lowerCamel(s string) string {
	var b strings.Builder
	up := false
	for _, r := range s {
		switch {
		case r == '_':
			up = true
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func snake(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsUpper(r) {
			b.WriteByte('_')
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// path names a field below the object, as Google's messages do.
func (o gemObject) path(field string) string {
	if o.at == "" {
		return snake(field)
	}
	return o.at + "." + snake(field)
}

func (o gemObject) str(field string) (string, *gemError) {
	msg, ok := o.fields[field]
	if !ok || string(msg) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(msg, &s) != nil {
		return "", gemInvalid("Invalid value at '%s' (TYPE_STRING), %s", o.path(field), msg)
	}
	return s, nil
}

func (o gemObject) array(field string) ([]json.RawMessage, *gemError) {
	msg, ok := o.fields[field]
	if !ok || string(msg) == "null" {
		return nil, nil
	}
	var items []json.RawMessage
	if json.Unmarshal(msg, &items) != nil {
		return nil, gemInvalid("Invalid value at '%s': expected a list, got %s", o.path(field), gemExcerpt(msg))
	}
	return items, nil
}

func (o gemObject) object(field string, allowed ...string) (gemObject, bool, *gemError) {
	msg, ok := o.fields[field]
	if !ok || string(msg) == "null" {
		return gemObject{}, false, nil
	}
	sub, err := gemDecode(msg, o.path(field), allowed...)
	return sub, true, err
}

func gemExcerpt(msg json.RawMessage) string {
	s := string(msg)
	if len(s) > 40 {
		s = s[:40] + "..."
	}
	return s
}

// parseGemRequest reads and checks the shape of a generateContent body.
func parseGemRequest(body []byte) (*gemRequest, *gemError) {
	top, err := gemDecode(body, "", "contents", "generationConfig", "safetySettings", "systemInstruction")
	if err != nil {
		return nil, err
	}
	req := &gemRequest{candidateCount: 1}
	contents, err := top.array("contents")
	if err != nil {
		return nil, err
	}
	if len(contents) == 0 {
		return nil, gemInvalid("* GenerateContentRequest.contents: contents is not specified")
	}
	for i, c := range contents {
		if err := req.addContent(c, fmt.Sprintf("contents[%d]", i)); err != nil {
			return nil, err
		}
	}
	if err := req.readConfig(top); err != nil {
		return nil, err
	}
	if err := checkSafetySettings(top); err != nil {
		return nil, err
	}
	return req, nil
}

func (r *gemRequest) addContent(msg json.RawMessage, at string) *gemError {
	c, err := gemDecode(msg, at, "role", "parts")
	if err != nil {
		return err
	}
	if role, err := c.str("role"); err != nil {
		return err
	} else if role != "" && role != "user" && role != "model" {
		return gemInvalid("Please use a valid role: user, model.")
	}
	parts, err := c.array("parts")
	if err != nil {
		return err
	}
	if len(parts) == 0 {
		return gemInvalid("* GenerateContentRequest.%s.parts: contents.parts must not be empty.", at)
	}
	for j, p := range parts {
		if err := r.addPart(p, fmt.Sprintf("%s.parts[%d]", at, j)); err != nil {
			return err
		}
	}
	return nil
}

func (r *gemRequest) addPart(msg json.RawMessage, at string) *gemError {
	p, err := gemDecode(msg, at, "text", "inlineData", "fileData", "thought", "thoughtSignature")
	if err != nil {
		return err
	}
	_, hasText := p.fields["text"]
	_, hasInline := p.fields["inlineData"]
	_, hasFile := p.fields["fileData"]
	switch {
	case btoi(hasText)+btoi(hasInline)+btoi(hasFile) != 1:
		return gemInvalid("* GenerateContentRequest.%s.data: required oneof field 'data' must have one initialized field", at)
	case hasFile:
		return gemInvalid("* GenerateContentRequest.%s.file_data.file_uri: the fake has no Files API; send the image as inline_data", at)
	case hasText:
		s, err := p.str("text")
		r.texts = append(r.texts, s)
		return err
	}
	return r.addInline(p, at)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// gemInputMIME are the image types Gemini reads inline.
var gemInputMIME = []string{"image/png", "image/jpeg", "image/webp", "image/heic", "image/heif"}

func (r *gemRequest) addInline(p gemObject, at string) *gemError {
	d, _, err := p.object("inlineData", "mimeType", "data")
	if err != nil {
		return err
	}
	mt, err := d.str("mimeType")
	if err != nil {
		return err
	}
	data, err := d.str("data")
	if err != nil {
		return err
	}
	switch {
	case mt == "":
		return gemInvalid("* GenerateContentRequest.%s.inline_data.mime_type: mime_type is not specified", at)
	case !slices.Contains(gemInputMIME, mt):
		return gemInvalid("Unsupported MIME type: %s", mt)
	}
	raw, decErr := base64.StdEncoding.DecodeString(data)
	if decErr != nil {
		return gemInvalid("Invalid value at '%s.inline_data.data' (TYPE_BYTES), Base64 decoding failed for %q", at, gemExcerpt(json.RawMessage(data)))
	}
	img := inputImage{param: at + ".inline_data", contentType: mt, data: raw}
	if err := sniffInput(&img); err != nil {
		return gemInvalid("Unable to process input image. Please retry or report in https://developers.generativeai.google/guide/troubleshooting")
	}
	r.images = append(r.images, img)
	return nil
}

// sniffInput decodes an input image's header and checks it is the type
// its MIME type says.
func sniffInput(img *inputImage) error {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img.data))
	if err != nil {
		return err
	}
	if "image/"+format != img.contentType {
		return fmt.Errorf("%s data sent as %s", format, img.contentType)
	}
	img.format, img.width, img.height = format, cfg.Width, cfg.Height
	return nil
}

var gemModalities = []string{"TEXT", "IMAGE", "AUDIO"}

func (r *gemRequest) readConfig(top gemObject) *gemError {
	gc, ok, err := top.object("generationConfig", "responseModalities", "imageConfig", "thinkingConfig", "candidateCount",
		"temperature", "topP", "topK", "seed", "maxOutputTokens", "stopSequences")
	if err != nil || !ok {
		return err
	}
	mods, err := gc.array("responseModalities")
	if err != nil {
		return err
	}
	for _, m := range mods {
		var s string
		if json.Unmarshal(m, &s) != nil || !slices.Contains(gemModalities, s) {
			return gemInvalid("Invalid value at 'generation_config.response_modalities' (type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig.Modality), %s", m)
		}
		r.modalities = append(r.modalities, s)
	}
	if n, ok := gc.fields["candidateCount"]; ok && json.Unmarshal(n, &r.candidateCount) != nil {
		return gemInvalid("Invalid value at 'generation_config.candidate_count' (TYPE_INT32), %s", n)
	}
	if err := r.readImageConfig(gc); err != nil {
		return err
	}
	tc, _, err := gc.object("thinkingConfig", "thinkingLevel", "thinkingBudget", "includeThoughts")
	if err != nil {
		return err
	}
	if tc.fields != nil {
		r.thinkingLevel, err = tc.str("thinkingLevel")
	}
	return err
}

func (r *gemRequest) readImageConfig(gc gemObject) *gemError {
	ic, ok, err := gc.object("imageConfig", "aspectRatio", "imageSize", "personGeneration")
	if err != nil || !ok {
		return err
	}
	if r.aspectRatio, err = ic.str("aspectRatio"); err != nil {
		return err
	}
	if r.imageSize, err = ic.str("imageSize"); err != nil {
		return err
	}
	r.personGen, err = ic.str("personGeneration")
	return err
}

func checkSafetySettings(top gemObject) *gemError {
	items, err := top.array("safetySettings")
	if err != nil {
		return err
	}
	for i, it := range items {
		s, err := gemDecode(it, fmt.Sprintf("safety_settings[%d]", i), "category", "threshold")
		if err != nil {
			return err
		}
		if c, _ := s.str("category"); !strings.HasPrefix(c, "HARM_CATEGORY_") {
			return gemInvalid("Invalid value at 'safety_settings[%d].category' (type.googleapis.com/google.ai.generativelanguage.v1beta.HarmCategory), %q", i, c)
		}
	}
	return nil
}

// validate checks a parsed request against its model, as the service
// does before any generation.
func (r *gemRequest) validate(m gemModel) *gemError {
	var personGen = []string{"ALLOW_ALL", "ALLOW_ADULT", "ALLOW_NONE", "DONT_ALLOW"}
	var levels = []string{"MINIMAL", "LOW", "MEDIUM", "HIGH"}
	switch {
	case r.candidateCount != 1:
		return gemInvalid("Multiple candidates is not enabled for models/%s", m.id)
	case r.aspectRatio != "" && !slices.Contains(m.ratios, r.aspectRatio):
		return gemInvalid("Unsupported aspect ratio %q for models/%s. Supported values: %s.", r.aspectRatio, m.id, strings.Join(m.ratios, ", "))
	case r.imageSize != "" && !slices.Contains(m.sizes, r.imageSize):
		return gemInvalid("Unsupported image size %q for models/%s. Supported values: %s.", r.imageSize, m.id, strings.Join(m.sizes, ", "))
	case r.personGen != "" && !slices.Contains(personGen, r.personGen):
		return gemInvalid("Invalid value at 'generation_config.image_config.person_generation', %q", r.personGen)
	case r.thinkingLevel != "" && !m.thinking:
		return gemInvalid("Thinking level is not supported for models/%s.", m.id)
	case r.thinkingLevel != "" && !slices.Contains(levels, r.thinkingLevel):
		return gemInvalid("Invalid value at 'generation_config.thinking_config.thinking_level', %q", r.thinkingLevel)
	case len(r.images) > m.maxImages:
		return gemInvalid("Too many input images: %d. models/%s accepts at most %d.", len(r.images), m.id, m.maxImages)
	case strings.TrimSpace(r.prompt()) == "" && len(r.images) == 0:
		return gemInvalid("* GenerateContentRequest.contents: contents is not specified")
	}
	if len(r.modalities) > 0 && !slices.Contains(r.modalities, "IMAGE") && !slices.Contains(r.modalities, "TEXT") {
		return gemInvalid("Model does not support the requested response modalities: %s", strings.Join(r.modalities, ","))
	}
	return nil
}
