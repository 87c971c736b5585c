package fakeapi

import (
	"mime"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// OpenAI is a fake OpenAI Images API. It is an http.Handler serving
// POST /v1/images/generations, POST /v1/images/edits, and the image URLs it
// hands out for dall-e. It is safe for concurrent use.
type OpenAI struct {
	cfg    Config
	models map[string]modelSpec
	render *renderer

	// generations and edits are counted as requests arrive; log counts
	// answers and images and keeps the records.
	generations atomic.Int64
	edits       atomic.Int64
	log         *callLog[Received]

	dice *faultDice // faults, latencies, request ids

	mu      sync.Mutex // guards the files below
	files   map[string]storedFile
	fileIDs []string
}

type storedFile struct {
	contentType string
	data        []byte
}

// Stats counts what the server has seen.
type Stats struct {
	// Generations and Edits count requests per endpoint, whatever the answer.
	Generations int
	Edits       int
	// Images counts images generated and returned in 200 answers; garbage
	// answers are not counted.
	Images int
	// ByStatus counts answers per HTTP status (0: connection dropped).
	ByStatus map[int]int
}

// Received is a request as the server saw it, for tests to inspect.
type Received struct {
	Endpoint  string // "generations" or "edits"
	Status    int    // 0 when the connection was dropped
	RequestID string
	Model     string
	Prompt    string
	// Params holds every other scalar parameter as sent.
	Params       map[string]string
	Images       []Upload
	Mask         *Upload
	Organization string
	Project      string
}

// Upload describes an image sent in an edit.
type Upload struct {
	Param       string // image[0], image, images[0] or mask
	Filename    string
	ContentType string
	Width       int
	Height      int
	Bytes       int
}

// NewOpenAI returns a fake OpenAI Images API configured by cfg.
func NewOpenAI(cfg Config) *OpenAI {
	cfg = cfg.withDefaults()
	return &OpenAI{
		cfg:    cfg,
		models: models(),
		render: newRenderer(),
		dice:   newFaultDice(cfg.Seed, 0x5eed_0f_fa4e),
		log:    newCallLog[Received](cfg.MaxRecords),
		files:  map[string]storedFile{},
	}
}

// Start serves o on a loopback httptest server until the test ends and
// returns the API's base URL, ending in /v1.
func (o *OpenAI) Start(t testing.TB) string {
	t.Helper()
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// Stats returns a snapshot of the counters.
func (o *OpenAI) Stats() Stats {
	s := o.log.stats()
	s.Generations, s.Edits = int(o.generations.Load()), int(o.edits.Load())
	return s
}

// Received returns the most recent requests (up to Config.MaxRecords),
// oldest first.
func (o *OpenAI) Received() []Received { return o.log.received() }

// ServeHTTP routes a request.
func (o *OpenAI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/v1/images/generations" || r.URL.Path == "/v1/images/edits":
		if r.Method != http.MethodPost {
			writeError(w, &apiError{status: http.StatusMethodNotAllowed, typ: "invalid_request_error",
				message: "Invalid method for URL (" + r.Method + " " + r.URL.Path + ")"})
			return
		}
		o.serveImages(w, r, r.URL.Path == "/v1/images/edits")
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, filesPrefix):
		o.serveFile(w, r)
	default:
		writeError(w, &apiError{status: http.StatusNotFound, typ: "invalid_request_error",
			message: "Invalid URL (" + r.Method + " " + r.URL.Path + ")"})
	}
}

// serveImages answers one generation or edit: auth, account faults,
// parsing and validation, moderation, latency, server faults, then images.
// The request is recorded and counted before the client sees the answer,
// so a test that has its answer can trust Stats and Received.
func (o *OpenAI) serveImages(w http.ResponseWriter, r *http.Request, edit bool) {
	rec := Received{Endpoint: "generations", Organization: r.Header.Get("OpenAI-Organization"), Project: r.Header.Get("OpenAI-Project")}
	if edit {
		rec.Endpoint = "edits"
		o.edits.Add(1)
	} else {
		o.generations.Add(1)
	}
	rec.RequestID = "req_" + o.dice.hex(32)
	w.Header().Set("x-request-id", rec.RequestID)
	status, images, write := o.answer(w, r, edit, &rec)
	rec.Status = status
	o.log.add(rec, status, images)
	write()
}

