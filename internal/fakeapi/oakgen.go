package fakeapi

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// OakgenConfig sets up a fake Oakgen API. The zero value serves every
// known model, accepts any bearer key, answers synchronously with an image
// URL and injects no faults.
//
// Oakgen publishes no API reference (shared/reference/image-apis.md
// section 2): the endpoint, the bearer auth and a JSON body with model and
// prompt are confirmed; everything else here (field names, error shape,
// sizes, the async variant) is a plausible guess, made a knob where the
// provider must cope with several answers.
type OakgenConfig struct {
	// APIKey is the key "Authorization: Bearer" must carry; empty accepts
	// any non-empty key.
	APIKey string
	// Seed makes latency, fault draws, ids and images reproducible.
	Seed uint64
	// Latency delays every request that reaches generation.
	Latency    time.Duration
	LatencyMax time.Duration

	// RateLimit answers 429 rate_limited with Retry-After (whole seconds,
	// rounded up) and Retry-After-Ms of RetryAfter (default 1s).
	RateLimit  Fault
	RetryAfter time.Duration
	// ServerError answers 500 after the latency; Disconnect drops the
	// connection; Garbage answers 200 with a broken image.
	ServerError Fault
	Disconnect  Fault
	Garbage     Fault
	GarbageKind GarbageKind

	// OutOfCredits answers every generation 402 insufficient_credits.
	OutOfCredits bool
	// ModerationWord refuses any prompt containing it (case-insensitive)
	// with 400 content_policy_violation.
	ModerationWord string
	// Response is how a 200 carries the image: OakgenURL (default),
	// OakgenBase64 or OakgenDataURL.
	Response OakgenResponse
	// AsyncPolls makes generation asynchronous: the POST answers 202 with a
	// job id and a polling_url, which reports "processing" this many times
	// before the result.
	AsyncPolls int
	// ReferenceField is the JSON field of reference URLs (default
	// "image_urls").
	ReferenceField string
	// ReachableReferences, when set, lists the only reference URLs the
	// fake can "download"; others answer 400 as an unreachable URL would.
	ReachableReferences []string
	// MaxRecords bounds the requests kept for Received (default 1000).
	MaxRecords int
}

// OakgenResponse is the shape of a successful answer.
type OakgenResponse int

const (
	// OakgenURL: {"images": [{"url": ...}]}, the file served by the fake.
	OakgenURL OakgenResponse = iota
	// OakgenBase64: {"images": [{"b64_json": ...}]}.
	OakgenBase64
	// OakgenDataURL: {"image": "data:image/png;base64,..."}.
	OakgenDataURL
)

func (c OakgenConfig) withDefaults() OakgenConfig {
	if c.RetryAfter <= 0 {
		c.RetryAfter = time.Second
	}
	if c.ReferenceField == "" {
		c.ReferenceField = "image_urls"
	}
	return c
}

// OakgenReceived is a request as the fake saw it.
type OakgenReceived struct {
	Method string // POST for a generation, GET for a poll
	Status int    // 0 when the connection was dropped
	Model  string
	Prompt string
	// Params holds every other scalar field as sent.
	Params     map[string]string
	References []string
}

// Oakgen is a fake of Oakgen's image API: POST /v1/generate/image, the
// polling URLs of its async variant, and the result files it hands out.
// It is safe for concurrent use.
type Oakgen struct {
	cfg    OakgenConfig
	render *renderer
	dice   *faultDice
	log    *callLog[OakgenReceived]

	mu    sync.Mutex
	files map[string][]byte     // result files by name
	jobs  map[string]*oakgenJob // async jobs by id
	order []string              // file names, oldest first
}

type oakgenJob struct {
	polls int
	body  any
}

// NewOakgen returns a fake Oakgen API configured by cfg.
func NewOakgen(cfg OakgenConfig) *Oakgen {
	cfg = cfg.withDefaults()
	return &Oakgen{cfg: cfg, render: newRenderer(), dice: newFaultDice(cfg.Seed, diceStream), log: newCallLog[OakgenReceived](cfg.MaxRecords),
		files: map[string][]byte{}, jobs: map[string]*oakgenJob{}}
}

// Start serves o on a loopback server until the test ends and returns its
// base URL (the provider's base_url).
func (o *Oakgen) Start(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Stats counts generation requests, images and answers by status.
func (o *Oakgen) Stats() Stats { return o.log.stats() }

// Received returns the most recent requests, oldest first.
func (o *Oakgen) Received() []OakgenReceived { return o.log.received() }

const (
	oakgenPath  = "/v1/generate/image"
	oakgenFiles = "/fakeapi/oakgen/files/"
)

// ServeHTTP routes a request.
func (o *Oakgen) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == oakgenPath && r.Method == http.MethodPost:
		o.serveGenerate(w, r)
	case strings.HasPrefix(r.URL.Path, oakgenPath+"/") && r.Method == http.MethodGet:
		o.servePoll(w, r, strings.TrimPrefix(r.URL.Path, oakgenPath+"/"))
	case strings.HasPrefix(r.URL.Path, oakgenFiles) && r.Method == http.MethodGet:
		o.serveFile(w, r)
	case r.URL.Path == oakgenPath:
		oakErr(http.StatusMethodNotAllowed, "method_not_allowed", "Method %s not allowed.", r.Method).write(w)
	default:
		oakErr(http.StatusNotFound, "not_found", "No route for %s %s.", r.Method, r.URL.Path).write(w)
	}
}

