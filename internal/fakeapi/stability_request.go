package fakeapi

import (
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// stabError is an error answer in the shape Stability's clients read:
// {"id", "name", "errors": [...]}.
type stabError struct {
	status int
	name   string
	errors []string
	header http.Header
}

func (e *stabError) write(w http.ResponseWriter, id string) {
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	writeJSON(w, e.status, map[string]any{"id": id, "name": e.name, "errors": e.errors})
}

func stabBad(format string, args ...any) *stabError {
	return &stabError{status: http.StatusBadRequest, name: "bad_request", errors: []string{fmt.Sprintf(format, args...)}}
}

// stabEndpoint is what one /v2beta/stable-image/generate/{name} accepts,
// from shared/reference/image-apis.md section 5 (2026-11-23).
type stabEndpoint struct {
	name    string
	fields  []string
	formats []string
	image   bool // accepts image + strength
	models  []string
	scale   float64 // output size relative to the 1 MP table
}

func stabEndpoints() map[string]stabEndpoint {
	common := []string{"prompt", "negative_prompt", "aspect_ratio", "seed", "output_format"}
	return map[string]stabEndpoint{
		"ultra": {name: "ultra", fields: slices.Concat(common, []string{"image", "strength"}), formats: []string{"png", "jpeg", "webp"}, image: true, scale: 1.5},
		"core":  {name: "core", fields: slices.Concat(common, []string{"style_preset"}), formats: []string{"png", "jpeg", "webp"}, scale: 1},
		"sd3": {name: "sd3", fields: slices.Concat(common, []string{"style_preset", "model", "mode", "image", "strength"}), formats: []string{"png", "jpeg"},
			image: true, models: []string{"sd3.5-large", "sd3.5-large-turbo", "sd3.5-medium"}, scale: 1},
	}
}

var (
	stabRatios = []string{"16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"}
	// stabPresets is the style_preset enum of Stability's API reference;
	// the research notes list only examples.
	stabPresets = []string{"3d-model", "analog-film", "anime", "cinematic", "comic-book", "digital-art", "enhance", "fantasy-art",
		"isometric", "line-art", "low-poly", "modeling-compound", "neon-punk", "origami", "photographic", "pixel-art", "tile-texture"}
)

// stabDims is the roughly 1 MP output size per aspect ratio.
func stabDims(ratio string) (int, int) {
	d := map[string][2]int{"1:1": {1024, 1024}, "16:9": {1344, 768}, "21:9": {1536, 640}, "2:3": {832, 1216}, "3:2": {1216, 832},
		"4:5": {896, 1088}, "5:4": {1088, 896}, "9:16": {768, 1344}, "9:21": {640, 1536}}[ratio]
	return d[0], d[1]
}

// stabRequest is a parsed generation request.
type stabRequest struct {
	fields map[string]string
	image  *inputImage
}

func (r *stabRequest) get(name string) string { return r.fields[name] }

func (r *stabRequest) has(name string) bool { _, ok := r.fields[name]; return ok }

const stabMaxBody = 10 << 20

// parseStabRequest reads a multipart body: every field once, only the
// endpoint's fields, the image as a file part.
func parseStabRequest(hr *http.Request, ep stabEndpoint) (*stabRequest, *stabError) {
	ct, params, err := mime.ParseMediaType(hr.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return nil, stabBad("content-type: must be multipart/form-data")
	}
	mr := multipart.NewReader(io.LimitReader(hr.Body, stabMaxBody+1), params["boundary"])
	req := &stabRequest{fields: map[string]string{}}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return req, nil
		}
		if err != nil {
			return nil, &stabError{status: http.StatusRequestEntityTooLarge, name: "payload_too_large",
				errors: []string{fmt.Sprintf("body: the request is malformed or larger than %d bytes", stabMaxBody)}}
		}
		if err := req.addPart(part, ep); err != nil {
			return nil, err
		}
	}
}

func (r *stabRequest) addPart(part *multipart.Part, ep stabEndpoint) *stabError {
	name := part.FormName()
	switch {
	case !slices.Contains(ep.fields, name):
		return stabBad("%s: is not a valid field for %s", name, ep.name)
	case r.has(name) || (name == "image" && r.image != nil):
		return stabBad("%s: must be sent once", name)
	}
	data, err := io.ReadAll(part)
	if err != nil {
		return stabBad("body: could not be read")
	}
	if name != "image" {
		r.fields[name] = string(data)
		return nil
	}
	if part.FileName() == "" {
		return stabBad("image: must be a file")
	}
	r.image = &inputImage{param: "image", filename: part.FileName(), contentType: part.Header.Get("Content-Type"), data: data}
	return nil
}

