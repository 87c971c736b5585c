package fakeapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BFLConfig sets up a fake Black Forest Labs API. The zero value serves
// every known model, accepts any x-key, makes each task Ready on its
// second poll and injects no faults.
type BFLConfig struct {
	// APIKey is the key the x-key header must carry; empty accepts any
	// non-empty key.
	APIKey string
	// Seed makes fault draws, ids, random seeds and images reproducible.
	Seed uint64
	// PendingPolls is how many polls answer Pending before the task's
	// final status (default 1); Latency also holds a task Pending until
	// that much time has passed since its submission.
	PendingPolls int
	Latency      time.Duration
	// NeverReady keeps every task Pending, for poll timeouts.
	NeverReady bool

	// RateLimit answers a submission 429 with Retry-After (whole seconds,
	// rounded up) and a retry_after field of RetryAfter (default 1s).
	RateLimit  Fault
	RetryAfter time.Duration
	// ServerError answers a submission 500; Disconnect drops it after
	// reading it; PollError answers a poll 502.
	ServerError Fault
	Disconnect  Fault
	PollError   Fault
	// TaskError ends a task in status Error; Garbage makes its result file
	// broken as GarbageKind says.
	TaskError   Fault
	Garbage     Fault
	GarbageKind GarbageKind
	// OutOfCredits answers every submission 402.
	OutOfCredits bool
	// ModerationWord ends a task whose prompt holds it in "Request
	// Moderated"; ContentModerationWord in "Content Moderated".
	ModerationWord        string
	ContentModerationWord string
	// MaxActive caps tasks in flight per key (default: 24, and 6 for
	// flux-kontext-max, as BFL documents); a submission over it gets 429.
	MaxActive int
	// ResultTTL is how long a result link works after the task is ready
	// (default 10 minutes), measured by Now (default time.Now).
	ResultTTL time.Duration
	Now       func() time.Time
	// MaxRecords bounds the requests kept for Received (default 1000).
	MaxRecords int
}

func (c BFLConfig) withDefaults() BFLConfig {
	if c.PendingPolls <= 0 {
		c.PendingPolls = 1
	}
	if c.RetryAfter <= 0 {
		c.RetryAfter = time.Second
	}
	if c.ResultTTL <= 0 {
		c.ResultTTL = 10 * time.Minute
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// BFLReceived is a request as the fake saw it.
type BFLReceived struct {
	Method string // POST: a submission; GET: a poll
	Status int    // HTTP status; 0 when the connection was dropped
	Model  string
	Prompt string
	// Params holds the other scalar fields; input images are "base64" or
	// "url" there, and described in Images.
	Params map[string]string
	Images []Upload
	// TaskStatus is what a poll reported (Pending, Ready, ...).
	TaskStatus string
}

// BFL is a fake of Black Forest Labs' API: POST /v1/{model} submits a
// task, GET /v1/get_result?id= polls it, and its result links serve the
// image until they expire. It validates submissions as BFL does (x-key,
// FastAPI 422 errors, per-model fields, size rules, safety_tolerance,
// decodable input images, tasks in flight) and renders real images whose
// bytes depend on the seed. It is safe for concurrent use.
type BFL struct {
	cfg    BFLConfig
	models map[string]bflModel
	render *renderer
	dice   *faultDice
	log    *callLog[BFLReceived]

	mu    sync.Mutex
	tasks map[string]*bflTask
	files map[string]bflFile
	order []string // file names, oldest first
}

type bflTask struct {
	model     bflModel
	submitted time.Time
	polls     int
	final     string // the status the task ends in
	details   map[string]any
	result    *bflResult // nil unless the task ends Ready
	done      bool       // counted out of the active tasks
}

// bflResult is a Ready task's result and the file behind its link.
type bflResult struct {
	sample string
	seed   int64
	prompt string
	file   string
	data   []byte
	real   bool // not garbage
}

type bflFile struct {
	data    []byte
	expires time.Time
}

// NewBFL returns a fake BFL API configured by cfg.
func NewBFL(cfg BFLConfig) *BFL {
	cfg = cfg.withDefaults()
	return &BFL{cfg: cfg, models: bflModels(), render: newRenderer(), dice: newFaultDice(cfg.Seed, diceStream),
		log: newCallLog[BFLReceived](cfg.MaxRecords), tasks: map[string]*bflTask{}, files: map[string]bflFile{}}
}

// Start serves b on a loopback server until the test ends and returns its
// base URL (the provider's base_url).
func (b *BFL) Start(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return srv.URL
}

// Stats counts requests (submissions and polls), images and statuses.
func (b *BFL) Stats() Stats { return b.log.stats() }

// Received returns the most recent requests, oldest first.
func (b *BFL) Received() []BFLReceived { return b.log.received() }

// Active is the number of tasks in flight.
func (b *BFL) Active() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, t := range b.tasks {
		if !t.done {
			n++
		}
	}
	return n
}

const bflFiles = "/fakeapi/bfl/results/"

// ServeHTTP routes a request.
func (b *BFL) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	model, isModel := strings.CutPrefix(r.URL.Path, "/v1/")
	switch {
	case r.URL.Path == "/v1/get_result" && r.Method == http.MethodGet:
		b.servePoll(w, r)
	case strings.HasPrefix(r.URL.Path, bflFiles) && r.Method == http.MethodGet:
		b.serveFile(w, r)
	case isModel && b.models[model].id != "" && r.Method == http.MethodPost:
		b.serveSubmit(w, r, b.models[model])
	case isModel && b.models[model].id != "":
		(&bflError{status: http.StatusMethodNotAllowed, body: map[string]any{"detail": "Method Not Allowed"}}).write(w)
	default:
		(&bflError{status: http.StatusNotFound, body: map[string]any{"detail": "Not Found"}}).write(w)
	}
}