func (o *Oakgen) serveGenerate(w http.ResponseWriter, r *http.Request) {
	rec := OakgenReceived{Method: http.MethodPost}
	status, images, send := o.answer(w, r, &rec)
	rec.Status = status
	o.log.add(rec, status, images)
	send()
}

// answer decides the answer to a generation and returns its status, the
// real images in it and the function that sends it.
func (o *Oakgen) answer(w http.ResponseWriter, r *http.Request, rec *OakgenReceived) (int, int, func()) {
	fail := func(e *oakError) (int, int, func()) { return e.status, 0, func() { e.write(w) } }
	req, m, oerr := o.admit(r, rec)
	if oerr != nil {
		return fail(oerr)
	}
	if !o.dice.wait(r.Context(), o.cfg.Latency, o.cfg.LatencyMax) {
		return 499, 0, func() {}
	}
	switch {
	case o.dice.draw("disconnect", o.cfg.Disconnect):
		return 0, 0, func() { hijackClose(w) }
	case o.dice.draw("server_error", o.cfg.ServerError):
		return fail(oakErr(http.StatusInternalServerError, "internal_error", "Generation failed upstream. Please try again."))
	}
	body, images, err := o.result(r, m, req)
	if err != nil {
		return fail(oakErr(http.StatusInternalServerError, "internal_error", "fakeapi: %v", err))
	}
	if o.cfg.AsyncPolls > 0 {
		id := body["id"].(string)
		o.mu.Lock()
		o.jobs[id] = &oakgenJob{body: body}
		o.mu.Unlock()
		pending := map[string]any{"id": id, "status": "processing", "polling_url": baseURL(r) + oakgenPath + "/" + id}
		return http.StatusAccepted, images, func() { writeJSON(w, http.StatusAccepted, pending) }
	}
	return http.StatusOK, images, func() { writeJSON(w, http.StatusOK, body) }
}

// admit runs every check that answers before any work is done.
func (o *Oakgen) admit(r *http.Request, rec *OakgenReceived) (*oakRequest, oakModel, *oakError) {
	if err := o.checkAuth(r); err != nil {
		return nil, oakModel{}, err
	}
	req, err := parseOakRequest(r, o.cfg.ReferenceField)
	if err != nil {
		return nil, oakModel{}, err
	}
	rec.Model, rec.Prompt, rec.Params, rec.References = req.model, req.prompt, req.params, req.refs
	if o.cfg.OutOfCredits {
		return nil, oakModel{}, oakErr(http.StatusPaymentRequired, "insufficient_credits",
			"Not enough credits: this generation needs %d credits and your balance is 0. Upgrade your plan or buy credits at https://oakgen.ai/pricing.", oakModels()[req.model].credits)
	}
	if o.dice.draw("rate_limit", o.cfg.RateLimit) {
		secs := int((o.cfg.RetryAfter + time.Second - 1) / time.Second)
		e := oakErr(http.StatusTooManyRequests, "rate_limited", "Too many requests. Please retry in %d seconds.", secs)
		e.header = http.Header{"Retry-After": {strconv.Itoa(secs)}, "Retry-After-Ms": {strconv.FormatInt(o.cfg.RetryAfter.Milliseconds(), 10)}}
		return nil, oakModel{}, e
	}
	m, err := req.validate(o.cfg.ReachableReferences)
	if err != nil {
		return nil, oakModel{}, err
	}
	if word := o.cfg.ModerationWord; word != "" && strings.Contains(strings.ToLower(req.prompt), strings.ToLower(word)) {
		return nil, oakModel{}, oakErr(http.StatusBadRequest, "content_policy_violation",
			"Your prompt was flagged by our content moderation system (category: violence). Please revise it and try again.")
	}
	return req, m, nil
}

func (o *Oakgen) checkAuth(r *http.Request) *oakError {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	key = strings.TrimSpace(key)
	switch {
	case !ok || key == "":
		return oakErr(http.StatusUnauthorized, "unauthorized", "Missing API key. Send it as 'Authorization: Bearer <key>'.")
	case o.cfg.APIKey != "" && key != o.cfg.APIKey:
		return oakErr(http.StatusUnauthorized, "invalid_api_key", "Invalid API key: %s", maskKey(key))
	}
	return nil
}

