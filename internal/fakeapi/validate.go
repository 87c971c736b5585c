package fakeapi

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decodes references a client must not send
	_ "image/jpeg"
	_ "image/png"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	_ "golang.org/x/image/webp" // decodes WebP references
)

// resolveModel picks the model a request names, or the endpoint's default.
func (o *OpenAI) resolveModel(req *request) (modelSpec, *apiError) {
	id := req.str("model")
	if !req.has("model") {
		id = defaultModel(req)
	}
	if slices.Contains(o.cfg.RetiredModels, id) {
		return modelSpec{}, modelRetired(id)
	}
	spec, ok := o.models[id]
	if !ok {
		return modelSpec{}, modelNotFound(id)
	}
	if slices.Contains(o.cfg.UnverifiedModels, id) {
		return modelSpec{}, orgNotVerified(id)
	}
	return spec, nil
}

// defaultModel follows the spec: edits default to gpt-image-1.5;
// generations to dall-e-2 unless a GPT-image-only parameter is present.
func defaultModel(req *request) string {
	if req.edit {
		return "gpt-image-1.5"
	}
	for _, p := range []string{"output_format", "output_compression", "background", "moderation", "stream"} {
		if req.has(p) {
			return "gpt-image-1.5"
		}
	}
	return "dall-e-2"
}

// validate checks a request against its model, in the order the checks
// are listed, and reports the first problem as the real API does.
func validate(spec modelSpec, req *request) *apiError {
	checks := []func(modelSpec, *request) *apiError{
		checkEndpoint, checkPrompt, checkN, checkSize, checkQuality, checkDallE,
		checkGPTOnly, checkFormat, checkBackground, checkCompression, checkFidelity,
		checkStream, checkImages, checkMask,
	}
	for _, check := range checks {
		if err := check(spec, req); err != nil {
			return err
		}
	}
	return nil
}

func checkEndpoint(spec modelSpec, req *request) *apiError {
	if req.edit && spec.maxImages == 0 {
		return invalid("model", "invalid_value", "Invalid model %s: image edits support the GPT image models and dall-e-2.", spec.id)
	}
	if req.edit && !req.multipart && !spec.gpt() {
		return invalid("model", "invalid_value", "JSON image edits support the GPT image models only; use multipart/form-data for %s.", spec.id)
	}
	return nil
}

func checkPrompt(spec modelSpec, req *request) *apiError {
	if !req.has("prompt") {
		return missingParam("prompt")
	}
	n := utf8.RuneCountInString(req.prompt)
	if n == 0 {
		return invalid("prompt", "empty_string", "Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead.")
	}
	if n > spec.maxPrompt {
		return invalid("prompt", "string_above_max_length", "Invalid 'prompt': string too long. Expected a string with maximum length %d, but got a string with length %d instead.", spec.maxPrompt, n)
	}
	return nil
}

func checkN(spec modelSpec, req *request) *apiError {
	if !req.has("n") {
		return nil
	}
	switch n := req.num("n"); {
	case n < 1:
		return invalid("n", "integer_below_min_value", "Invalid 'n': integer below minimum value. Expected a value >= 1, but got %d instead.", n)
	case spec.maxN == 1 && n > 1:
		return invalid("n", "invalid_value", "Invalid 'n': %s supports only n=1.", spec.id)
	case n > spec.maxN:
		return invalid("n", "integer_above_max_value", "Invalid 'n': integer above maximum value. Expected a value <= %d, but got %d instead.", spec.maxN, n)
	}
	return nil
}

func checkSize(spec modelSpec, req *request) *apiError {
	size := req.str("size")
	if !req.has("size") || slices.Contains(spec.sizes, size) {
		return nil
	}
	if req.edit && !req.multipart {
		// EditImageBodyJsonParam lists only the standard sizes.
		return invalidValue("size", size, gptSizes)
	}
	if !spec.freeSize {
		return invalidValue("size", size, spec.sizes)
	}
	return checkFreeSize(size)
}

