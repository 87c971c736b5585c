package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// GeminiConfig sets up a fake Gemini API (generateContent with image
// output). The zero value serves every known model, accepts any key,
// answers at once and injects no faults.
type GeminiConfig struct {
	// APIKey is the key x-goog-api-key (or ?key=) must carry; empty accepts
	// any non-empty key.
	APIKey string
	// Seed makes latency, fault draws, response ids and images reproducible.
	Seed uint64
	// Latency delays every request that reaches generation: fixed, or drawn
	// from [Latency, LatencyMax].
	Latency    time.Duration
	LatencyMax time.Duration

	// RateLimit answers 429 RESOURCE_EXHAUSTED with a RetryInfo detail of
	// RetryDelay (default 1s; "0.02s" for 20ms, as proto JSON writes a
	// Duration); RetryAfterHeader also sends a Retry-After header, rounded
	// up to whole seconds.
	RateLimit        Fault
	RetryDelay       time.Duration
	RetryAfterHeader bool
	// Overloaded answers 503 UNAVAILABLE "The model is overloaded".
	Overloaded Fault
	// ServerError answers 500 INTERNAL after the latency.
	ServerError Fault
	// Disconnect drops the connection after the latency.
	Disconnect Fault
	// Garbage answers 200 with an image part that is not what was asked
	// for (GarbageWrongSize: another aspect ratio).
	Garbage     Fault
	GarbageKind GarbageKind

	// SafetyWord makes any prompt containing it (case-insensitive) answer
	// 200 with finishReason SafetyReason (default IMAGE_SAFETY) and no image.
	SafetyWord   string
	SafetyReason string
	// BlockWord makes any prompt containing it answer 200 with
	// promptFeedback.blockReason PROHIBITED_CONTENT and no candidates.
	BlockWord string
	// OutputMIME is the image type returned: image/png (default) or
	// image/jpeg; the Gemini API picks it, the client cannot.
	OutputMIME string
	// RetiredModels answer 404 NOT_FOUND, as after a shutdown.
	RetiredModels []string
	// MaxRecords bounds the requests kept for Received (default 1000).
	MaxRecords int
}

func (c GeminiConfig) withDefaults() GeminiConfig {
	if c.RetryDelay <= 0 {
		c.RetryDelay = time.Second
	}
	if c.SafetyReason == "" {
		c.SafetyReason = "IMAGE_SAFETY"
	}
	if c.OutputMIME == "" {
		c.OutputMIME = "image/png"
	}
	return c
}

// GeminiReceived is a generateContent request as the fake saw it.
type GeminiReceived struct {
	Status int // 0 when the connection was dropped
	Model  string
	// KeyInURL is set when the key came as ?key= rather than the header.
	KeyInURL           bool
	Prompt             string
	Images             []Upload
	ResponseModalities []string
	AspectRatio        string
	ImageSize          string
	PersonGeneration   string
	ThinkingLevel      string
}

// Gemini is a fake of the Gemini API's generateContent for image models:
// POST /v1beta/models/{model}:generateContent. It checks the key, the
// JSON body as strictly as proto JSON does (unknown fields, oneofs, enums,
// inline images that must decode as their MIME type, per-model aspect
// ratios, sizes and reference limits, the 20 MB request limit) and answers
// with a real image of the model's documented size, usage metadata, or a
// refusal as the real service sends it: HTTP 200 with a finish reason and
// no image. It is safe for concurrent use.
type Gemini struct {
	cfg    GeminiConfig
	models map[string]gemModel
	render *renderer
	dice   *faultDice
	log    *callLog[GeminiReceived]
}

// NewGemini returns a fake Gemini API configured by cfg.
func NewGemini(cfg GeminiConfig) *Gemini {
	cfg = cfg.withDefaults()
	return &Gemini{cfg: cfg, models: gemModels(), render: newRenderer(), dice: newFaultDice(cfg.Seed, diceStream),
		log: newCallLog[GeminiReceived](cfg.MaxRecords)}
}

