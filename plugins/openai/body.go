package openai

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/textproto"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
)

// body is a request body that can be produced again for each attempt.
type body struct {
	endpoint string // "/images/generations" or "/images/edits"
	fields   []field
	uploads  []upload // edits only
}

type field struct{ name, value string }

// upload is one file part of an edit, with the media type its bytes have.
type upload struct {
	field, filename, mediaType string
	size                       int64 // 0: unknown
	open                       func() (io.ReadCloser, error)
}

// newBody builds the request for s: a JSON generation, or a multipart edit
// when there are references. Reference and mask bytes are checked here,
// locally, before anything is sent.
func newBody(s *spec) (*body, error) {
	b := &body{endpoint: "/images/generations", fields: s.fields()}
	if len(s.refs) == 0 {
		return b, nil
	}
	b.endpoint = "/images/edits"
	uploads, err := referenceUploads(s)
	if err != nil {
		return nil, err
	}
	b.uploads = uploads
	if s.mask == "" {
		return b, nil
	}
	mask, err := maskUpload(s)
	if err != nil {
		return nil, err
	}
	b.uploads = append(b.uploads, mask)
	return b, nil
}

// fields lists the parameters to send, in a stable order; unset options
// are left to the API's defaults.
func (s *spec) fields() []field {
	fs := []field{{"model", s.modelID}, {"prompt", s.prompt}}
	add := func(name, value string) {
		if value != "" {
			fs = append(fs, field{name, value})
		}
	}
	add("size", s.size)
	add("quality", s.quality)
	if s.model == nil || s.model.Family == GPTImage {
		add("output_format", s.format)
	} else {
		add("response_format", "b64_json")
	}
	add("background", s.background)
	if s.hasCompress {
		add("output_compression", strconv.Itoa(s.compression))
	}
	add("moderation", s.moderation)
	add("input_fidelity", s.fidelity)
	add("user", s.user)
	return fs
}

// referenceUploads opens each reference to read its header: its format,
// taken from its bytes, gives the part's MIME type (OpenAI refuses
// application/octet-stream parts), and its size is checked.
func referenceUploads(s *spec) ([]upload, error) {
	field := "image[]"
	if s.model != nil && s.model.Family == DallE2 {
		field = "image"
	}
	var ups []upload
	for i, r := range s.refs {
		format, w, h, err := sniffReference(r)
		if err != nil {
			return nil, invalidf("reference %d (%s): %v", i+1, r.Name, err)
		}
		if s.model != nil && s.model.Family == DallE2 && (format != imagefmt.PNG || w != h || r.Size > maxMaskBytes) {
			return nil, invalidf("reference %d (%s) is a %dx%d %s. %s", i+1, r.Name, w, h, format, dallE2RefDetail)
		}
		if i == 0 {
			s.refWidth, s.refHeight = w, h
		}
		ups = append(ups, upload{field: field, filename: partName(uploadName(r), r.Kind != "image", format), mediaType: imagefmt.MediaType(format), size: r.Size, open: r.Open})
	}
	return ups, nil
}

func sniffReference(r sdk.Reference) (format string, w, h int, err error) {
	if r.Size > maxRefBytes {
		return "", 0, 0, fmt.Errorf("%.1f MB is over OpenAI's 50 MB limit per image", float64(r.Size)/(1<<20))
	}
	rc, err := r.Open()
	if err != nil {
		return "", 0, 0, fmt.Errorf("opening: %w", err)
	}
	defer rc.Close()
	return imagefmt.Sniff(rc)
}

// maskUpload reads the mask (at most 4 MB) that easel hands over and checks
// it is a PNG the size of the first reference.
func maskUpload(s *spec) (upload, error) {
	if s.maskFile == nil {
		return upload{}, invalidf("mask %s: easel did not hand over the file (an easel older than this provider?)", s.mask)
	}
	rc, err := s.maskFile.Open()
	if err != nil {
		return upload{}, invalidf("mask %s: %v", s.mask, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxMaskBytes+1))
	if err != nil {
		return upload{}, invalidf("reading mask %s: %v", s.mask, err)
	}
	if len(data) > maxMaskBytes {
		return upload{}, invalidf("mask %s is over OpenAI's 4 MB limit", s.mask)
	}
	format, w, h, err := imagefmt.Sniff(bytes.NewReader(data))
	switch {
	case err != nil || format != imagefmt.PNG:
		return upload{}, invalidf("mask %s is not a PNG image", s.mask)
	case w != s.refWidth || h != s.refHeight:
		return upload{}, invalidf("mask %s is %dx%d but the first reference (%s) is %dx%d: they must be the same size",
			s.mask, w, h, s.refs[0].Name, s.refWidth, s.refHeight)
	}
	open := func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return upload{field: "mask", filename: partName(s.mask, true, format), mediaType: "image/png", size: int64(len(data)), open: open}, nil
}

