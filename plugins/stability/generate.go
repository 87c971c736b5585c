package stability

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, builds the
// multipart body once, waits for a concurrency slot and calls the endpoint
// under vendorapi's retry policy.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	c, err := p.configured()
	if err != nil {
		return nil, err
	}
	s, diags := resolve(req)
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	body, contentType, err := s.body()
	if err != nil {
		return nil, err
	}
	return c.Generate(ctx, diags.Warnings(), func(ctx context.Context) vendorapi.Outcome { return s.attempt(ctx, c, body, contentType) })
}

// maxRefBytes bounds the reference read into memory.
const maxRefBytes = 50 << 20

// body is the multipart/form-data request: the fields that are set, and
// the reference as the "image" file part with its real content type.
func (s *spec) body() ([]byte, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	field := func(name, value string) {
		if value != "" {
			_ = mw.WriteField(name, value) // a bytes.Buffer does not fail
		}
	}
	field("prompt", s.prompt)
	field("negative_prompt", s.negative)
	field("aspect_ratio", s.ratio)
	if s.seed != 0 {
		field("seed", strconv.FormatInt(s.seed, 10))
	}
	field("style_preset", s.style)
	field("output_format", s.request)
	if s.endpoint == "sd3" {
		field("model", s.modelID)
		if len(s.refs) > 0 {
			field("mode", "image-to-image")
		}
	}
	if len(s.refs) > 0 {
		field("strength", s.strength)
		if err := s.writeImage(mw); err != nil {
			return nil, "", err
		}
	}
	if err := mw.Close(); err != nil {
		return nil, "", err
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

func (s *spec) writeImage(mw *multipart.Writer) error {
	r := s.refs[0]
	rc, err := r.Open()
	if err != nil {
		return &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("reference %s: %v", r.Name, err)}
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxRefBytes+1))
	if err != nil || len(data) > maxRefBytes {
		return &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("reference %s: unreadable or larger than %d MB", r.Name, maxRefBytes>>20)}
	}
	format, _, _, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil {
		return &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("reference %s: %v", r.Name, err)}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="image"; filename="reference.%s"`, format))
	h.Set("Content-Type", imagefmt.MediaType(format))
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// attempt sends the request once and classifies the answer.
func (s *spec) attempt(ctx context.Context, c *vendorapi.Client, body []byte, contentType string) vendorapi.Outcome {
	hreq, err := http.NewRequestWithContext(ctx, http.MethodPost, c.URL("/v2beta/stable-image/generate/"+s.endpoint), bytes.NewReader(body))
	if err != nil {
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrInvalid, Message: "building the request: " + c.Redact(err.Error())}}
	}
	hreq.Header.Set("Content-Type", contentType)
	hreq.Header.Set("Accept", "image/*")
	hreq.Header.Set("User-Agent", "easel-stability/"+Version)
	if key := c.Settings.APIKey; key != "" {
		hreq.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := c.Do(ctx, hreq)
	if err != nil {
		return c.NetworkOutcome(err, true)
	}
	if resp.Status != http.StatusOK {
		return s.classifyError(c, resp)
	}
	return s.decode(c, resp)
}
