package fakeapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// oakModel is what the fake knows of a model. A second transcription of
// image-apis.md section 2 (2026-11-23), not the provider's table: sizes,
// reference limits and flux's credits are the fake's assumptions where the
// reference marks them unconfirmed.
type oakModel struct {
	id       string
	sizes    []string // fixed sizes; nil: sizeRule
	sizeRule bool     // 256-1440, multiples of 32 (FLUX.1 rule)
	maxRefs  int
	formats  []string
	quality  bool
	credits  int
}

func oakModels() map[string]oakModel {
	gpt := []string{"1024x1024", "1024x1536", "1536x1024", "auto"}
	return map[string]oakModel{
		"gpt-image-1": {id: "gpt-image-1", sizes: append([]string{"2048x2048"}, gpt...), maxRefs: 16,
			formats: []string{"png", "jpeg", "webp"}, quality: true, credits: 16},
		"gpt-image-1-mini": {id: "gpt-image-1-mini", sizes: gpt, maxRefs: 16,
			formats: []string{"png", "jpeg", "webp"}, quality: true, credits: 8},
		"flux-pro-1-1": {id: "flux-pro-1-1", sizeRule: true, formats: []string{"jpeg", "png"}, credits: 10},
	}
}

const (
	oakMaxBody   = 1 << 20
	oakMaxPrompt = 32000
)

// oakRequest is a parsed generation request.
type oakRequest struct {
	model, prompt, size, outputFormat, quality string
	refs                                       []string
	params                                     map[string]string
}

func parseOakRequest(r *http.Request, refField string) (*oakRequest, *oakError) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		return nil, oakErr(http.StatusUnsupportedMediaType, "invalid_content_type", "Content-Type must be application/json, not %q.", ct)
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, oakMaxBody+1))
	if err != nil || len(data) > oakMaxBody {
		return nil, oakErr(http.StatusRequestEntityTooLarge, "payload_too_large", "The request body is over 1 MB.")
	}
	var fields map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fields); err != nil || fields == nil {
		return nil, oakErr(http.StatusBadRequest, "invalid_json", "The request body is not a JSON object.")
	}
	req := &oakRequest{params: map[string]string{}}
	for _, name := range sortedKeys(fields) {
		if err := req.set(name, fields[name], refField); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// set reads one field, refusing unknown fields and wrong types.
func (req *oakRequest) set(name string, raw json.RawMessage, refField string) *oakError {
	if name == refField {
		if err := json.Unmarshal(raw, &req.refs); err != nil {
			return oakErr(http.StatusBadRequest, "invalid_type", "'%s' must be an array of URL strings.", name)
		}
		return nil
	}
	dst := map[string]*string{"model": &req.model, "prompt": &req.prompt, "size": &req.size,
		"output_format": &req.outputFormat, "quality": &req.quality}[name]
	if dst == nil {
		return oakErr(http.StatusBadRequest, "unknown_parameter", "Unknown parameter '%s'.", name)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return oakErr(http.StatusBadRequest, "invalid_type", "'%s' must be a string.", name)
	}
	if name != "model" && name != "prompt" {
		req.params[name] = *dst
	}
	return nil
}

// validate checks the request against its model, as the service would
// before charging credits.
func (req *oakRequest) validate(reachable []string) (oakModel, *oakError) {
	bad := func(code, format string, args ...any) (oakModel, *oakError) {
		return oakModel{}, oakErr(http.StatusBadRequest, code, format, args...)
	}
	models := oakModels()
	m, ok := models[req.model]
	switch {
	case req.model == "":
		return bad("missing_parameter", "'model' is required.")
	case !ok:
		return bad("invalid_model", "Model '%s' is not available. Available models: %s.", req.model, strings.Join(sortedKeys(models), ", "))
	case strings.TrimSpace(req.prompt) == "":
		return bad("missing_parameter", "'prompt' is required.")
	case len([]rune(req.prompt)) > oakMaxPrompt:
		return bad("prompt_too_long", "'prompt' is longer than %d characters.", oakMaxPrompt)
	case req.size != "" && !m.sizeOK(req.size):
		return bad("invalid_size", "Size '%s' is not supported by %s. %s", req.size, m.id, m.sizeHelp())
	case req.outputFormat != "" && !slices.Contains(m.formats, req.outputFormat):
		return bad("invalid_output_format", "output_format '%s' is not supported by %s. Supported: %s.", req.outputFormat, m.id, strings.Join(m.formats, ", "))
	case req.quality != "" && !m.quality:
		return bad("unsupported_parameter", "'quality' is not supported by %s.", m.id)
	case req.quality != "" && !slices.Contains([]string{"low", "medium", "high", "auto"}, req.quality):
		return bad("invalid_quality", "quality '%s' is not one of low, medium, high, auto.", req.quality)
	case len(req.refs) > m.maxRefs && m.maxRefs == 0:
		return bad("unsupported_parameter", "%s does not take reference images.", m.id)
	case len(req.refs) > m.maxRefs:
		return bad("too_many_images", "%s takes at most %d reference images; got %d.", m.id, m.maxRefs, len(req.refs))
	}
	for i, ref := range req.refs {
		if err := checkRefURL(i, ref, reachable); err != nil {
			return oakModel{}, err
		}
	}
	return m, nil
}

func checkRefURL(i int, ref string, reachable []string) *oakError {
	u, err := url.Parse(ref)
	switch {
	case err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil:
		return oakErr(http.StatusBadRequest, "invalid_image_url", "Reference image %d is not a public https URL: %q.", i+1, ref)
	case reachable != nil && !slices.Contains(reachable, ref):
		return oakErr(http.StatusBadRequest, "image_download_failed", "Could not download reference image %d from %s (HTTP 404).", i+1, ref)
	}
	return nil
}

func (m oakModel) sizeOK(size string) bool {
	if !m.sizeRule {
		return slices.Contains(m.sizes, size)
	}
	w, h, ok := parseSize(size)
	return ok && w%32 == 0 && h%32 == 0 && w >= 256 && h >= 256 && w <= 1440 && h <= 1440
}

func (m oakModel) sizeHelp() string {
	if m.sizeRule {
		return "Width and height must be multiples of 32 from 256 to 1440."
	}
	return "Supported sizes: " + strings.Join(m.sizes, ", ") + "."
}

// dims is the output size: the size asked for, or the model's default.
func (req *oakRequest) dims(m oakModel) (int, int) {
	if w, h, ok := parseSize(req.size); ok {
		return w, h
	}
	if m.sizeRule {
		return 1024, 768
	}
	return 1024, 1024
}

func (req *oakRequest) format(m oakModel) string {
	if req.outputFormat != "" {
		return req.outputFormat
	}
	return m.formats[0]
}

// oakFingerprint hashes what determines the output.
func oakFingerprint(req *oakRequest) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", req.model, req.prompt, req.size, req.outputFormat, req.quality)
	for _, r := range req.refs {
		fmt.Fprintf(h, "%s\x00", r)
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}
