package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// imagesResponse is the wire form of ImagesResponse.
type imagesResponse struct {
	Created      int64       `json:"created"`
	Data         []imageData `json:"data"`
	Background   string      `json:"background,omitempty"`
	OutputFormat string      `json:"output_format,omitempty"`
	Size         string      `json:"size,omitempty"`
	Quality      string      `json:"quality,omitempty"`
	Usage        *usage      `json:"usage,omitempty"`
}

type imageData struct {
	B64JSON       string `json:"b64_json,omitempty"`
	URL           string `json:"url,omitempty"`
	RevisedPrompt string `json:"revised_prompt,omitempty"`
}

// outcome is what a valid request resolves to.
type outcome struct {
	width, height int
	quality       string // as billed: auto resolves to high
	format        string
	background    string
	compression   int
	n             int
}

func resolve(spec modelSpec, req *request) outcome {
	out := outcome{width: 1024, height: 1024, quality: req.str("quality"), format: outputFormat(req),
		background: "opaque", compression: 100, n: 1}
	if w, h, ok := parseSize(req.str("size")); ok {
		out.width, out.height = w, h
	}
	if out.quality == "" || out.quality == "auto" {
		out.quality = "high"
	}
	if req.str("background") == "transparent" {
		out.background = "transparent"
	}
	if req.has("output_compression") {
		out.compression = req.num("output_compression")
	}
	if req.has("n") {
		out.n = req.num("n")
	}
	if !spec.gpt() {
		out.format, out.background = "png", "opaque"
	}
	return out
}

// respond renders the images of a valid request, or garbage when the
// Garbage fault fires. It returns the body and how many real images it has.
func (o *OpenAI) respond(r *http.Request, spec modelSpec, req *request, requestID string) (*imagesResponse, int, *apiError) {
	out := resolve(spec, req)
	resp := &imagesResponse{Created: o.cfg.Now().Unix()}
	if spec.gpt() {
		resp.Background, resp.OutputFormat, resp.Quality = out.background, out.format, out.quality
		resp.Size = fmt.Sprintf("%dx%d", out.width, out.height)
		resp.Usage = computeUsage(spec, req, out.quality, out.width, out.height, out.n)
	}
	fp := fingerprint(spec, req)
	garbage := o.garbage()
	for i := range out.n {
		key := renderKey{width: out.width, height: out.height, format: out.format,
			transparent: out.background == "transparent", compression: out.compression, variant: fp[0] % renderVariants}
		data, err := o.imageBytes(key, fmt.Sprintf("%x-%d", fp[:16], i), garbage)
		if err != nil {
			return nil, 0, &apiError{status: http.StatusInternalServerError, typ: "server_error", message: "fakeapi: " + err.Error()}
		}
		resp.Data = append(resp.Data, o.imageItem(r, spec, req, data, out.format))
	}
	if garbage == GarbageBase64 {
		garble(resp)
	}
	if garbage != GarbageAny {
		return resp, 0, nil
	}
	return resp, out.n, nil
}

// imageBytes renders an image, broken as garbage says (GarbageAny: not).
func (o *OpenAI) imageBytes(key renderKey, tag string, garbage GarbageKind) ([]byte, error) {
	switch garbage {
	case GarbageNotImage:
		return []byte("<html><body>502 Bad Gateway</body></html>"), nil
	case GarbageWrongSize:
		key.width, key.height = key.width/2, key.height/2
	case GarbageWrongFormat:
		key.format = map[string]string{"png": "jpeg"}[key.format]
		if key.format == "" {
			key.format = "png"
		}
	case GarbageTruncated:
		data, err := o.render.render(key, tag)
		return data[:len(data)/2], err
	}
	return o.render.render(key, tag)
}

// garbage draws the Garbage fault and returns how this answer is broken,
// GarbageAny for not at all.
func (o *OpenAI) garbage() GarbageKind {
	if !o.dice.draw("garbage", o.cfg.Garbage) {
		return GarbageAny
	}
	if o.cfg.GarbageKind != GarbageAny {
		return o.cfg.GarbageKind
	}
	return GarbageKind(1 + o.dice.intn(garbageKinds))
}

// garble breaks the base64 of every image.
func garble(resp *imagesResponse) {
	for i := range resp.Data {
		if b := resp.Data[i].B64JSON; b != "" {
			resp.Data[i].B64JSON = "!!" + b[2:len(b)/2] + "%%not-base64%%"
		}
	}
}

// imageItem returns b64_json, or for dall-e with response_format url (the
// default there) a URL served by this fake.
func (o *OpenAI) imageItem(r *http.Request, spec modelSpec, req *request, data []byte, format string) imageData {
	var item imageData
	if spec.family == dallE3 {
		item.RevisedPrompt = "A detailed rendering of: " + req.prompt
	}
	if spec.gpt() || req.str("response_format") == "b64_json" {
		item.B64JSON = base64.StdEncoding.EncodeToString(data)
		return item
	}
	item.URL = o.store(r, data, format)
	return item
}

const (
	filesPrefix = "/fakeapi/files/"
	maxFiles    = 256
)

func (o *OpenAI) store(r *http.Request, data []byte, format string) string {
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:12]) + "." + format
	o.mu.Lock()
	if _, ok := o.files[name]; !ok {
		o.files[name] = storedFile{contentType: "image/" + format, data: data}
		o.fileIDs = append(o.fileIDs, name)
		if len(o.fileIDs) > maxFiles {
			delete(o.files, o.fileIDs[0])
			o.fileIDs = o.fileIDs[1:]
		}
	}
	o.mu.Unlock()
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + filesPrefix + name
}

func (o *OpenAI) serveFile(w http.ResponseWriter, r *http.Request) {
	o.mu.Lock()
	f, ok := o.files[strings.TrimPrefix(r.URL.Path, filesPrefix)]
	o.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", f.contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	_, _ = w.Write(f.data)
}

// fingerprint hashes what determines the output, so the same request gives
// the same bytes.
func fingerprint(spec modelSpec, req *request) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00", spec.id, req.prompt)
	keys := make([]string, 0, len(req.values))
	for k := range req.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "user" {
			fmt.Fprintf(h, "%s=%v\x00", k, req.values[k])
		}
	}
	for _, img := range req.images {
		s := sha256.Sum256(img.data)
		h.Write(s[:])
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

func fmtValue(v any) string { return fmt.Sprint(v) }