// checkFreeSize applies the gpt-image-2 rule (openapi.yaml 2026-08-21):
// both sides divisible by 16, aspect ratio between 1:3 and 3:1, at most
// 3840x2160 (a 3840 px edge and 8,294,400 pixels), and at least 655,360
// pixels [3p calculators, image-apis.md 1.3].
func checkFreeSize(size string) *apiError {
	w, h, ok := parseSize(size)
	bad := func(format string, args ...any) *apiError {
		return invalid("size", "invalid_value", "Invalid size '%s': %s", size, fmt.Sprintf(format, args...))
	}
	switch {
	case !ok:
		return bad("expected WIDTHxHEIGHT, such as 1536x864, or 'auto'.")
	case w%16 != 0 || h%16 != 0:
		return bad("width and height must both be divisible by 16.")
	case max(w, h) > 3*min(w, h):
		return bad("the aspect ratio must be between 1:3 and 3:1.")
	case max(w, h) > 3840 || w*h > 3840*2160:
		return bad("the maximum supported resolution is 3840x2160.")
	case w*h < 655_360:
		return bad("the image must have at least 655,360 pixels.")
	}
	return nil
}

func parseSize(s string) (w, h int, ok bool) {
	ws, hs, found := strings.Cut(s, "x")
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	return w, h, found && err1 == nil && err2 == nil && w > 0 && h > 0
}

func checkQuality(spec modelSpec, req *request) *apiError {
	if q := req.str("quality"); req.has("quality") && !spec.acceptsQuality(q) {
		return invalidValue("quality", q, spec.qualities)
	}
	return nil
}

// checkDallE rejects the dall-e-only parameters on other models and checks
// them on dall-e.
func checkDallE(spec modelSpec, req *request) *apiError {
	if req.has("response_format") {
		if spec.gpt() {
			return unknownParam("response_format")
		}
		if rf := req.str("response_format"); rf != "url" && rf != "b64_json" {
			return invalidValue("response_format", rf, []string{"url", "b64_json"})
		}
	}
	if req.has("style") {
		if spec.family != dallE3 {
			return unknownParam("style")
		}
		if s := req.str("style"); s != "vivid" && s != "natural" {
			return invalidValue("style", s, []string{"vivid", "natural"})
		}
	}
	return nil
}

// checkGPTOnly rejects GPT-image parameters on dall-e and checks the enums
// that need no other context.
func checkGPTOnly(spec modelSpec, req *request) *apiError {
	for _, p := range []string{"output_format", "output_compression", "background", "moderation", "stream", "partial_images", "input_fidelity"} {
		if req.has(p) && !spec.gpt() {
			return unknownParam(p)
		}
	}
	if m := req.str("moderation"); req.has("moderation") && m != "low" && m != "auto" {
		return invalidValue("moderation", m, []string{"low", "auto"})
	}
	return nil
}

func outputFormat(req *request) string {
	if f := req.str("output_format"); f != "" {
		return f
	}
	return "png"
}

func checkFormat(spec modelSpec, req *request) *apiError {
	if f := req.str("output_format"); req.has("output_format") && !slices.Contains(spec.formats, f) {
		return invalidValue("output_format", f, spec.formats)
	}
	return nil
}

func checkBackground(spec modelSpec, req *request) *apiError {
	if !req.has("background") {
		return nil
	}
	bg := req.str("background")
	if !slices.Contains([]string{"transparent", "opaque", "auto"}, bg) {
		return invalidValue("background", bg, []string{"transparent", "opaque", "auto"})
	}
	if f := outputFormat(req); bg == "transparent" && f != "png" && f != "webp" {
		return invalid("background", "invalid_value", "Transparent background requires output_format 'png' or 'webp', but got '%s'.", f)
	}
	return nil
}