// uploadName is what a reference's part is named after: its path, or for
// a URL the path of the URL alone (never its query, which may be signed).
func uploadName(r sdk.Reference) string {
	if r.Kind != "url" {
		return r.Name
	}
	if u, err := url.Parse(r.Name); err == nil {
		return u.Path
	}
	return ""
}

// partName is a safe file name for a part: a file's base name, or an
// image's address, with the extension its format has.
func partName(name string, isFile bool, format string) string {
	base := name
	if isFile {
		base = path.Base(strings.ReplaceAll(name, `\`, "/"))
		base = strings.TrimSuffix(base, path.Ext(base))
	}
	base = strings.Map(func(r rune) rune {
		if r < 128 && (r == '.' || r == '-' || r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, base)
	if base == "" || base == "." {
		base = "image"
	}
	ext := map[string]string{imagefmt.PNG: ".png", imagefmt.JPEG: ".jpg", imagefmt.WebP: ".webp"}[format]
	return base + ext
}

// open returns a fresh reader over the body, its content type and length
// (-1 if unknown). An edit streams its files through a pipe, so memory
// stays flat whatever their size; done is closed when the writer is done.
func (b *body) open() (r io.Reader, contentType string, length int64, done <-chan struct{}) {
	closed := make(chan struct{})
	if b.uploads == nil {
		close(closed)
		data := b.json()
		return bytes.NewReader(data), "application/json", int64(len(data)), closed
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	length = b.multipartLength(mw.Boundary())
	go func() {
		defer close(closed)
		pw.CloseWithError(b.writeMultipart(mw))
	}()
	return pr, mw.FormDataContentType(), length, closed
}

// multipartLength computes the body's length with the given boundary
// without reading any file, so the request can carry a Content-Length;
// -1 when a file's size is unknown.
func (b *body) multipartLength(boundary string) int64 {
	var cw countingWriter
	mw := multipart.NewWriter(&cw)
	if mw.SetBoundary(boundary) != nil {
		return -1
	}
	total := int64(0)
	for _, f := range b.fields {
		_ = mw.WriteField(f.name, f.value) // a countingWriter never fails
	}
	for _, u := range b.uploads {
		if u.size <= 0 {
			return -1
		}
		_, _ = mw.CreatePart(partHeader(u))
		total += u.size
	}
	_ = mw.Close()
	return total + cw.n
}

type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func (b *body) json() []byte {
	m := map[string]any{}
	for _, f := range b.fields {
		m[f.name] = f.value
		if f.name == "output_compression" {
			m[f.name], _ = strconv.Atoi(f.value)
		}
	}
	data, _ := json.Marshal(m) // strings and ints always marshal
	return data
}

func (b *body) writeMultipart(mw *multipart.Writer) error {
	for _, f := range b.fields {
		if err := mw.WriteField(f.name, f.value); err != nil {
			return err
		}
	}
	for _, u := range b.uploads {
		if err := writeUpload(mw, u); err != nil {
			return err
		}
	}
	return mw.Close()
}

// writeUpload writes one file part with its real media type.
func writeUpload(mw *multipart.Writer, u upload) error {
	w, err := mw.CreatePart(partHeader(u))
	if err != nil {
		return err
	}
	rc, err := u.open()
	if err != nil {
		return fmt.Errorf("opening %s: %w", u.filename, err)
	}
	defer rc.Close()
	_, err = io.Copy(w, rc)
	return err
}

func partHeader(u upload) textproto.MIMEHeader {
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="%s"; filename="%s"`, u.field, u.filename))
	h.Set("Content-Type", u.mediaType)
	return h
}

// invalidf is a request the API would refuse, found before sending it.
func invalidf(format string, args ...any) *sdk.Error {
	return &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf(format, args...)}
}
