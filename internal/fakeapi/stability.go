package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

// StabilityConfig sets up a fake Stability AI v2beta API. The zero value
// accepts any bearer key, answers at once and injects no faults.
type StabilityConfig struct {
	// APIKey is the key "Authorization: Bearer" must carry; empty accepts
	// any non-empty key.
	APIKey string
	// Seed makes latency, fault draws, seeds and images reproducible.
	Seed uint64
	// Latency delays every request that reaches generation.
	Latency    time.Duration
	LatencyMax time.Duration

	// RateLimit answers 429 rate_limit_exceeded; RetryAfter, when set, is
	// sent as a Retry-After header in whole seconds, rounded up, or as a
	// decimal below a second, for quick tests (whether the service sends
	// one is not confirmed).
	RateLimit  Fault
	RetryAfter time.Duration
	// ServerError answers 500 internal_error after the latency.
	ServerError Fault
	// Disconnect drops the connection after the latency.
	Disconnect Fault
	// Garbage answers 200 with bytes that are not the image asked for.
	Garbage     Fault
	GarbageKind GarbageKind

	// OutOfCredits answers every request 402 payment_required.
	OutOfCredits bool
	// ModerationWord refuses any prompt containing it with 403
	// content_moderation, before generation.
	ModerationWord string
	// FilterWord answers 200 with finish-reason CONTENT_FILTERED (and a
	// real, blurred image) for any prompt containing it.
	FilterWord string
	// MaxRecords bounds the requests kept for Received (default 1000).
	MaxRecords int
}

// StabilityReceived is a request as the fake saw it.
type StabilityReceived struct {
	Status   int // 0 when the connection was dropped
	Endpoint string
	Accept   string
	// Fields holds every text field as sent (prompt included).
	Fields map[string]string
	Image  *Upload
}

// Stability is a fake of Stability AI's REST v2beta stable-image generate
// endpoints (ultra, core, sd3). It checks the bearer key, that the body is
// multipart/form-data with only the endpoint's fields, each once, and
// their values (prompt length, enums, seed range, image-to-image rules,
// the uploaded image's type and dimensions), and answers with raw image
// bytes and the finish-reason and seed headers (Accept: image/*) or base64
// JSON (Accept: application/json). It is safe for concurrent use.
type Stability struct {
	cfg       StabilityConfig
	endpoints map[string]stabEndpoint
	render    *renderer
	dice      *faultDice
	log       *callLog[StabilityReceived]
}

// NewStability returns a fake Stability API configured by cfg.
func NewStability(cfg StabilityConfig) *Stability {
	return &Stability{cfg: cfg, endpoints: stabEndpoints(), render: newRenderer(), dice: newFaultDice(cfg.Seed, diceStream),
		log: newCallLog[StabilityReceived](cfg.MaxRecords)}
}

// Start serves s on a loopback server until the test ends and returns its
// base URL (paths start with /v2beta).
func (s *Stability) Start(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Stats counts requests (as Generations), images and answers by status.
func (s *Stability) Stats() Stats { return s.log.stats() }

// Received returns the most recent requests, oldest first.
func (s *Stability) Received() []StabilityReceived { return s.log.received() }

const stabPrefix = "/v2beta/stable-image/generate/"

// ServeHTTP routes a request.
func (s *Stability) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := s.dice.hex(32)
	name, ok := strings.CutPrefix(r.URL.Path, stabPrefix)
	ep, known := s.endpoints[name]
	switch {
	case !ok || !known:
		s.log.add(StabilityReceived{Status: http.StatusNotFound, Endpoint: name, Accept: r.Header.Get("Accept")}, http.StatusNotFound, 0)
		(&stabError{status: http.StatusNotFound, name: "not_found", errors: []string{"path: " + r.URL.Path + " does not exist"}}).write(w, id)
		return
	case r.Method != http.MethodPost:
		(&stabError{status: http.StatusMethodNotAllowed, name: "method_not_allowed", errors: []string{"method: use POST"}}).write(w, id)
		return
	}
	rec := StabilityReceived{Endpoint: name, Accept: r.Header.Get("Accept")}
	status, images, send := s.answer(w, r, ep, id, &rec)
	rec.Status = status
	s.log.add(rec, status, images)
	send()
}

