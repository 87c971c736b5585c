package fakeapi

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
)

// kind is the JSON type a parameter must have.
type kind int

const (
	kString kind = iota
	kInt
	kBool
)

// Parameters each body form accepts, with their types (openapi.yaml of
// 2026-08-21: CreateImageRequest, CreateImageEditRequest,
// EditImageBodyJsonParam). Multipart edits also accept "moderation", which
// the reference lists as unconfirmed there.
var (
	generationParams = map[string]kind{
		"prompt": kString, "model": kString, "n": kInt, "quality": kString, "response_format": kString,
		"output_format": kString, "output_compression": kInt, "stream": kBool, "partial_images": kInt,
		"size": kString, "moderation": kString, "background": kString, "style": kString, "user": kString,
	}
	multipartEditParams = map[string]kind{
		"prompt": kString, "model": kString, "n": kInt, "quality": kString, "response_format": kString,
		"output_format": kString, "output_compression": kInt, "stream": kBool, "partial_images": kInt,
		"size": kString, "moderation": kString, "background": kString, "user": kString, "input_fidelity": kString,
	}
	jsonEditParams = map[string]kind{
		"prompt": kString, "model": kString, "n": kInt, "quality": kString, "input_fidelity": kString,
		"output_format": kString, "output_compression": kInt, "stream": kBool, "partial_images": kInt,
		"size": kString, "moderation": kString, "background": kString, "user": kString,
	}
)

const (
	maxImageBytes = 50 << 20 // per reference image, GPT image models
	maxMaskBytes  = 4 << 20
)

// request is a parsed images request, whatever its encoding.
type request struct {
	edit      bool
	multipart bool
	values    map[string]any // string, int or bool per parameter
	prompt    string
	images    []inputImage
	mask      *inputImage
}

// inputImage is an uploaded or referenced image.
type inputImage struct {
	param       string // image[0], image, images[0], mask
	filename    string
	contentType string
	data        []byte
	format      string // set by validation: png, jpeg or webp
	width       int
	height      int
}

func (r *request) has(name string) bool { _, ok := r.values[name]; return ok }

func (r *request) str(name string) string { s, _ := r.values[name].(string); return s }

func (r *request) num(name string) int { n, _ := r.values[name].(int); return n }

func (r *request) set(name string, v any) {
	r.values[name] = v
	if name == "prompt" {
		r.prompt = v.(string)
	}
}

// parseJSON reads a JSON body: a generation, or an edit with image URLs.
func parseJSON(hr *http.Request, edit bool) (*request, *apiError) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(io.LimitReader(hr.Body, 64<<20)).Decode(&raw); err != nil || raw == nil {
		return nil, invalid("", "", "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)")
	}
	params := generationParams
	if edit {
		params = jsonEditParams
	}
	req := &request{edit: edit, values: map[string]any{}}
	for name, msg := range raw {
		if err := req.addJSON(name, msg, params); err != nil {
			return nil, err
		}
	}
	return req, nil
}

func (r *request) addJSON(name string, msg json.RawMessage, params map[string]kind) *apiError {
	if r.edit && (name == "images" || name == "mask") {
		return r.addRefs(name, msg)
	}
	k, ok := params[name]
	if !ok {
		return unknownParam(name)
	}
	if string(msg) == "null" {
		return nil
	}
	v, err := decodeKind(name, msg, k)
	if err != nil {
		return err
	}
	r.set(name, v)
	return nil
}

func decodeKind(name string, msg json.RawMessage, k kind) (any, *apiError) {
	switch k {
	case kInt:
		var f float64
		if json.Unmarshal(msg, &f) != nil || f != float64(int(f)) {
			return nil, invalidType(name, "an integer", jsonTypeName(msg))
		}
		return int(f), nil
	case kBool:
		var b bool
		if json.Unmarshal(msg, &b) != nil {
			return nil, invalidType(name, "a boolean", jsonTypeName(msg))
		}
		return b, nil
	default:
		var s string
		if json.Unmarshal(msg, &s) != nil {
			return nil, invalidType(name, "a string", jsonTypeName(msg))
		}
		return s, nil
	}
}

func jsonTypeName(msg json.RawMessage) string {
	switch c := strings.TrimSpace(string(msg)); {
	case strings.HasPrefix(c, `"`):
		return "a string"
	case strings.HasPrefix(c, "{"):
		return "an object"
	case strings.HasPrefix(c, "["):
		return "an array"
	case c == "true" || c == "false":
		return "a boolean"
	default:
		return "a number"
	}
}

// imageRef is an ImageRefParam: exactly one of image_url or file_id.
type imageRef struct {
	ImageURL *string `json:"image_url"`
	FileID   *string `json:"file_id"`
}