// validate checks the fields as the service does.
func (r *stabRequest) validate(ep stabEndpoint) *stabError {
	checks := []func(stabEndpoint) *stabError{r.checkPrompt, r.checkEnums, r.checkSeed, r.checkMode, r.checkImage}
	for _, check := range checks {
		if err := check(ep); err != nil {
			return err
		}
	}
	return nil
}

func (r *stabRequest) checkPrompt(stabEndpoint) *stabError {
	p := r.get("prompt")
	switch n := utf8.RuneCountInString(p); {
	case strings.TrimSpace(p) == "":
		return stabBad("prompt: cannot be empty")
	case n > 10000:
		return stabBad("prompt: must be at most 10000 characters, got %d", n)
	case utf8.RuneCountInString(r.get("negative_prompt")) > 10000:
		return stabBad("negative_prompt: must be at most 10000 characters")
	}
	return nil
}

func (r *stabRequest) checkEnums(ep stabEndpoint) *stabError {
	enum := func(name string, values []string) *stabError {
		if v, ok := r.fields[name]; ok && !slices.Contains(values, v) {
			return stabBad("%s: must be one of %s, got %q", name, strings.Join(values, ", "), v)
		}
		return nil
	}
	for _, e := range []struct {
		name   string
		values []string
	}{{"aspect_ratio", stabRatios}, {"output_format", ep.formats}, {"style_preset", stabPresets}, {"model", ep.models}, {"mode", []string{"text-to-image", "image-to-image"}}} {
		if err := enum(e.name, e.values); err != nil {
			return err
		}
	}
	return nil
}

func (r *stabRequest) checkSeed(stabEndpoint) *stabError {
	if !r.has("seed") {
		return nil
	}
	if n, err := strconv.ParseInt(r.get("seed"), 10, 64); err != nil || n < 0 || n > 4294967294 {
		return stabBad("seed: must be an integer from 0 to 4294967294, got %q", r.get("seed"))
	}
	return nil
}

// checkMode checks image-to-image: sd3 says so with mode, ultra with the
// image alone; both need strength then, and no aspect_ratio.
func (r *stabRequest) checkMode(ep stabEndpoint) *stabError {
	i2i := r.image != nil
	if ep.name == "sd3" {
		i2i = r.get("mode") == "image-to-image"
		switch {
		case i2i && r.image == nil:
			return stabBad("image: is required for mode image-to-image")
		case !i2i && r.image != nil:
			return stabBad("image: is only allowed with mode image-to-image")
		}
	}
	switch {
	case i2i && !r.has("strength"):
		return stabBad("strength: is required when an image is sent")
	case !i2i && r.has("strength"):
		return stabBad("strength: is only allowed with an image")
	case i2i && r.has("aspect_ratio"):
		return stabBad("aspect_ratio: is only allowed for text-to-image; the output follows the image's aspect ratio")
	}
	if !r.has("strength") {
		return nil
	}
	if f, err := strconv.ParseFloat(r.get("strength"), 64); err != nil || f < 0 || f > 1 {
		return stabBad("strength: must be a number from 0 to 1, got %q", r.get("strength"))
	}
	return nil
}

// checkImage checks an uploaded image: a real PNG, JPEG or WebP of its
// content type, at least 64 px a side, at most 9,437,184 pixels, aspect
// ratio within 1:2.5 and 2.5:1.
func (r *stabRequest) checkImage(stabEndpoint) *stabError {
	img := r.image
	if img == nil {
		return nil
	}
	if !slices.Contains([]string{"image/png", "image/jpeg", "image/webp"}, img.contentType) {
		return stabBad("image: unsupported content type %q; use image/png, image/jpeg or image/webp", img.contentType)
	}
	if err := sniffInput(img); err != nil {
		return stabBad("image: is not a valid %s image", img.contentType)
	}
	w, h := img.width, img.height
	switch {
	case w < 64 || h < 64:
		return stabBad("image: width and height must be at least 64 pixels, got %dx%d", w, h)
	case w*h > 9_437_184:
		return stabBad("image: must have at most 9437184 pixels, got %d", w*h)
	case 2*w > 5*h || 2*h > 5*w:
		return stabBad("image: aspect ratio must be between 1:2.5 and 2.5:1, got %dx%d", w, h)
	}
	return nil
}