func (s *Stability) answer(w http.ResponseWriter, r *http.Request, ep stabEndpoint, id string, rec *StabilityReceived) (int, int, func()) {
	fail := func(e *stabError) (int, int, func()) { return e.status, 0, func() { e.write(w, id) } }
	req, serr := s.admit(r, ep, rec)
	if serr != nil {
		return fail(serr)
	}
	if !s.dice.wait(r.Context(), s.cfg.Latency, s.cfg.LatencyMax) {
		return 499, 0, func() {}
	}
	switch {
	case s.dice.draw("disconnect", s.cfg.Disconnect):
		return 0, 0, func() { hijackClose(w) }
	case s.dice.draw("server_error", s.cfg.ServerError):
		return fail(&stabError{status: http.StatusInternalServerError, name: "internal_error",
			errors: []string{"An unexpected server error has occurred, please try again later."}})
	}
	out, serr := s.render1(ep, req)
	if serr != nil {
		return fail(serr)
	}
	images := 1
	if out.broken || out.finish != "SUCCESS" {
		images = 0
	}
	return http.StatusOK, images, func() { out.write(w, rec.Accept) }
}

// admit runs every check that answers before any work is done.
func (s *Stability) admit(r *http.Request, ep stabEndpoint, rec *StabilityReceived) (*stabRequest, *stabError) {
	if err := s.checkKey(r); err != nil {
		return nil, err
	}
	if a := r.Header.Get("Accept"); a != "" && a != "image/*" && a != "application/json" && a != "*/*" {
		return nil, stabBad("accept: must be image/* or application/json, got %q", a)
	}
	if s.cfg.OutOfCredits {
		return nil, &stabError{status: http.StatusPaymentRequired, name: "payment_required",
			errors: []string{"You lack sufficient credits to make this request. Please purchase more credits at https://platform.stability.ai/account/credits and try again."}}
	}
	req, err := parseStabRequest(r, ep)
	if err != nil {
		return nil, err
	}
	rec.fill(req)
	if s.dice.draw("rate_limit", s.cfg.RateLimit) {
		return nil, s.rateLimited()
	}
	if err := req.validate(ep); err != nil {
		return nil, err
	}
	rec.fillImage(req)
	if w := s.cfg.ModerationWord; w != "" && strings.Contains(strings.ToLower(req.get("prompt")), strings.ToLower(w)) {
		return nil, &stabError{status: http.StatusForbidden, name: "content_moderation",
			errors: []string{"Your request was flagged by our content moderation system, as a result your request was denied and you were not charged."}}
	}
	return req, nil
}

func (s *Stability) checkKey(r *http.Request) *stabError {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	key = strings.TrimSpace(key)
	switch {
	case !ok || key == "":
		return &stabError{status: http.StatusUnauthorized, name: "unauthorized", errors: []string{"authorization: missing or malformed Bearer token"}}
	case s.cfg.APIKey != "" && key != s.cfg.APIKey:
		return &stabError{status: http.StatusUnauthorized, name: "unauthorized", errors: []string{"authorization: invalid API key"}}
	}
	return nil
}

func (s *Stability) rateLimited() *stabError {
	e := &stabError{status: http.StatusTooManyRequests, name: "rate_limit_exceeded",
		errors: []string{"You have exceeded the rate limit of 150 requests within a 10 second period; please wait and try again."}}
	if s.cfg.RetryAfter > 0 {
		e.header = http.Header{"Retry-After": {retryAfterValue(s.cfg.RetryAfter)}}
	}
	return e
}

func (rec *StabilityReceived) fill(req *stabRequest) {
	rec.Fields = map[string]string{}
	for k, v := range req.fields {
		rec.Fields[k] = v
	}
}

func (rec *StabilityReceived) fillImage(req *stabRequest) {
	if img := req.image; img != nil {
		rec.Image = &Upload{Param: "image", Filename: img.filename, ContentType: img.contentType, Width: img.width, Height: img.height, Bytes: len(img.data)}
	}
}

// stabOutput is a rendered answer.
type stabOutput struct {
	data   []byte
	format string
	finish string
	seed   int64
	broken bool // garbage
	b64bad bool
}

