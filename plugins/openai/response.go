package openai

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
)

// imagesResponse is ImagesResponse. Size is a plain string: gpt-image-2
// returns sizes outside the spec's enum.
type imagesResponse struct {
	Created int64 `json:"created"`
	Data    []struct {
		B64JSON       string `json:"b64_json"`
		URL           string `json:"url"`
		RevisedPrompt string `json:"revised_prompt"`
	} `json:"data"`
	Background   string `json:"background"`
	OutputFormat string `json:"output_format"`
	Size         string `json:"size"`
	Quality      string `json:"quality"`
	Usage        *struct {
		InputTokens        int `json:"input_tokens"`
		OutputTokens       int `json:"output_tokens"`
		InputTokensDetails struct {
			TextTokens  int `json:"text_tokens"`
			ImageTokens int `json:"image_tokens"`
		} `json:"input_tokens_details"`
	} `json:"usage"`
}

// decode turns a 200 answer into a checked image. Anything unusable is an
// error that may have been billed: the API answered 200.
func (c *call) decode(ctx context.Context, data []byte, reqID string) (*sdk.Response, error) {
	garbage := func(format string, args ...any) error {
		return &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: "OpenAI returned an unusable image: " + fmt.Sprintf(format, args...) + requestIDNote(reqID)}
	}
	var r imagesResponse
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, garbage("the body is not an images response (%v)", err)
	}
	if len(r.Data) == 0 {
		return nil, garbage("no image in the answer")
	}
	img, err := c.imageBytes(ctx, r.Data[0].B64JSON, r.Data[0].URL)
	if err != nil {
		return nil, garbage("%v", err)
	}
	if err := c.spec.check(img, r.Size); err != nil {
		return nil, garbage("%v", err)
	}
	return c.response(&r, img, reqID), nil
}

// imageBytes decodes b64_json, or downloads url (dall-e, and compatible
// servers) without sending the API key to wherever it points.
func (c *call) imageBytes(ctx context.Context, b64, url string) ([]byte, error) {
	if b64 != "" {
		img, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("b64_json is not valid base64")
		}
		return img, nil
	}
	if url == "" {
		return nil, fmt.Errorf("the answer has neither b64_json nor url")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("bad image url: %v", err)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("downloading the image: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading the image: HTTP %d", resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
}

// check verifies an image is complete and has the format and size asked
// for. With size auto, the answer's size field (or a standard size) is
// what is expected.
func (s *spec) check(img []byte, reportedSize string) error {
	format, w, h, err := imagefmt.Sniff(bytes.NewReader(img))
	if err != nil {
		return err
	}
	if format != s.format {
		return fmt.Errorf("it is %s, not the %s asked for", format, s.format)
	}
	if err := complete(format, img); err != nil {
		return err
	}
	got := fmt.Sprintf("%dx%d", w, h)
	switch {
	case s.width > 0 && (w != s.width || h != s.height):
		return fmt.Errorf("it is %s, not the %s asked for", got, s.size)
	case s.width == 0 && reportedSize != "" && got != reportedSize:
		return fmt.Errorf("it is %s, but the answer says %s", got, reportedSize)
	case s.width == 0 && reportedSize == "" && !slices.Contains(standardSizes(), got):
		return fmt.Errorf("it is %s, which is no size auto can give", got)
	}
	return nil
}

// complete checks a file's end, which Sniff does not read: PNG ends with
// IEND, JPEG with EOI, and a WebP is as long as its RIFF header says.
func complete(format string, img []byte) error {
	ok := false
	switch format {
	case imagefmt.PNG:
		ok = bytes.HasSuffix(img, []byte("IEND\xae\x42\x60\x82"))
	case imagefmt.JPEG:
		ok = bytes.HasSuffix(bytes.TrimRight(img, "\x00"), []byte{0xff, 0xd9})
	case imagefmt.WebP:
		ok = len(img) >= 8 && int64(binary.LittleEndian.Uint32(img[4:8]))+8 <= int64(len(img))
	}
	if !ok {
		return fmt.Errorf("the %s file is truncated", format)
	}
	return nil
}

// response is the checked image with its cost and metadata.
func (c *call) response(r *imagesResponse, img []byte, reqID string) *sdk.Response {
	s := c.spec
	md := map[string]string{"model": s.modelID}
	put := func(k, v string) {
		if v != "" {
			md[k] = v
		}
	}
	put("request_id", reqID)
	put("size", r.Size)
	put("quality", r.Quality)
	put("revised_prompt", r.Data[0].RevisedPrompt)
	if r.Usage != nil {
		md["input_tokens"] = strconv.Itoa(r.Usage.InputTokens)
		md["output_tokens"] = strconv.Itoa(r.Usage.OutputTokens)
	}
	return &sdk.Response{Image: bytes.NewReader(img), MediaType: imagefmt.MediaType(s.format),
		CostUSD: s.actualCost(r), Metadata: md}
}

// actualCost prices the answer's usage at the model's rates; dall-e has a
// flat price per image; an unknown model or a missing usage is unknown.
func (s *spec) actualCost(r *imagesResponse) *float64 {
	m := s.model
	switch {
	case m == nil:
		return nil
	case m.PerImage != nil:
		q := s.quality
		if q == "" {
			q = m.Qualities[0]
		}
		if usd, ok := m.PerImage[q][s.size]; ok {
			return sdk.USD(usd)
		}
		return nil
	case r.Usage == nil:
		return nil
	}
	d := r.Usage.InputTokensDetails
	u := tokenUsage{Text: d.TextTokens, Image: d.ImageTokens, Output: r.Usage.OutputTokens}
	if u.Text+u.Image == 0 {
		u.Text = r.Usage.InputTokens // no split given: price it all as text
	}
	return sdk.USD(m.cost(u))
}
