package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/easelhq/easel/internal/vendorapi"
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

// accept reads a 200 answer into a checked image. Anything unusable may
// have been billed: the API answered 200.
func (g *generation) accept(ctx context.Context, resp *vendorapi.Response) vendorapi.Outcome {
	c := g.client
	reqID := resp.Header.Get("x-request-id")
	r, b64, err := decodeImagesResponse(resp.Body)
	if err != nil {
		return c.Unusable(reqID, "the body is not an images response (%v)", err)
	}
	if len(r.Data) == 0 {
		return c.Unusable(reqID, "no image in the answer")
	}
	img, err := g.image(ctx, b64, r.Data[0].URL)
	if err == nil {
		err = g.spec.checkAutoImage(img, r.Size)
	}
	switch {
	case ctx.Err() != nil:
		return vendorapi.Outcome{Class: vendorapi.Final, Err: ctx.Err()}
	case err != nil:
		return c.Unusable(reqID, "%v", err)
	}
	return vendorapi.Outcome{Class: vendorapi.Success, Response: g.spec.response(&r, img, reqID)}
}

// decodeImagesResponse decodes an images response and returns the first
// image's b64_json apart, taken out of the body before it is decoded
// (vendorapi.LiftJSONString).
func decodeImagesResponse(body []byte) (imagesResponse, []byte, error) {
	var r imagesResponse
	if rest, b64, ok := vendorapi.LiftJSONString(body, "b64_json"); ok {
		if json.Unmarshal(rest, &r) == nil && len(r.Data) > 0 && r.Data[0].B64JSON == vendorapi.Lifted {
			r.Data[0].B64JSON = ""
			return r, b64, nil
		}
		r = imagesResponse{}
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return r, nil, err
	}
	var b64 []byte
	if len(r.Data) > 0 {
		b64 = []byte(r.Data[0].B64JSON)
		r.Data[0].B64JSON = ""
	}
	return r, b64, nil
}

// image decodes b64_json, or downloads url (dall-e, and compatible
// servers) without sending the API key to wherever it points, and checks
// it is complete and has the format and size asked for.
func (g *generation) image(ctx context.Context, b64 []byte, url string) (vendorapi.Image, error) {
	s := g.spec
	want := vendorapi.Want{Formats: []string{s.format}, Width: s.width, Height: s.height}
	switch {
	case len(b64) > 0:
		data, err := vendorapi.DecodeBase64Bytes(b64)
		if err != nil {
			return vendorapi.Image{}, fmt.Errorf("b64_json: %w", err)
		}
		return vendorapi.CheckImage(data, want)
	case url != "":
		return g.client.Download(ctx, url, nil, want)
	}
	return vendorapi.Image{}, fmt.Errorf("the answer has neither b64_json nor url")
}

// checkAutoImage checks the dimensions of an image of size auto: those the
// answer reports, or else a standard size.
func (s *spec) checkAutoImage(img vendorapi.Image, reportedSize string) error {
	if s.width > 0 {
		return nil
	}
	got := fmt.Sprintf("%dx%d", img.Width, img.Height)
	switch {
	case reportedSize != "" && got != reportedSize:
		return fmt.Errorf("it is %s, but the answer says %s", got, reportedSize)
	case reportedSize == "" && !slices.Contains(standardSizes(), got):
		return fmt.Errorf("it is %s, which is no size auto can give", got)
	}
	return nil
}

// response is the checked image with its cost and metadata.
func (s *spec) response(r *imagesResponse, img vendorapi.Image, reqID string) *sdk.Response {
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
	return &sdk.Response{Image: bytes.NewReader(img.Data), MediaType: img.MediaType(),
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