// checkCompression allows output_compression with jpeg and webp. With png
// only the default 100 is accepted: the spec's own JSON edit example sends
// png with 100.
func checkCompression(spec modelSpec, req *request) *apiError {
	if !req.has("output_compression") {
		return nil
	}
	c := req.num("output_compression")
	if c < 0 || c > 100 {
		return invalid("output_compression", "invalid_value", "Invalid 'output_compression': expected a value between 0 and 100, but got %d.", c)
	}
	if f := outputFormat(req); c != 100 && f != "jpeg" && f != "webp" {
		return invalid("output_compression", "invalid_value", "output_compression is only supported with the jpeg and webp output formats, not '%s'.", f)
	}
	return nil
}

func checkFidelity(spec modelSpec, req *request) *apiError {
	if !req.has("input_fidelity") {
		return nil
	}
	if !spec.fidelity {
		return invalid("input_fidelity", "unsupported_parameter", "input_fidelity is not supported for model %s.", spec.id)
	}
	if f := req.str("input_fidelity"); f != "high" && f != "low" {
		return invalidValue("input_fidelity", f, []string{"high", "low"})
	}
	return nil
}

// checkStream rejects streaming, which the fake does not implement.
func checkStream(spec modelSpec, req *request) *apiError {
	if req.has("partial_images") && (req.num("partial_images") < 0 || req.num("partial_images") > 3) {
		return invalid("partial_images", "invalid_value", "Invalid 'partial_images': expected a value between 0 and 3.")
	}
	if req.values["stream"] == true {
		return invalid("stream", "unsupported_value", "fakeapi does not implement streaming responses.")
	}
	return nil
}

var imageMIMEs = []string{"image/jpeg", "image/png", "image/webp"}

func checkImages(spec modelSpec, req *request) *apiError {
	if !req.edit {
		return nil
	}
	param := "image"
	if !req.multipart {
		param = "images"
	}
	switch n := len(req.images); {
	case n == 0:
		return missingParam(param)
	case n > spec.maxImages:
		return invalid(param, "array_above_max_length", "Invalid '%s': array too long. Expected an array with maximum length %d, but got an array with length %d instead.", param, spec.maxImages, n)
	}
	for i := range req.images {
		if err := checkImageFile(&req.images[i], imageMIMEs); err != nil {
			return err
		}
	}
	return checkDallE2Image(spec, req)
}

func checkDallE2Image(spec modelSpec, req *request) *apiError {
	img := req.images[0]
	if spec.family != dallE2 {
		return nil
	}
	if img.format != "png" || img.width != img.height || len(img.data) > maxMaskBytes {
		return invalid(img.param, "invalid_image", "Invalid input image '%s': dall-e-2 needs a square PNG under 4 MB.", img.param)
	}
	return nil
}

// checkImageFile requires an accepted MIME type and bytes that decode as
// that type. The real API rejects application/octet-stream parts this way.
func checkImageFile(img *inputImage, mimes []string) *apiError {
	if !slices.Contains(mimes, img.contentType) {
		ct := img.contentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		return invalid(img.param, "unsupported_file_mimetype", "Invalid file '%s': unsupported mimetype ('%s'). Supported file formats are %s.", img.param, ct, quoteList(mimes))
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(img.data))
	if err != nil || "image/"+format != img.contentType {
		return invalid(img.param, "invalid_image_file", "Invalid file '%s': the file is not a valid %s image.", img.param, img.contentType)
	}
	img.format, img.width, img.height = format, cfg.Width, cfg.Height
	return nil
}

func checkMask(spec modelSpec, req *request) *apiError {
	m := req.mask
	if m == nil {
		return nil
	}
	if err := checkImageFile(m, []string{"image/png"}); err != nil {
		return err
	}
	if len(m.data) > maxMaskBytes {
		return invalid("mask", "file_too_large", "Invalid 'mask': the mask must be a PNG under 4 MB.")
	}
	first := req.images[0]
	if m.width != first.width || m.height != first.height {
		return invalid("mask", "invalid_value", "Invalid 'mask': the mask (%dx%d) must have the same dimensions as the first image (%dx%d).", m.width, m.height, first.width, first.height)
	}
	return nil
}
