package stability

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// apiError reads an error body. The shape is not confirmed: {"id",
// "name", "errors": [...]} is what Stability's clients read; {"message"}
// and a plain text body are taken too.
func apiError(resp *vendorapi.Response) vendorapi.APIError {
	e := vendorapi.APIError{Status: resp.Status, RequestID: resp.Header.Get("x-request-id")}
	var wire struct {
		ID      string   `json:"id"`
		Name    string   `json:"name"`
		Errors  []string `json:"errors"`
		Message string   `json:"message"`
	}
	if json.Unmarshal(resp.Body, &wire) != nil || (wire.Name == "" && len(wire.Errors) == 0 && wire.Message == "") {
		e.Message = vendorapi.Excerpt(resp.Body)
		return e
	}
	e.Code = wire.Name
	e.Message = strings.Join(append(wire.Errors, wire.Message), "; ")
	e.Message = strings.TrimSuffix(strings.TrimPrefix(e.Message, "; "), "; ")
	if e.RequestID == "" {
		e.RequestID = wire.ID
	}
	return e
}

// classifyError handles what only Stability says (a moderation refusal on
// 403, an unknown endpoint), then vendorapi's common meaning.
func (s *spec) classifyError(c *vendorapi.Client, resp *vendorapi.Response) vendorapi.Outcome {
	e := apiError(resp)
	switch {
	case e.Code == "content_moderation":
		return c.Refused(e.Message+vendorapi.RequestIDNote(e.RequestID), []string{"content_moderation"},
			"Rephrase the prompt (or negative_prompt). Stability says a request denied by moderation is not charged.")
	case resp.Status == http.StatusNotFound:
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrInvalid,
			Message: fmt.Sprintf("Stability does not serve %s: %s", s.modelID, c.Redact(e.Describe())),
			Hint:    "Change model to one of " + strings.Join(modelIDs(), ", ") + "."}}
	}
	return c.ClassifyStatus(resp, e)
}

// decode checks a 200 answer: the finish-reason header first (a filtered
// image still comes back with 200), then the image itself, decoded
// completely.
func (s *spec) decode(c *vendorapi.Client, resp *vendorapi.Response) vendorapi.Outcome {
	data, finish, seed, err := answerImage(resp)
	reqID := resp.Header.Get("x-request-id")
	if err != nil {
		return c.Unusable(reqID, "%v", err)
	}
	switch finish {
	case "CONTENT_FILTERED":
		out := c.Refused("the image was filtered (finish-reason CONTENT_FILTERED)"+vendorapi.RequestIDNote(reqID), []string{"CONTENT_FILTERED"},
			"Rephrase the prompt. The filtered image is not kept; Stability may have billed it.")
		out.Err.(*sdk.Error).MayHaveBilled = true
		return out
	case "SUCCESS", "":
	default:
		return c.Unusable(reqID, "finish-reason %s", finish)
	}
	img, err := vendorapi.CheckImage(data, vendorapi.Want{Formats: []string{s.request}})
	if err != nil {
		return c.Unusable(reqID, "%v", err)
	}
	out, err := vendorapi.VerifyOrConvert(img, s.format)
	if err != nil {
		return c.Unusable(reqID, "%v", err)
	}
	return vendorapi.Outcome{Class: vendorapi.Success, Response: s.response(out, img.Format, seed, reqID)}
}

// answerImage reads the image of a 200: raw bytes with finish-reason and
// seed headers (Accept: image/*), or, if the service answered JSON anyway,
// base64 in "image" with "finish_reason" and "seed" (field names not
// confirmed).
func answerImage(resp *vendorapi.Response) ([]byte, string, string, error) {
	ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if ct != "application/json" {
		return resp.Body, strings.ToUpper(strings.TrimSpace(resp.Header.Get("finish-reason"))), resp.Header.Get("seed"), nil
	}
	var j struct {
		Image        string          `json:"image"`
		FinishReason string          `json:"finish_reason"`
		Seed         json.RawMessage `json:"seed"`
	}
	if err := json.Unmarshal(resp.Body, &j); err != nil || j.Image == "" {
		return nil, "", "", fmt.Errorf("a JSON answer without an image")
	}
	data, err := vendorapi.DecodeBase64(j.Image)
	return data, strings.ToUpper(j.FinishReason), strings.Trim(string(j.Seed), `"`), err
}

// response is the checked image with its cost and metadata.
func (s *spec) response(img vendorapi.Image, sentAs, seed, reqID string) *sdk.Response {
	md := map[string]string{"model": s.modelID}
	if seed != "" && seed != "0" {
		md["seed"] = seed
	}
	if reqID != "" {
		md["request_id"] = reqID
	}
	if sentAs != img.Format {
		md["converted_from"] = sentAs
	}
	var cost *float64
	if s.model != nil {
		cost = sdk.USD(s.model.USD())
	}
	return &sdk.Response{Image: bytes.NewReader(img.Data), MediaType: img.MediaType(), CostUSD: cost, Metadata: md, Warnings: s.shapeWarnings(img)}
}

// shapeWarnings compares the image's aspect ratio with what was asked (or
// the reference's): within 6%, else a warning; Stability's output sizes
// are not confirmed, so the image is kept.
func (s *spec) shapeWarnings(img vendorapi.Image) sdk.Diagnostics {
	want, what := 1.0, "1:1"
	switch {
	case len(s.refs) > 0 && s.refs[0].Width > 0 && s.refs[0].Height > 0:
		want, what = float64(s.refs[0].Width)/float64(s.refs[0].Height), "the reference's shape"
	case len(s.refs) > 0:
		return nil
	case s.ratio != "":
		a, b, _ := strings.Cut(s.ratio, ":")
		w, _ := strconv.ParseFloat(a, 64)
		h, _ := strconv.ParseFloat(b, 64)
		want, what = w/h, s.ratio
	}
	got := float64(img.Width) / float64(img.Height)
	if math.Abs(got-want)/want <= 0.06 {
		return nil
	}
	return sdk.Diagnostics{sdk.Warnf("aspect_ratio", "Stability returned another aspect ratio",
		"The image is %dx%d, not %s as asked. It was kept.", img.Width, img.Height, what)}
}
