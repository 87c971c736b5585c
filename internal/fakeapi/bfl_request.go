package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strings"
)

// bflModel is what the fake knows of one BFL endpoint: a second
// transcription of image-apis.md section 3 (2026-11-23), not the
// provider's table.
type bflModel struct {
	id string
	// family: "flux1" and "dev" (width/height, multiples of 32, 256-1440), "ultra"
	// (aspect_ratio, ~4 MP), "kontext" (aspect_ratio, ~1 MP, input
	// images), "flux2" (width/height, multiples of 16, >= 64, <= 4 MP).
	family    string
	maxImages int // input_image fields (flux1 and ultra take image_prompt)
	maxTol    int // safety_tolerance maximum
	maxActive int // tasks in flight per key
	flex      bool
}

func bflModels() map[string]bflModel {
	ms := []bflModel{
		{id: "flux-pro-1.1", family: "flux1", maxTol: 6, maxActive: 24},
		{id: "flux-pro-1.1-ultra", family: "ultra", maxTol: 6, maxActive: 24},
		{id: "flux-kontext-pro", family: "kontext", maxImages: 4, maxTol: 6, maxActive: 24},
		{id: "flux-kontext-max", family: "kontext", maxImages: 4, maxTol: 6, maxActive: 6},
		{id: "flux-2-pro", family: "flux2", maxImages: 8, maxTol: 5, maxActive: 24},
		{id: "flux-2-max", family: "flux2", maxImages: 8, maxTol: 5, maxActive: 24},
		{id: "flux-2-flex", family: "flux2", maxImages: 8, maxTol: 5, maxActive: 24, flex: true},
		{id: "flux-2-klein-4b", family: "flux2", maxImages: 4, maxTol: 5, maxActive: 24},
		{id: "flux-2-klein-9b", family: "flux2", maxImages: 4, maxTol: 5, maxActive: 24},
		// FLUX.1 [dev]: FLUX.1 sizes, steps and guidance, no upsampling or
		// image prompt (image-apis.md: "generic generation fields").
		{id: "flux-dev", family: "dev", maxTol: 6, maxActive: 24, flex: true},
	}
	out := map[string]bflModel{}
	for _, m := range ms {
		out[m.id] = m
	}
	return out
}

// fields returns the body fields the model accepts, with their kinds.
func (m bflModel) fields() map[string]string {
	f := map[string]string{"prompt": "string", "seed": "int", "safety_tolerance": "int", "output_format": "string",
		"webhook_url": "string", "webhook_secret": "string"}
	switch m.family {
	case "flux1":
		f["width"], f["height"], f["prompt_upsampling"], f["image_prompt"] = "int", "int", "bool", "image"
	case "ultra":
		f["aspect_ratio"], f["raw"], f["image_prompt"], f["image_prompt_strength"] = "string", "bool", "image", "number"
	case "kontext":
		f["aspect_ratio"], f["prompt_upsampling"] = "string", "bool"
	case "flux2", "dev":
		f["width"], f["height"] = "int", "int"
	}
	if m.flex {
		f["steps"], f["guidance"] = "int", "number"
	}
	for i := 1; i <= m.maxImages; i++ {
		f[bflImageField(i)] = "image"
	}
	return f
}

func bflImageField(i int) string {
	if i == 1 {
		return "input_image"
	}
	return fmt.Sprintf("input_image_%d", i)
}

// bflRequest is a parsed submission.
type bflRequest struct {
	prompt string
	values map[string]any // every field, decoded
	images []inputImage   // image_prompt and input_image*, in field order
	urls   []string       // input images given as URLs
}

// bflInvalid is a 422 in FastAPI's shape.
func bflInvalid(field, typ, format string, args ...any) *bflError {
	loc := []any{"body"}
	if field != "" {
		loc = append(loc, field)
	}
	return &bflError{status: http.StatusUnprocessableEntity,
		body: map[string]any{"detail": []any{map[string]any{"loc": loc, "msg": fmt.Sprintf(format, args...), "type": typ}}}}
}

func parseBFLRequest(data []byte, m bflModel) (*bflRequest, *bflError) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return nil, bflInvalid("", "json_invalid", "JSON decode error")
	}
	req := &bflRequest{values: map[string]any{}}
	fields := m.fields()
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		kind, ok := fields[k]
		if !ok {
			return nil, bflInvalid(k, "extra_forbidden", "Extra inputs are not permitted")
		}
		if err := req.set(k, kind, raw[k]); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (req *bflRequest) set(name, kind string, raw json.RawMessage) *bflError {
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return bflInvalid(name, "json_invalid", "Invalid JSON value")
	}
	if v == nil {
		return nil
	}
	switch kind {
	case "string":
		s, ok := v.(string)
		if !ok {
			return bflInvalid(name, "string_type", "Input should be a valid string")
		}
		req.values[name] = s
		if name == "prompt" {
			req.prompt = s
		}
	case "int", "number":
		n, ok := v.(json.Number)
		f, err := n.Float64()
		if !ok || err != nil || kind == "int" && f != math.Trunc(f) {
			return bflInvalid(name, kind+"_type", "Input should be a valid %s", map[string]string{"int": "integer", "number": "number"}[kind])
		}
		req.values[name] = f
	case "bool":
		b, ok := v.(bool)
		if !ok {
			return bflInvalid(name, "bool_type", "Input should be a valid boolean")
		}
		req.values[name] = b
	case "image":
		s, ok := v.(string)
		if !ok {
			return bflInvalid(name, "string_type", "Input should be a valid string")
		}
		return req.addImage(name, s)
	}
	return nil
}

