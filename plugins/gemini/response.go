package gemini

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// generateResponse is a generateContent answer.
type generateResponse struct {
	Candidates []struct {
		Content *struct {
			Parts []part `json:"parts"`
		} `json:"content"`
		FinishReason  string `json:"finishReason"`
		FinishMessage string `json:"finishMessage"`
		SafetyRatings []struct {
			Category string `json:"category"`
			Blocked  bool   `json:"blocked"`
		} `json:"safetyRatings"`
	} `json:"candidates"`
	PromptFeedback *struct {
		BlockReason        string `json:"blockReason"`
		BlockReasonMessage string `json:"blockReasonMessage"`
	} `json:"promptFeedback"`
	UsageMetadata *usageMetadata `json:"usageMetadata"`
	ModelVersion  string         `json:"modelVersion"`
	ResponseID    string         `json:"responseId"`
}

type usageMetadata struct {
	PromptTokenCount        int          `json:"promptTokenCount"`
	CandidatesTokenCount    int          `json:"candidatesTokenCount"`
	ThoughtsTokenCount      int          `json:"thoughtsTokenCount"`
	CandidatesTokensDetails []modalCount `json:"candidatesTokensDetails"`
}

type modalCount struct {
	Modality   string `json:"modality"`
	TokenCount int    `json:"tokenCount"`
}

// outputTokens splits the output into image and text tokens; without a
// split, all of it is taken as image tokens.
func (u usageMetadata) outputTokens() (image, text int) {
	if len(u.CandidatesTokensDetails) == 0 {
		return u.CandidatesTokenCount, 0
	}
	for _, d := range u.CandidatesTokensDetails {
		if d.Modality == "IMAGE" {
			image += d.TokenCount
		} else {
			text += d.TokenCount
		}
	}
	return image, text
}

// refusalReasons are the finish reasons that mean Google's safety system
// (or its recitation check) stopped the image.
var refusalReasons = []string{"IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "SAFETY",
	"PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION"}

// decode turns a 200 answer into a checked image, or a refusal: Gemini
// refuses with HTTP 200, a finish reason or a blocked prompt, and no image.
func (s *spec) decode(c *vendorapi.Client, body []byte) vendorapi.Outcome {
	var r generateResponse
	if err := json.Unmarshal(body, &r); err != nil {
		return c.Unusable("", "the body is not a generateContent answer (%v)", err)
	}
	if out, refused := s.refusal(c, &r); refused {
		return out
	}
	b64, mime := lastImage(&r)
	if b64 == "" {
		return c.Unusable(r.ResponseID, "no image in the answer (finish reason %q)", r.Candidates[0].FinishReason)
	}
	img, err := s.checkImage(b64, mime)
	if err != nil {
		return c.Unusable(r.ResponseID, "%v", err)
	}
	return vendorapi.Outcome{Class: vendorapi.Success, Response: s.response(&r, img)}
}

// refusal reports a blocked prompt, a refusing finish reason, or an answer
// with text and no image (the model saying it will not draw this).
func (s *spec) refusal(c *vendorapi.Client, r *generateResponse) (vendorapi.Outcome, bool) {
	billed := r.UsageMetadata != nil && r.UsageMetadata.CandidatesTokenCount > 0
	refuse := func(reason string, cats []string) (vendorapi.Outcome, bool) {
		out := c.Refused(reason, cats, "Rephrase the prompt. Gemini's image filters have false positives: a retry with other wording often passes.")
		out.Err.(*sdk.Error).MayHaveBilled = billed
		return out, true
	}
	if pf := r.PromptFeedback; pf != nil && pf.BlockReason != "" {
		return refuse(joinReason("the prompt was blocked ("+pf.BlockReason+")", pf.BlockReasonMessage), []string{pf.BlockReason})
	}
	if len(r.Candidates) == 0 {
		return c.Unusable(r.ResponseID, "the answer has no candidates"), true
	}
	cand := r.Candidates[0]
	cats := []string{cand.FinishReason}
	for _, sr := range cand.SafetyRatings {
		if sr.Blocked {
			cats = append(cats, sr.Category)
		}
	}
	if slices.Contains(refusalReasons, cand.FinishReason) {
		return refuse(joinReason("finish reason "+cand.FinishReason, cand.FinishMessage), cats)
	}
	if b64, _ := lastImage(r); b64 == "" && (cand.FinishReason == "NO_IMAGE" || cand.FinishReason == "IMAGE_OTHER" || modelText(r) != "") {
		return refuse(joinReason("no image (finish reason "+cand.FinishReason+")", firstNonEmpty(cand.FinishMessage, modelText(r))), cats)
	}
	return vendorapi.Outcome{}, false
}