// write sends raw bytes with the finish-reason and seed headers, or JSON.
func (o *stabOutput) write(w http.ResponseWriter, accept string) {
	if accept == "application/json" {
		b64 := base64.StdEncoding.EncodeToString(o.data)
		if o.b64bad {
			b64 = "!!" + b64[2:len(b64)/2] + "%%not-base64%%"
		}
		writeJSON(w, http.StatusOK, map[string]any{"image": b64, "finish_reason": o.finish, "seed": o.seed})
		return
	}
	if o.b64bad { // a proxy that base64-encoded the body
		o.data = []byte(base64.StdEncoding.EncodeToString(o.data))
	}
	w.Header().Set("Content-Type", "image/"+o.format)
	w.Header().Set("finish-reason", o.finish)
	w.Header().Set("seed", strconv.FormatInt(o.seed, 10))
	w.Header().Set("Content-Length", strconv.Itoa(len(o.data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(o.data)
}

// render1 renders the one image of a valid request.
func (s *Stability) render1(ep stabEndpoint, req *stabRequest) (*stabOutput, *stabError) {
	out := &stabOutput{format: req.get("output_format"), finish: "SUCCESS"}
	if out.format == "" {
		out.format = "png"
	}
	out.seed, _ = strconv.ParseInt(req.get("seed"), 10, 64)
	if out.seed == 0 {
		out.seed = 1 + int64(s.dice.intn(4294967294))
	}
	if w := s.cfg.FilterWord; w != "" && strings.Contains(strings.ToLower(req.get("prompt")), strings.ToLower(w)) {
		out.finish = "CONTENT_FILTERED"
	}
	w, h := stabOutputSize(ep, req)
	kind := s.garbage()
	out.broken = kind != GarbageAny
	key := renderKey{width: w, height: h, format: out.format, compression: 90}
	switch kind {
	case GarbageNotImage:
		out.data = []byte("<html><body>502 Bad Gateway</body></html>")
		return out, nil
	case GarbageBase64:
		out.b64bad = true
	case GarbageWrongSize:
		key.width, key.height = h, w+w/2
	case GarbageWrongFormat:
		key.format = map[string]string{"png": "jpeg", "jpeg": "png", "webp": "png"}[key.format]
	}
	fp := stabFingerprint(ep, req, out.seed)
	key.variant = fp[0] % renderVariants
	data, err := s.render.render(key, fmt.Sprintf("%x", fp[:16]))
	if err != nil {
		return nil, &stabError{status: http.StatusInternalServerError, name: "internal_error", errors: []string{"fakeapi: " + err.Error()}}
	}
	if kind == GarbageTruncated {
		data = data[:len(data)/2]
	}
	out.data = data
	return out, nil
}

// stabOutputSize is the aspect ratio's size, or for image-to-image the
// image's aspect ratio at the same pixel count, in multiples of 64.
func stabOutputSize(ep stabEndpoint, req *stabRequest) (int, int) {
	var w, h float64
	if img := req.image; img != nil {
		area := 1024.0 * 1024
		ratio := float64(img.width) / float64(img.height)
		w, h = math.Sqrt(area*ratio), math.Sqrt(area/ratio)
	} else {
		ratio := req.get("aspect_ratio")
		if ratio == "" {
			ratio = "1:1"
		}
		iw, ih := stabDims(ratio)
		w, h = float64(iw), float64(ih)
	}
	round := func(v float64) int { return max(64, int(math.Round(v*ep.scale/64))*64) }
	return round(w), round(h)
}

func (s *Stability) garbage() GarbageKind {
	if !s.dice.draw("garbage", s.cfg.Garbage) {
		return GarbageAny
	}
	if s.cfg.GarbageKind != GarbageAny {
		return s.cfg.GarbageKind
	}
	return GarbageKind(1 + s.dice.intn(garbageKinds))
}

func stabFingerprint(ep stabEndpoint, req *stabRequest, seed int64) [32]byte {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00", ep.name, seed)
	for _, k := range []string{"prompt", "negative_prompt", "aspect_ratio", "style_preset", "model", "strength"} {
		fmt.Fprintf(h, "%s=%s\x00", k, req.get(k))
	}
	if req.image != nil {
		sum := sha256.Sum256(req.image.data)
		h.Write(sum[:])
	}
	var out [32]byte
	copy(out[:], h.Sum(nil))
	return out
}

// retryAfterValue is d in whole seconds, rounded up; below a second it is
// a decimal ("0.02"), which HTTP does not allow but lets tests wait less.
func retryAfterValue(d time.Duration) string {
	if d < time.Second {
		return strconv.FormatFloat(d.Seconds(), 'f', -1, 64)
	}
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}