// bflError is an error answer with a JSON body.
type bflError struct {
	status int
	body   map[string]any
	header http.Header
}

func (e *bflError) write(w http.ResponseWriter) {
	for k, vs := range e.header {
		w.Header()[k] = vs
	}
	writeJSON(w, e.status, e.body)
}

func bflDetail(status int, detail string) *bflError {
	return &bflError{status: status, body: map[string]any{"detail": detail}}
}

func (b *BFL) serveSubmit(w http.ResponseWriter, r *http.Request, m bflModel) {
	rec := BFLReceived{Method: http.MethodPost, Model: m.id}
	status, send := b.submit(w, r, m, &rec)
	rec.Status = status
	b.log.add(rec, status, 0)
	send()
}

// submit decides the answer to a submission and returns its status and
// the function that sends it.
func (b *BFL) submit(w http.ResponseWriter, r *http.Request, m bflModel, rec *BFLReceived) (int, func()) {
	fail := func(e *bflError) (int, func()) { return e.status, func() { e.write(w) } }
	req, e := b.admit(r, m, rec)
	if e != nil {
		return fail(e)
	}
	switch {
	case b.dice.draw("disconnect", b.cfg.Disconnect):
		return 0, func() { hijackClose(w) }
	case b.dice.draw("server_error", b.cfg.ServerError):
		return fail(bflDetail(http.StatusInternalServerError, "Internal Server Error"))
	}
	id, e := b.newTask(r, m, req)
	if e != nil {
		return fail(e)
	}
	body := map[string]any{"id": id, "polling_url": baseURL(r) + "/v1/get_result?id=" + id}
	return http.StatusOK, func() { writeJSON(w, http.StatusOK, body) }
}

// admit runs every check that answers before a task is made.
func (b *BFL) admit(r *http.Request, m bflModel, rec *BFLReceived) (*bflRequest, *bflError) {
	if e := b.checkKey(r); e != nil {
		return nil, e
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		return nil, bflInvalid("", "model_attributes_type", "Input should be a valid dictionary or object to extract fields from")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, 64<<20))
	if err != nil {
		return nil, bflDetail(http.StatusBadRequest, "could not read the body")
	}
	req, e := parseBFLRequest(data, m)
	if e != nil {
		return nil, e
	}
	rec.fill(req)
	if b.cfg.OutOfCredits {
		return nil, bflDetail(http.StatusPaymentRequired, "Insufficient credits. Add credits at https://dashboard.bfl.ai to continue.")
	}
	if e := req.validate(m); e != nil {
		return nil, e
	}
	if len(req.images)+len(req.urls) > m.maxImages && m.family != "flux1" && m.family != "ultra" && m.family != "dev" {
		return nil, bflInvalid(bflImageField(m.maxImages+1), "extra_forbidden", "Extra inputs are not permitted")
	}
	if b.dice.draw("rate_limit", b.cfg.RateLimit) || b.overActive(m) {
		return nil, b.rateLimited(m)
	}
	return req, nil
}