// answer decides the answer to a request and returns its status, the real
// images in it and the function that sends it.
func (o *OpenAI) answer(w http.ResponseWriter, r *http.Request, edit bool, rec *Received) (int, int, func()) {
	fail := func(e *apiError) (int, int, func()) { return e.status, 0, func() { writeError(w, e) } }
	req, spec, aerr := o.admit(r, edit, rec)
	if aerr != nil {
		return fail(aerr)
	}
	if !o.dice.wait(r.Context(), o.cfg.Latency, o.cfg.LatencyMax) {
		return 499, 0, func() {} // the client went away
	}
	if o.dice.draw("disconnect", o.cfg.Disconnect) {
		return 0, 0, func() { hijackClose(w) }
	}
	if o.dice.draw("server_error", o.cfg.ServerError) {
		return fail(serverError())
	}
	resp, n, aerr := o.respond(r, spec, req, rec.RequestID)
	if aerr != nil {
		return fail(aerr)
	}
	return http.StatusOK, n, func() { writeJSON(w, http.StatusOK, resp) }
}

// admit runs every check that answers before any work is done.
func (o *OpenAI) admit(r *http.Request, edit bool, rec *Received) (*request, modelSpec, *apiError) {
	if err := o.checkAuth(r); err != nil {
		return nil, modelSpec{}, err
	}
	if o.cfg.InsufficientQuota {
		return nil, modelSpec{}, insufficientQuota()
	}
	req, err := parseBody(r, edit)
	if err != nil {
		return nil, modelSpec{}, err
	}
	rec.fill(req)
	spec, err := o.resolveModel(req)
	if err != nil {
		return nil, modelSpec{}, err
	}
	if o.dice.draw("rate_limit", o.cfg.RateLimit) {
		return nil, modelSpec{}, rateLimited(spec.id, o.cfg.RetryAfter)
	}
	if err := validate(spec, req); err != nil {
		return nil, modelSpec{}, err
	}
	rec.fillImages(req)
	if w := o.cfg.ModerationWord; w != "" && strings.Contains(strings.ToLower(req.prompt), strings.ToLower(w)) {
		return nil, modelSpec{}, moderationBlocked(rec.RequestID, o.cfg.ModerationCategories)
	}
	return req, spec, nil
}

func parseBody(r *http.Request, edit bool) (*request, *apiError) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "application/json":
		return parseJSON(r, edit)
	case edit && ct == "multipart/form-data":
		return parseMultipart(r)
	case edit:
		return nil, invalid("", "", "Invalid Content-Type header (%s): expected multipart/form-data or application/json.", ct)
	}
	return nil, invalid("", "", "Invalid Content-Type header (%s): expected application/json.", ct)
}

func (o *OpenAI) checkAuth(r *http.Request) *apiError {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	key = strings.TrimSpace(key)
	switch {
	case !ok || key == "":
		return missingKey()
	case o.cfg.APIKey != "" && key != o.cfg.APIKey:
		return wrongKey(key)
	}
	return nil
}

// hijackClose drops the connection without an answer, as a crashed
// upstream or a network cut would.
func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // net/http drops the connection quietly
	}
	conn.Close()
}

func (rec *Received) fill(req *request) {
	rec.Model = req.str("model")
	rec.Prompt = req.prompt
	rec.Params = map[string]string{}
	for k, v := range req.values {
		if k != "model" && k != "prompt" {
			rec.Params[k] = fmtValue(v)
		}
	}
}

func (rec *Received) fillImages(req *request) {
	up := func(img inputImage) Upload {
		return Upload{Param: img.param, Filename: img.filename, ContentType: img.contentType,
			Width: img.width, Height: img.height, Bytes: len(img.data)}
	}
	for _, img := range req.images {
		rec.Images = append(rec.Images, up(img))
	}
	if req.mask != nil {
		m := up(*req.mask)
		rec.Mask = &m
	}
}
