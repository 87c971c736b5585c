package vendorapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// DefaultMaxResponseBytes bounds a response body read into memory.
const DefaultMaxResponseBytes = 256 << 20

// Client is one configured provider's connection to its vendor: the HTTP
// client, the settings, the shared limits, the redactor and the retry
// policy. It is safe for concurrent use.
type Client struct {
	// Vendor names the service in messages ("Oakgen").
	Vendor string
	// KeyEnv is the key's environment variable, for hints.
	KeyEnv   string
	Settings Settings
	HTTP     *http.Client
	Limits   *Limits
	Redactor *Redactor
	Policy   Policy
	Env      Env
	// MaxResponseBytes bounds a body read into memory (0: the default).
	MaxResponseBytes int64
}

// NewClient builds the client of a configured provider: limits from the
// settings (burst 1: requests evenly spaced), the API key redacted from
// every error, and the default policy with the settings' billed retries.
func NewClient(d Defaults, s Settings, env Env) *Client {
	env = env.WithDefaults()
	hc := env.HTTPClient
	if hc == nil {
		hc = newHTTPClient(s.MaxConcurrency)
	}
	p := DefaultPolicy()
	p.MaxBilledRetries = s.MaxBilledRetries
	return &Client{Vendor: d.Vendor, KeyEnv: d.KeyEnv, Settings: s, HTTP: hc, Env: env, Policy: p,
		Limits:   NewLimits(s.MaxConcurrency, s.RequestsPerMinute, 1, env),
		Redactor: NewRedactor(s.APIKey)}
}

// Response is an answer read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// NetError is an exchange that failed before a whole answer was read.
type NetError struct {
	// Sent is true once the whole request was written: the server may
	// have acted on it (and billed it).
	Sent bool
	// Timeout is true when the provider's timeout ended the exchange.
	Timeout bool
	Err     error
}

func (e *NetError) Error() string { return e.Err.Error() }
func (e *NetError) Unwrap() error { return e.Err }

// Do sends req within Settings.Timeout and reads the whole answer (at most
// MaxResponseBytes). A failure is a *NetError saying whether the request
// had been sent, or ctx's error when the caller gave up. Build req with a
// GetBody (http.NewRequest does for bytes and strings readers) or a fresh
// body per call: Do never resends a request itself.
func (c *Client) Do(ctx context.Context, req *http.Request) (*Response, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout())
	defer cancel()
	sent := &atomic.Bool{}
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) { sent.Store(info.Err == nil) }}
	req = req.WithContext(httptrace.WithClientTrace(actx, trace))
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, c.netError(ctx, err, sent.Load())
	}
	defer resp.Body.Close()
	limit := c.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultMaxResponseBytes
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, c.netError(ctx, err, true)
	}
	if int64(len(body)) > limit {
		return nil, &NetError{Sent: true, Err: fmt.Errorf("the answer is larger than %d MB", limit>>20)}
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

func (c *Client) netError(ctx context.Context, err error, sent bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	ne := &NetError{Sent: sent, Err: errors.New(c.Redactor.Redact(err.Error()))}
	if errors.Is(err, context.DeadlineExceeded) {
		ne.Timeout = true
		ne.Err = fmt.Errorf("no answer from %s within the timeout of %s", c.Vendor, c.timeout())
	}
	return ne
}

func (c *Client) timeout() time.Duration {
	if c.Settings.Timeout <= 0 {
		return 10 * time.Minute
	}
	return c.Settings.Timeout
}

// URL joins the base URL and an endpoint path ("/v1/generate/image").
func (c *Client) URL(path string) string { return c.Settings.BaseURL + path }

// Redact removes the key and key-shaped strings from text.
func (c *Client) Redact(text string) string { return c.Redactor.Redact(text) }

// JSONRequest builds a request with a JSON body (nil: none) that asks for
// JSON back. Auth headers are the provider's to add. The body is
// replayable (GetBody), but build a new request per attempt anyway.
func JSONRequest(ctx context.Context, method, url string, body []byte) (*http.Request, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, r)
	if err != nil {
		return nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	return req, nil
}