func (b *BFL) checkKey(r *http.Request) *bflError {
	key := strings.TrimSpace(r.Header.Get("x-key"))
	switch {
	case key == "":
		return bflDetail(http.StatusForbidden, "Not authenticated")
	case b.cfg.APIKey != "" && key != b.cfg.APIKey:
		return bflDetail(http.StatusUnauthorized, "Invalid API key: "+maskKey(key))
	}
	return nil
}

// activeLimit is the most tasks of m in flight.
func (b *BFL) activeLimit(m bflModel) int {
	if b.cfg.MaxActive > 0 {
		return min(m.maxActive, b.cfg.MaxActive)
	}
	return m.maxActive
}

// overActive reports whether one more task of m would pass the limit of
// tasks in flight (all models, and m's own).
func (b *BFL) overActive(m bflModel) bool {
	limit := b.cfg.MaxActive
	if limit <= 0 {
		limit = 24
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	all, same := 0, 0
	for _, t := range b.tasks {
		if !t.done {
			all++
			if t.model.id == m.id {
				same++
			}
		}
	}
	return all >= limit || same >= b.activeLimit(m)
}

func (b *BFL) rateLimited(m bflModel) *bflError {
	secs := int((b.cfg.RetryAfter + time.Second - 1) / time.Second)
	limit := b.activeLimit(m)
	return &bflError{status: http.StatusTooManyRequests,
		header: http.Header{"Retry-After": {strconv.Itoa(secs)}, "X-Ratelimit-Limit": {strconv.Itoa(limit)}, "X-Ratelimit-Remaining": {"0"}},
		body: map[string]any{"error": "Too Many Requests", "retry_after": b.cfg.RetryAfter.Seconds(),
			"message": fmt.Sprintf("You have reached the limit of %d active tasks. Wait for a task to finish before submitting another.", limit)}}
}

func (rec *BFLReceived) fill(req *bflRequest) {
	rec.Prompt = req.prompt
	rec.Params = map[string]string{}
	for k, v := range req.values {
		if k != "prompt" {
			rec.Params[k] = fmt.Sprint(v)
		}
	}
	for _, img := range req.images {
		rec.Images = append(rec.Images, Upload{Param: img.param, ContentType: img.contentType, Width: img.width, Height: img.height, Bytes: len(img.data)})
	}
}

// newTask renders the task's image now (its status is revealed by polls)
// and stores its result link.
func (b *BFL) newTask(r *http.Request, m bflModel, req *bflRequest) (string, *bflError) {
	id := b.dice.hex(8) + "-" + b.dice.hex(4) + "-" + b.dice.hex(4) + "-" + b.dice.hex(4) + "-" + b.dice.hex(12)
	t := &bflTask{model: m, submitted: time.Now(), final: "Ready"}
	lower := strings.ToLower(req.prompt)
	switch {
	case b.cfg.ModerationWord != "" && strings.Contains(lower, strings.ToLower(b.cfg.ModerationWord)):
		t.final, t.details = "Request Moderated", map[string]any{"Moderation Reasons": []string{"Derivative Works"}}
	case b.cfg.ContentModerationWord != "" && strings.Contains(lower, strings.ToLower(b.cfg.ContentModerationWord)):
		t.final, t.details = "Content Moderated", map[string]any{"Moderation Reasons": []string{"NSFW"}}
	case b.dice.draw("task_error", b.cfg.TaskError):
		t.final, t.details = "Error", map[string]any{"error": "Generation failed: internal error"}
	default:
		result, e := b.result(r, m, req, id)
		if e != nil {
			return "", e
		}
		t.result = result
	}
	b.mu.Lock()
	b.tasks[id] = t
	b.mu.Unlock()
	return id, nil
}

// result renders the image and returns the Ready result.
func (b *BFL) result(r *http.Request, m bflModel, req *bflRequest, id string) (*bflResult, *bflError) {
	seed := int64(b.dice.intn(1 << 30))
	if s, ok := req.num("seed"); ok {
		seed = int64(s)
	}
	w, h := req.dims(m)
	fp := bflFingerprint(m, req, seed, w, h)
	key := renderKey{width: w, height: h, format: req.format(), compression: 90, variant: fp[0] % renderVariants}
	kind := GarbageAny
	if b.dice.draw("garbage", b.cfg.Garbage) {
		if kind = b.cfg.GarbageKind; kind == GarbageAny || kind == GarbageBase64 {
			kind = GarbageNotImage
		}
	}
	data, err := garbageBytes(b.render, key, hex.EncodeToString(fp[:16]), kind)
	if err != nil {
		return nil, bflDetail(http.StatusInternalServerError, "fakeapi: "+err.Error())
	}
	name := id + "." + map[string]string{"jpeg": "jpg", "png": "png"}[key.format]
	return &bflResult{sample: baseURL(r) + bflFiles + name, seed: seed, prompt: req.prompt,
		file: name, data: data, real: kind == GarbageAny}, nil
}

// bflFingerprint hashes what determines the output: the same request with
// the same seed gives the same bytes.
func bflFingerprint(m bflModel, req *bflRequest, seed int64, w, h int) [32]byte {
	hs := sha256.New()
	fmt.Fprintf(hs, "%s\x00%s\x00%d\x00%dx%d\x00", m.id, req.prompt, seed, w, h)
	keys := make([]string, 0, len(req.values))
	for k := range req.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "webhook_url" && k != "webhook_secret" && k != "seed" {
			fmt.Fprintf(hs, "%s=%v\x00", k, req.values[k])
		}
	}
	for _, img := range req.images {
		s := sha256.Sum256(img.data)
		hs.Write(s[:])
	}
	for _, u := range req.urls {
		fmt.Fprintf(hs, "%s\x00", u)
	}
	var out [32]byte
	copy(out[:], hs.Sum(nil))
	return out
}