// addImage takes an input image: an http(s) URL, or base64 (a data URL
// too) of a PNG, JPEG or WebP.
func (req *bflRequest) addImage(name, s string) *bflError {
	if u, err := url.Parse(s); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		req.urls = append(req.urls, s)
		req.values[name] = "url"
		return nil
	}
	if _, payload, ok := strings.Cut(s, ";base64,"); ok && strings.HasPrefix(s, "data:") {
		s = payload
	}
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return bflInvalid(name, "value_error", "Invalid image: not a URL or valid base64")
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return bflInvalid(name, "value_error", "Invalid image: could not decode the image data")
	}
	req.images = append(req.images, inputImage{param: name, contentType: "image/" + format, width: cfg.Width, height: cfg.Height, data: data})
	req.values[name] = "base64"
	return nil
}

func (req *bflRequest) num(name string) (float64, bool) {
	f, ok := req.values[name].(float64)
	return f, ok
}

// validate checks the values against the model's rules.
func (req *bflRequest) validate(m bflModel) *bflError {
	if strings.TrimSpace(req.prompt) == "" {
		return bflInvalid("prompt", "missing", "Field required")
	}
	if t, ok := req.num("safety_tolerance"); ok && (t < 0 || t > float64(m.maxTol)) {
		return bflInvalid("safety_tolerance", "less_than_equal", "Input should be less than or equal to %d", m.maxTol)
	}
	if f, ok := req.values["output_format"].(string); ok && f != "jpeg" && f != "png" {
		return bflInvalid("output_format", "enum", "Input should be 'jpeg' or 'png'")
	}
	if s, ok := req.num("seed"); ok && (s < 0 || s > math.MaxUint32) {
		return bflInvalid("seed", "value_error", "seed must be between 0 and %d", uint32(math.MaxUint32))
	}
	if err := req.validateSize(m); err != nil {
		return err
	}
	return req.validateFlex(m)
}

func (req *bflRequest) validateSize(m bflModel) *bflError {
	if r, ok := req.values["aspect_ratio"].(string); ok {
		rw, rh, ok := parseRatio(r)
		if !ok || rw/rh > 21.0/9+1e-9 || rh/rw > 21.0/9+1e-9 {
			return bflInvalid("aspect_ratio", "value_error", "Aspect ratio must be between 21:9 and 9:21")
		}
	}
	w, wok := req.num("width")
	h, hok := req.num("height")
	switch m.family {
	case "flux1", "dev":
		for name, v := range map[string]float64{"width": w, "height": h} {
			if (name == "width" && wok || name == "height" && hok) && (v < 256 || v > 1440 || int(v)%32 != 0) {
				return bflInvalid(name, "value_error", "%s must be a multiple of 32 between 256 and 1440", name)
			}
		}
	case "flux2":
		for name, v := range map[string]float64{"width": w, "height": h} {
			if (name == "width" && wok || name == "height" && hok) && (v < 64 || int(v)%16 != 0) {
				return bflInvalid(name, "value_error", "%s must be a multiple of 16 and at least 64", name)
			}
		}
		if wok && hok && w*h > 4*1024*1024 {
			return bflInvalid("width", "value_error", "width x height must be at most 4 megapixels")
		}
	}
	return nil
}

func (req *bflRequest) validateFlex(m bflModel) *bflError {
	if s, ok := req.num("steps"); ok && (s < 1 || s > 50) {
		return bflInvalid("steps", "value_error", "steps must be between 1 and 50")
	}
	if g, ok := req.num("guidance"); ok && (g < 1.5 || g > 10) {
		return bflInvalid("guidance", "value_error", "guidance must be between 1.5 and 10")
	}
	if s, ok := req.num("image_prompt_strength"); ok && (s < 0 || s > 1) {
		return bflInvalid("image_prompt_strength", "value_error", "image_prompt_strength must be between 0 and 1")
	}
	return nil
}

func parseRatio(r string) (float64, float64, bool) {
	var w, h float64
	if _, err := fmt.Sscanf(r, "%g:%g", &w, &h); err != nil || w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}

// dims is the output size: width and height as asked or the model's
// default, or the aspect ratio (else Ultra's 16:9, Kontext's first input
// image's, else 1:1) at the model's pixel count in multiples of 32.
func (req *bflRequest) dims(m bflModel) (int, int) {
	w, wok := req.num("width")
	h, hok := req.num("height")
	switch {
	case m.family == "flux1" || m.family == "flux2" || m.family == "dev":
		dw, dh := 1024, 768
		if m.family == "flux2" {
			dw, dh = 1024, 1024
			if len(req.images) > 0 {
				dw, dh = req.images[0].width/16*16, req.images[0].height/16*16
			}
		}
		if wok {
			dw = int(w)
		}
		if hok {
			dh = int(h)
		}
		return dw, dh
	}
	rw, rh := 1.0, 1.0
	if m.family == "ultra" {
		rw, rh = 16, 9 // Ultra's default
	}
	if r, ok := req.values["aspect_ratio"].(string); ok {
		rw, rh, _ = parseRatio(r)
	} else if len(req.images) > 0 && m.family == "kontext" {
		rw, rh = float64(req.images[0].width), float64(req.images[0].height)
	}
	pixels := 1024.0 * 1024
	if m.family == "ultra" {
		pixels = 2048 * 2048
	}
	width := math.Sqrt(pixels * rw / rh)
	return int(math.Round(width/32)) * 32, int(math.Round(width*rh/rw/32)) * 32
}

func (req *bflRequest) format() string {
	if f, ok := req.values["output_format"].(string); ok {
		return f
	}
	return "jpeg"
}