// Start serves g on a loopback server until the test ends and returns its
// base URL (the provider's base_url; paths start with /v1beta).
func (g *Gemini) Start(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(g)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Stats counts requests (as Generations), images and answers by status.
func (g *Gemini) Stats() Stats { return g.log.stats() }

// Received returns the most recent requests, oldest first.
func (g *Gemini) Received() []GeminiReceived { return g.log.received() }

// ServeHTTP routes a request.
func (g *Gemini) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	model, ok := strings.CutPrefix(r.URL.Path, "/v1beta/models/")
	model, isGen := strings.CutSuffix(model, ":generateContent")
	switch {
	case !ok || !isGen || model == "" || strings.Contains(model, "/"):
		(&gemError{code: http.StatusNotFound, status: "NOT_FOUND", message: "The requested URL " + r.URL.Path + " was not found on this server."}).write(w)
		return
	case r.Method != http.MethodPost:
		(&gemError{code: http.StatusMethodNotAllowed, status: "INVALID_ARGUMENT", message: "Method " + r.Method + " is not allowed."}).write(w)
		return
	}
	rec := GeminiReceived{Model: model, KeyInURL: r.URL.Query().Has("key")}
	status, images, send := g.answer(w, r, model, &rec)
	rec.Status = status
	g.log.add(rec, status, images)
	send()
}

// answer decides the answer and returns its status, the real images in it
// and the function that sends it.
func (g *Gemini) answer(w http.ResponseWriter, r *http.Request, model string, rec *GeminiReceived) (int, int, func()) {
	fail := func(e *gemError) (int, int, func()) { return e.code, 0, func() { e.write(w) } }
	m, req, gerr := g.admit(r, model, rec)
	if gerr != nil {
		return fail(gerr)
	}
	if !g.dice.wait(r.Context(), g.cfg.Latency, g.cfg.LatencyMax) {
		return 499, 0, func() {}
	}
	switch {
	case g.dice.draw("disconnect", g.cfg.Disconnect):
		return 0, 0, func() { hijackClose(w) }
	case g.dice.draw("overloaded", g.cfg.Overloaded):
		return fail(&gemError{code: http.StatusServiceUnavailable, status: "UNAVAILABLE", message: "The model is overloaded. Please try again later."})
	case g.dice.draw("server_error", g.cfg.ServerError):
		return fail(&gemError{code: http.StatusInternalServerError, status: "INTERNAL",
			message: "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"})
	}
	body, images, gerr := g.respond(m, req)
	if gerr != nil {
		return fail(gerr)
	}
	return http.StatusOK, images, func() { writeJSON(w, http.StatusOK, body) }
}

// admit runs every check that answers before any work is done.
func (g *Gemini) admit(r *http.Request, model string, rec *GeminiReceived) (gemModel, *gemRequest, *gemError) {
	if err := g.checkKey(r); err != nil {
		return gemModel{}, nil, err
	}
	m, ok := g.models[model]
	if !ok || slices.Contains(g.cfg.RetiredModels, model) {
		return gemModel{}, nil, &gemError{code: http.StatusNotFound, status: "NOT_FOUND",
			message: fmt.Sprintf("models/%s is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.", model)}
	}
	req, err := g.readRequest(r)
	if err != nil {
		return gemModel{}, nil, err
	}
	rec.fill(req)
	if g.dice.draw("rate_limit", g.cfg.RateLimit) {
		return gemModel{}, nil, g.rateLimited()
	}
	if err := req.validate(m); err != nil {
		return gemModel{}, nil, err
	}
	return m, req, nil
}

func (g *Gemini) checkKey(r *http.Request) *gemError {
	key := strings.TrimSpace(r.Header.Get("x-goog-api-key"))
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	switch {
	case key == "":
		return &gemError{code: http.StatusForbidden, status: "PERMISSION_DENIED",
			message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API."}
	case g.cfg.APIKey != "" && key != g.cfg.APIKey:
		return &gemError{code: http.StatusBadRequest, status: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key.",
			details: []map[string]any{{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}}}
	}
	return nil
}

func (g *Gemini) readRequest(r *http.Request) (*gemRequest, *gemError) {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, gemInvalid("Invalid Content-Type %q: the request body must be JSON (application/json).", ct)
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, gemMaxBody+1))
	if err != nil {
		return nil, gemInvalid("Could not read the request body.")
	}
	if len(body) > gemMaxBody {
		return nil, gemInvalid("Request payload size exceeds the limit: %d bytes.", gemMaxBody)
	}
	return parseGemRequest(body)
}

