package fakeapi

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"testing"

	"github.com/gen2brain/webp"
)

const testKey = "sk-test-0123456789abcdef"

// encodeImage returns a real w x h image in format (png, jpeg or webp).
func encodeImage(t testing.TB, format string, w, h int) []byte {
	t.Helper()
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = 0xff
	}
	m.SetNRGBA(0, 0, color.NRGBA{A: 0})
	var buf bytes.Buffer
	var err error
	switch format {
	case "png":
		err = png.Encode(&buf, m)
	case "jpeg":
		err = jpeg.Encode(&buf, m, nil)
	case "webp":
		err = webp.Encode(&buf, m, webp.Options{Lossless: true})
	default:
		t.Fatalf("encodeImage: unknown format %q", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// answer is a decoded HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) apiError(t testing.TB) errorFields {
	t.Helper()
	var e struct {
		Error *errorFields `json:"error"`
	}
	if err := json.Unmarshal(a.body, &e); err != nil || e.Error == nil {
		t.Fatalf("answer %d is not an OpenAI error: %s", a.status, short(a.body))
	}
	return *e.Error
}

func (a answer) images(t testing.TB) imagesResponse {
	t.Helper()
	var r imagesResponse
	if a.status != http.StatusOK {
		t.Fatalf("status %d: %s", a.status, a.body)
	}
	if err := json.Unmarshal(a.body, &r); err != nil {
		t.Fatalf("decoding ImagesResponse: %v", err)
	}
	return r
}

func do(t testing.TB, req *http.Request) answer {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: body}
}

func postJSON(t testing.TB, url, path, key string, body any) answer {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, url+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	return do(t, req)
}

// filePart is one file of a multipart edit.
type filePart struct {
	field, filename, contentType string
	data                         []byte
}

func postMultipart(t testing.TB, url, key string, fields map[string]string, files []filePart) answer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range files {
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="`+f.field+`"; filename="`+f.filename+`"`)
		if f.contentType != "" {
			h.Set("Content-Type", f.contentType)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, url+"/images/edits", &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+key)
	return do(t, req)
}

func dataURL(mime string, data []byte) string {
	return "data:" + mime + ";base64," + base64.StdEncoding.EncodeToString(data)
}

// decodeB64 decodes an answer's image fully and returns it with its format.
func decodeB64(t testing.TB, b64 string) (image.Image, string) {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("b64_json: %v", err)
	}
	m, format, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decoding returned image: %v", err)
	}
	return m, format
}