// servePoll answers get_result: Pending until the task is due, then its
// final status, once with the result link made live.
func (b *BFL) servePoll(w http.ResponseWriter, r *http.Request) {
	rec := BFLReceived{Method: http.MethodGet}
	if e := b.checkKey(r); e != nil {
		rec.Status = e.status
		b.log.add(rec, e.status, 0)
		e.write(w)
		return
	}
	if b.dice.draw("poll_error", b.cfg.PollError) {
		rec.Status = http.StatusBadGateway
		b.log.add(rec, rec.Status, 0)
		bflDetail(http.StatusBadGateway, "Bad Gateway").write(w)
		return
	}
	id := r.URL.Query().Get("id")
	body, images := b.pollTask(id)
	rec.Status, rec.TaskStatus = http.StatusOK, body["status"].(string)
	if t := b.task(id); t != nil {
		rec.Model = t.model.id
	}
	b.log.add(rec, http.StatusOK, images)
	writeJSON(w, http.StatusOK, body)
}

func (b *BFL) task(id string) *bflTask {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.tasks[id]
}

// pollTask advances a task by one poll and returns its status body and the
// real images it delivers (1 the first time a task is Ready).
func (b *BFL) pollTask(id string) (map[string]any, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	t := b.tasks[id]
	if t == nil {
		return map[string]any{"id": id, "status": "Task not found", "result": nil}, 0
	}
	t.polls++
	if b.cfg.NeverReady || t.polls <= b.cfg.PendingPolls || time.Since(t.submitted) < b.cfg.Latency {
		return map[string]any{"id": id, "status": "Pending", "result": nil, "progress": 0.5}, 0
	}
	body := map[string]any{"id": id, "status": t.final, "result": nil, "details": t.details}
	if t.result == nil {
		t.done = true
		return body, 0
	}
	images := 0
	if !t.done {
		t.done = true
		b.keepFile(t.result.file, bflFile{data: t.result.data, expires: b.cfg.Now().Add(b.cfg.ResultTTL)})
		t.result.data = nil
		if t.result.real {
			images = 1
		}
	}
	body["result"] = map[string]any{"sample": t.result.sample, "seed": t.result.seed, "prompt": t.result.prompt}
	return body, images
}

// keepFile stores a result file, dropping the oldest past maxFiles. The
// caller holds b.mu.
func (b *BFL) keepFile(name string, f bflFile) {
	b.files[name] = f
	b.order = append(b.order, name)
	if len(b.order) > maxFiles {
		delete(b.files, b.order[0])
		b.order = b.order[1:]
	}
}

// serveFile serves a result link until it expires, then answers as a
// signed storage URL does: 403 with an XML body.
func (b *BFL) serveFile(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, bflFiles)
	b.mu.Lock()
	f, ok := b.files[name]
	b.mu.Unlock()
	switch {
	case !ok:
		http.NotFound(w, r)
	case !b.cfg.Now().Before(f.expires):
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, `<?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Signed expiry time has to be after signed start time.</Message></Error>`)
	default:
		w.Header().Set("Content-Type", map[bool]string{true: "image/png", false: "image/jpeg"}[strings.HasSuffix(name, ".png")])
		w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
		_, _ = w.Write(f.data)
	}
}