func joinReason(reason, message string) string {
	if message = strings.TrimSpace(message); message != "" {
		if len(message) > 300 {
			message = message[:300] + "..."
		}
		return reason + ": " + strconv.Quote(message)
	}
	return reason
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// lastImage is the last image part that is not a thought (Gemini 3 Pro
// may show draft images while thinking).
func lastImage(r *generateResponse) (b64, mime string) {
	if len(r.Candidates) == 0 || r.Candidates[0].Content == nil {
		return "", ""
	}
	for _, p := range r.Candidates[0].Content.Parts {
		if p.InlineData != nil && !p.Thought && strings.HasPrefix(p.InlineData.MimeType, "image/") {
			b64, mime = p.InlineData.Data, p.InlineData.MimeType
		}
	}
	return b64, mime
}

func modelText(r *generateResponse) string {
	if len(r.Candidates) == 0 || r.Candidates[0].Content == nil {
		return ""
	}
	var texts []string
	for _, p := range r.Candidates[0].Content.Parts {
		if !p.Thought && strings.TrimSpace(p.Text) != "" {
			texts = append(texts, strings.TrimSpace(p.Text))
		}
	}
	return strings.Join(texts, " ")
}

// checkImage decodes the image part, checks it is a complete image of the
// type it claims, decodes its pixels, and converts it to the output's
// format (Gemini picks PNG or JPEG itself).
func (s *spec) checkImage(b64, mime string) (checked, error) {
	data, err := vendorapi.DecodeBase64(b64)
	if err != nil {
		return checked{}, err
	}
	img, err := vendorapi.CheckImage(data, vendorapi.Want{})
	if err != nil {
		return checked{}, err
	}
	if got := img.MediaType(); got != mime {
		return checked{}, fmt.Errorf("the part says %s but holds %s", mime, got)
	}
	out, err := vendorapi.VerifyOrConvert(img, s.format)
	if err != nil {
		return checked{}, err
	}
	return checked{Image: out, from: img.Format}, nil
}

// checked is a usable image and the format Gemini sent it in.
type checked struct {
	vendorapi.Image
	from string
}

// shapeWarnings compares the image with what was asked: its aspect ratio
// (within 6%) and its pixel count for the size tier (within a factor of
// two). Google's exact output sizes are not in our notes, so a mismatch is
// a warning, not an error.
func (s *spec) shapeWarnings(img checked) sdk.Diagnostics {
	var diags sdk.Diagnostics
	ratio := s.ratio
	if ratio == "" && len(s.refs) == 0 {
		ratio = "1:1"
	}
	if rw, rh, ok := parseRatio(ratio); ok {
		want, got := rw/rh, float64(img.Width)/float64(img.Height)
		if math.Abs(got-want)/want > 0.06 {
			diags = append(diags, sdk.Warnf("aspect_ratio", "Gemini returned another aspect ratio",
				"The image is %dx%d, not %s as asked. It was kept.", img.Width, img.Height, ratio))
		}
	}
	if s.model != nil {
		size := s.pricedSize()
		nominal := map[string]float64{"512": 512 * 512, "1K": 1024 * 1024, "2K": 2048 * 2048, "4K": 4096 * 4096}[size]
		if px := float64(img.Width) * float64(img.Height); nominal > 0 && (px < nominal/2 || px > nominal*2) {
			diags = append(diags, sdk.Warnf("image_size", "Gemini returned another resolution",
				"The image is %dx%d, which is not a %s image. It was kept.", img.Width, img.Height, size))
		}
	}
	return diags
}

func parseRatio(r string) (float64, float64, bool) {
	a, b, ok := strings.Cut(r, ":")
	w, err1 := strconv.ParseFloat(a, 64)
	h, err2 := strconv.ParseFloat(b, 64)
	return w, h, ok && err1 == nil && err2 == nil && w > 0 && h > 0
}

// response is the checked image with its cost and metadata.
func (s *spec) response(r *generateResponse, img checked) *sdk.Response {
	md := map[string]string{"model": s.modelID}
	put := func(k, v string) {
		if v != "" && v != "0" {
			md[k] = v
		}
	}
	put("model_version", r.ModelVersion)
	put("response_id", r.ResponseID)
	if img.from != img.Format {
		put("converted_from", img.from)
	}
	var cost *float64
	if u := r.UsageMetadata; u != nil {
		imgTokens, text := u.outputTokens()
		put("input_tokens", strconv.Itoa(u.PromptTokenCount))
		put("image_tokens", strconv.Itoa(imgTokens))
		put("text_tokens", strconv.Itoa(text))
		put("thoughts_tokens", strconv.Itoa(u.ThoughtsTokenCount))
		if s.model != nil {
			cost = sdk.USD(s.model.actualCost(*u))
		}
	} else if s.model != nil {
		cost = sdk.USD(float64(s.model.OutputTokens[s.pricedSize()]) * s.model.ImageOut / 1e6)
	}
	return &sdk.Response{Image: bytes.NewReader(img.Data), MediaType: img.MediaType(), CostUSD: cost,
		Metadata: md, Warnings: s.shapeWarnings(img)}
}