func (r *request) addRefs(name string, msg json.RawMessage) *apiError {
	if name == "mask" {
		img, err := decodeRef("mask", msg)
		r.mask = img
		return err
	}
	var items []json.RawMessage
	if json.Unmarshal(msg, &items) != nil {
		return invalidType("images", "an array", jsonTypeName(msg))
	}
	for i, item := range items {
		img, err := decodeRef(fmt.Sprintf("images[%d]", i), item)
		if err != nil {
			return err
		}
		r.images = append(r.images, *img)
	}
	return nil
}

func decodeRef(param string, msg json.RawMessage) (*inputImage, *apiError) {
	var ref imageRef
	dec := json.NewDecoder(strings.NewReader(string(msg)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ref); err != nil {
		return nil, invalid(param, "invalid_value", "Invalid '%s': expected an object with exactly one of 'image_url' or 'file_id'.", param)
	}
	switch {
	case (ref.ImageURL == nil) == (ref.FileID == nil):
		return nil, invalid(param, "invalid_value", "Invalid '%s': provide exactly one of 'image_url' or 'file_id'.", param)
	case ref.FileID != nil:
		return nil, invalid(param+".file_id", "invalid_value", "fakeapi has no Files API: use a data: URL in 'image_url' instead of file id '%s'.", *ref.FileID)
	}
	return decodeDataURL(param, *ref.ImageURL)
}

// decodeDataURL reads data:<mime>;base64,<bytes>. The fake has no network,
// so it cannot fetch http(s) URLs.
func decodeDataURL(param, u string) (*inputImage, *apiError) {
	rest, ok := strings.CutPrefix(u, "data:")
	if !ok {
		return nil, invalid(param+".image_url", "invalid_image_url", "fakeapi cannot fetch '%.40s': use a data: URL.", u)
	}
	meta, payload, ok := strings.Cut(rest, ",")
	mimeType, isB64 := strings.CutSuffix(meta, ";base64")
	data, err := base64.StdEncoding.DecodeString(payload)
	if !ok || !isB64 || err != nil {
		return nil, invalid(param+".image_url", "invalid_image_url", "Invalid data URL in '%s': expected data:<mimetype>;base64,<data>.", param)
	}
	return &inputImage{param: param, contentType: mimeType, data: data}, nil
}

// parseMultipart reads a multipart edit, keeping file parts in order.
func parseMultipart(hr *http.Request) (*request, *apiError) {
	mr, err := hr.MultipartReader()
	if err != nil {
		return nil, invalid("", "", "Invalid multipart/form-data body: %v.", err)
	}
	req := &request{edit: true, multipart: true, values: map[string]any{}}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return req, nil
		}
		if err != nil {
			return nil, invalid("", "", "Invalid multipart/form-data body: %v.", err)
		}
		aerr := req.addPart(part)
		part.Close()
		if aerr != nil {
			return nil, aerr
		}
	}
}

func (r *request) addPart(part *multipart.Part) *apiError {
	name := part.FormName()
	switch name {
	case "image", "image[]", "mask":
		return r.addFilePart(name, part)
	}
	k, ok := multipartEditParams[name]
	if !ok {
		return unknownParam(name)
	}
	b, err := io.ReadAll(io.LimitReader(part, 1<<20))
	if err != nil {
		return invalid(name, "", "Could not read form field '%s'.", name)
	}
	v, aerr := formValue(name, string(b), k)
	if aerr != nil {
		return aerr
	}
	r.set(name, v)
	return nil
}

func formValue(name, s string, k kind) (any, *apiError) {
	switch k {
	case kInt:
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, invalidType(name, "an integer", "a string")
		}
		return n, nil
	case kBool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return nil, invalidType(name, "a boolean", "a string")
		}
		return b, nil
	}
	return s, nil
}

func (r *request) addFilePart(name string, part *multipart.Part) *apiError {
	param := name
	limit := int64(maxImageBytes)
	switch {
	case name == "image[]" || name == "image" && len(r.images) > 0:
		param = fmt.Sprintf("image[%d]", len(r.images))
	case name == "mask":
		limit = maxMaskBytes
	}
	if part.FileName() == "" {
		return invalidType(param, "a file", "a string")
	}
	data, err := io.ReadAll(io.LimitReader(part, limit+1))
	if err != nil {
		return invalid(param, "", "Could not read file '%s'.", param)
	}
	if int64(len(data)) > limit {
		return invalid(param, "file_too_large", "Invalid file '%s': the file is larger than %d MB.", param, limit>>20)
	}
	ct, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
	img := inputImage{param: param, filename: part.FileName(), contentType: ct, data: data}
	if name == "mask" {
		r.mask = &img
	} else {
		r.images = append(r.images, img)
	}
	return nil
}