// result renders the image of a valid request, broken when the Garbage
// fault fires, and the answer's body; images counts real images in it.
func (o *Oakgen) result(r *http.Request, m oakModel, req *oakRequest) (map[string]any, int, error) {
	w, h := req.dims(m)
	format := req.format(m)
	fp := oakFingerprint(req)
	key := renderKey{width: w, height: h, format: format, compression: 90, variant: fp[0] % renderVariants}
	kind := GarbageAny
	if o.dice.draw("garbage", o.cfg.Garbage) {
		kind = o.cfg.GarbageKind
		if kind == GarbageAny {
			kind = GarbageKind(1 + o.dice.intn(garbageKinds))
		}
	}
	data, err := garbageBytes(o.render, key, hex.EncodeToString(fp[:16]), kind)
	if err != nil {
		return nil, 0, err
	}
	id := "gen_" + o.dice.hex(20)
	body := map[string]any{"id": id, "model": m.id, "status": "completed", "credits_used": m.credits, "created_at": time.Now().UTC().Format(time.RFC3339)}
	img := map[string]any{"width": w, "height": h}
	switch o.cfg.Response {
	case OakgenBase64:
		img["b64_json"] = encodeB64(data, kind)
		body["images"] = []any{img}
	case OakgenDataURL:
		body["image"] = "data:image/" + format + ";base64," + encodeB64(data, kind)
	default:
		img["url"] = o.store(r, data, format)
		body["images"] = []any{img}
	}
	if kind != GarbageAny {
		return body, 0, nil
	}
	return body, 1, nil
}

// garbageBytes renders key, broken as kind says (GarbageAny: not).
func garbageBytes(rd *renderer, key renderKey, tag string, kind GarbageKind) ([]byte, error) {
	switch kind {
	case GarbageNotImage:
		return []byte("<html><body>502 Bad Gateway</body></html>"), nil
	case GarbageWrongSize:
		key.width, key.height = key.width/2, key.height/2
	case GarbageWrongFormat:
		key.format = map[string]string{"png": "jpeg", "jpeg": "png", "webp": "png"}[key.format]
	}
	data, err := rd.render(key, tag)
	if kind == GarbageTruncated && err == nil {
		data = data[:len(data)/2]
	}
	return data, err
}

func encodeB64(data []byte, kind GarbageKind) string {
	s := base64.StdEncoding.EncodeToString(data)
	if kind == GarbageBase64 {
		s = "!!" + s[2:len(s)/2] + "%%not-base64%%"
	}
	return s
}

// servePoll answers a job's polling URL: processing, then the result.
func (o *Oakgen) servePoll(w http.ResponseWriter, r *http.Request, id string) {
	rec := OakgenReceived{Method: http.MethodGet}
	if err := o.checkAuth(r); err != nil {
		rec.Status = err.status
		o.log.add(rec, err.status, 0)
		err.write(w)
		return
	}
	o.mu.Lock()
	job := o.jobs[id]
	var body any
	switch {
	case job == nil:
	case job.polls < o.cfg.AsyncPolls:
		job.polls++
		body = map[string]any{"id": id, "status": "processing"}
	default:
		body = job.body
	}
	o.mu.Unlock()
	if body == nil {
		rec.Status = http.StatusNotFound
		o.log.add(rec, rec.Status, 0)
		oakErr(http.StatusNotFound, "not_found", "Generation %s not found.", id).write(w)
		return
	}
	rec.Status = http.StatusOK
	o.log.add(rec, http.StatusOK, 0)
	writeJSON(w, http.StatusOK, body)
}

// store keeps a result file and returns its URL on this server.
func (o *Oakgen) store(r *http.Request, data []byte, format string) string {
	sum := sha256.Sum256(data)
	name := hex.EncodeToString(sum[:12]) + "." + format
	o.mu.Lock()
	if _, ok := o.files[name]; !ok {
		o.files[name] = data
		o.order = append(o.order, name)
		if len(o.order) > maxFiles {
			delete(o.files, o.order[0])
			o.order = o.order[1:]
		}
	}
	o.mu.Unlock()
	return baseURL(r) + oakgenFiles + name + "?expires=600"
}

func (o *Oakgen) serveFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, oakgenFiles)
	o.mu.Lock()
	data, ok := o.files[name]
	o.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	ext := name[strings.LastIndexByte(name, '.')+1:]
	w.Header().Set("Content-Type", "image/"+ext)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// oakError is an error answer: {"error": {"code", "message"}}.
type oakError struct {
	status  int
	code    string
	message string
	header  http.Header
}

func oakErr(status int, code, format string, args ...any) *oakError {
	return &oakError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

func (e *oakError) write(w http.ResponseWriter) {
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	writeJSON(w, e.status, map[string]any{"error": map[string]string{"code": e.code, "message": e.message}})
}