func (g *Gemini) rateLimited() *gemError {
	secs := int((g.cfg.RetryDelay + time.Second - 1) / time.Second)
	delay := strconv.FormatFloat(g.cfg.RetryDelay.Seconds(), 'f', -1, 64) + "s" // proto Duration JSON
	e := &gemError{code: http.StatusTooManyRequests, status: "RESOURCE_EXHAUSTED",
		message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.",
		details: []map[string]any{
			{"@type": "type.googleapis.com/google.rpc.QuotaFailure", "violations": []map[string]any{{"quotaMetric": "generativelanguage.googleapis.com/generate_content_free_tier_requests", "quotaId": "GenerateRequestsPerMinutePerProjectPerModel"}}},
			{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": delay},
		}}
	if g.cfg.RetryAfterHeader {
		e.header = http.Header{"Retry-After": {fmt.Sprint(secs)}}
	}
	return e
}

func (rec *GeminiReceived) fill(req *gemRequest) {
	rec.Prompt = req.prompt()
	rec.ResponseModalities = req.modalities
	rec.AspectRatio, rec.ImageSize = req.aspectRatio, req.imageSize
	rec.PersonGeneration, rec.ThinkingLevel = req.personGen, req.thinkingLevel
	for _, img := range req.images {
		rec.Images = append(rec.Images, Upload{Param: img.param, ContentType: img.contentType, Width: img.width, Height: img.height, Bytes: len(img.data)})
	}
}

// Wire forms of the answer.
type (
	gemResponse struct {
		Candidates     []gemCandidate `json:"candidates,omitempty"`
		PromptFeedback *gemFeedback   `json:"promptFeedback,omitempty"`
		UsageMetadata  gemUsage       `json:"usageMetadata"`
		ModelVersion   string         `json:"modelVersion"`
		ResponseID     string         `json:"responseId"`
	}
	gemCandidate struct {
		Content      *gemContent `json:"content,omitempty"`
		FinishReason string      `json:"finishReason"`
		Index        int         `json:"index"`
	}
	gemContent struct {
		Parts []gemPart `json:"parts"`
		Role  string    `json:"role"`
	}
	gemPart struct {
		Text       string         `json:"text,omitempty"`
		InlineData *gemInlineData `json:"inlineData,omitempty"`
	}
	gemInlineData struct {
		MimeType string `json:"mimeType"`
		Data     string `json:"data"`
	}
	gemFeedback struct {
		BlockReason string `json:"blockReason"`
	}
	gemUsage struct {
		PromptTokenCount        int             `json:"promptTokenCount"`
		CandidatesTokenCount    int             `json:"candidatesTokenCount,omitempty"`
		TotalTokenCount         int             `json:"totalTokenCount"`
		PromptTokensDetails     []gemModalCount `json:"promptTokensDetails,omitempty"`
		CandidatesTokensDetails []gemModalCount `json:"candidatesTokensDetails,omitempty"`
	}
	gemModalCount struct {
		Modality   string `json:"modality"`
		TokenCount int    `json:"tokenCount"`
	}
)

// respond builds a 200 answer: an image, or a refusal without one.
func (g *Gemini) respond(m gemModel, req *gemRequest) (*gemResponse, int, *gemError) {
	resp := &gemResponse{ModelVersion: m.id, ResponseID: g.dice.hex(22), UsageMetadata: promptUsage(req)}
	lower := strings.ToLower(req.prompt())
	switch {
	case g.cfg.BlockWord != "" && strings.Contains(lower, strings.ToLower(g.cfg.BlockWord)):
		resp.PromptFeedback = &gemFeedback{BlockReason: "PROHIBITED_CONTENT"}
		return resp, 0, nil
	case g.cfg.SafetyWord != "" && strings.Contains(lower, strings.ToLower(g.cfg.SafetyWord)):
		resp.Candidates = []gemCandidate{{FinishReason: g.cfg.SafetyReason}}
		return resp, 0, nil
	case len(req.modalities) > 0 && !slices.Contains(req.modalities, "IMAGE"):
		text := "I can describe the image, but image output was not requested."
		resp.Candidates = []gemCandidate{{Content: &gemContent{Role: "model", Parts: []gemPart{{Text: text}}}, FinishReason: "STOP"}}
		resp.UsageMetadata.add("TEXT", textTokens(text))
		return resp, 0, nil
	}
	return g.respondImage(m, req, resp)
}

func (g *Gemini) respondImage(m gemModel, req *gemRequest, resp *gemResponse) (*gemResponse, int, *gemError) {
	size := req.imageSize
	if size == "" {
		size = m.sizes[0]
	}
	ratio := req.aspectRatio
	if ratio == "" && len(req.images) > 0 {
		ratio = m.nearestRatio(req.images[0].width, req.images[0].height)
	} else if ratio == "" {
		ratio = "1:1"
	}
	data, mime, kind, err := g.imageBytes(m, req, ratio, size)
	if err != nil {
		return nil, 0, &gemError{code: http.StatusInternalServerError, status: "INTERNAL", message: "fakeapi: " + err.Error()}
	}
	b64 := base64.StdEncoding.EncodeToString(data)
	if kind == GarbageBase64 {
		b64 = "!!" + b64[2:len(b64)/2] + "%%not-base64%%"
	}
	parts := []gemPart{{Text: "Here is the image you asked for."}, {InlineData: &gemInlineData{MimeType: mime, Data: b64}}}
	resp.Candidates = []gemCandidate{{Content: &gemContent{Role: "model", Parts: parts}, FinishReason: "STOP"}}
	resp.UsageMetadata.add("IMAGE", m.outTokens[size])
	resp.UsageMetadata.add("TEXT", textTokens(parts[0].Text))
	if kind != GarbageAny {
		return resp, 0, nil
	}
	return resp, 1, nil
}

// imageBytes renders the image, broken when the Garbage fault fires.
func (g *Gemini) imageBytes(m gemModel, req *gemRequest, ratio, size string) ([]byte, string, GarbageKind, error) {
	w, h := m.dims(ratio, size)
	format := strings.TrimPrefix(g.cfg.OutputMIME, "image/")
	kind := g.garbage()
	mime := g.cfg.OutputMIME
	switch kind {
	case GarbageNotImage:
		return []byte("<html><body>502 Bad Gateway</body></html>"), mime, kind, nil
	case GarbageWrongSize:
		w, h = h, w+w/2
	case GarbageWrongFormat:
		format = map[string]string{"png": "jpeg", "jpeg": "png"}[format]
	}
	fp := gemFingerprint(m, req, ratio, size)
	data, err := g.render.render(renderKey{width: w, height: h, format: format, compression: 90, variant: fp[0] % renderVariants}, fmt.Sprintf("%x", fp[:16]))
	if kind == GarbageTruncated && err == nil {
		data = data[:len(data)/2]
	}
	return data, mime, kind, err
}

func (g *Gemini) garbage() GarbageKind {
	if !g.dice.draw("garbage", g.cfg.Garbage) {
		return GarbageAny
	}
	if g.cfg.GarbageKind != GarbageAny {
		return g.cfg.GarbageKind
	}
	return GarbageKind(1 + g.dice.intn(garbageKinds))
}

// gemFingerprint hashes what determines the output.
func gemFingerprint(m gemModel, req *gemRequest, ratio, size string) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00%s\x00", m.id, req.prompt(), ratio, size, req.thinkingLevel)
	for _, img := range req.images {
		s := sha256.Sum256(img.data)
		h.Write(s[:])
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// promptUsage counts the request's input tokens.
func promptUsage(req *gemRequest) gemUsage {
	var u gemUsage
	text := textTokens(req.prompt())
	u.PromptTokensDetails = []gemModalCount{{Modality: "TEXT", TokenCount: text}}
	img := 0
	for _, in := range req.images {
		img += gemImageTokens(in.width, in.height)
	}
	if img > 0 {
		u.PromptTokensDetails = append(u.PromptTokensDetails, gemModalCount{Modality: "IMAGE", TokenCount: img})
	}
	u.PromptTokenCount = text + img
	u.TotalTokenCount = u.PromptTokenCount
	return u
}

// add counts output tokens of a modality.
func (u *gemUsage) add(modality string, n int) {
	u.CandidatesTokenCount += n
	u.TotalTokenCount += n
	for i := range u.CandidatesTokensDetails {
		if u.CandidatesTokensDetails[i].Modality == modality {
			u.CandidatesTokensDetails[i].TokenCount += n
			return
		}
	}
	u.CandidatesTokensDetails = append(u.CandidatesTokensDetails, gemModalCount{Modality: modality, TokenCount: n})
}
