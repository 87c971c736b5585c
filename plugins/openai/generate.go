package openai

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, reads the reference
// and mask headers, waits for a concurrency slot, and calls the API with
// the retry policy below. Failures the user can act on are *sdk.Error.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	cfg, client, lim, err := p.configured()
	if err != nil {
		return nil, err
	}
	if qe := lim.exhausted(); qe != nil {
		e := *qe
		return nil, &e
	}
	s, diags := p.resolve(req)
	if diags.HasErrors() {
		return nil, invalid(diags)
	}
	b, err := newBody(s)
	if err != nil {
		return nil, err
	}
	release, err := lim.acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	c := &call{p: p, cfg: cfg, client: client, limits: lim, spec: s, body: b}
	resp, err := c.run(ctx)
	if err != nil {
		return nil, err
	}
	resp.Warnings = warnings(diags)
	return resp, nil
}

// invalid turns error diagnostics into one error, for a Generate whose
// request was not validated first.
func invalid(diags sdk.Diagnostics) error {
	e := &sdk.Error{Kind: sdk.ErrInvalid}
	for _, d := range diags {
		if d.Severity != sdk.SeverityError {
			continue
		}
		if e.Message == "" {
			e.Message, e.Hint = d.Summary, d.Detail
			continue
		}
		e.Message += "; " + d.Summary
	}
	return e
}

func warnings(diags sdk.Diagnostics) sdk.Diagnostics {
	var ws sdk.Diagnostics
	for _, d := range diags {
		if d.Severity == sdk.SeverityWarning {
			ws = append(ws, d)
		}
	}
	return ws
}

// Retry policy. Rate limits are not billed, so they are retried patiently;
// a failure after the request was sent may have been billed, so it is
// retried at most max_billed_retries times.
const (
	maxRateLimitRetries = 8
	maxUnsentRetries    = 3
	baseBackoff         = time.Second
	maxBackoff          = 60 * time.Second
	maxRetryAfter       = 2 * time.Minute
	maxResponseBytes    = 256 << 20
)

// call is one image's trip to the API, over as many attempts as the
// policy allows.
type call struct {
	p      *Provider
	cfg    *settings
	client *http.Client
	limits *limits
	spec   *spec
	body   *body

	billedRetries int
	mayHaveBilled bool
}

// class is what an attempt's outcome means for the next step.
type class int

const (
	success   class = iota
	fatal           // no retry can help
	rateLimit       // not billed: wait and retry
	unsent          // the request never reached the server: retry
	billed          // may have been billed: retry within max_billed_retries
)

type outcome struct {
	class      class
	err        error // *sdk.Error, or a context error
	retryAfter time.Duration
	resp       *sdk.Response
}

// run attempts the request until it succeeds or the policy gives up.
func (c *call) run(ctx context.Context) (*sdk.Response, error) {
	var rateLimited, unsentTries int
	for {
		if err := c.limits.pace(ctx); err != nil {
			return nil, err
		}
		out := c.attempt(ctx)
		var wait time.Duration
		switch out.class {
		case success:
			out.resp.BilledRetries = c.billedRetries
			return out.resp, nil
		case fatal:
			return nil, c.final(out.err)
		case rateLimit:
			if rateLimited++; rateLimited > maxRateLimitRetries || out.retryAfter > maxRetryAfter {
				return nil, c.final(rateLimitError(out.err, rateLimited, out.retryAfter))
			}
			wait = c.retryWait(rateLimited, out.retryAfter)
		case unsent:
			if unsentTries++; unsentTries > maxUnsentRetries {
				return nil, c.final(out.err)
			}
			wait = c.retryWait(unsentTries, 0)
		case billed:
			c.mayHaveBilled = true
			if c.billedRetries >= c.cfg.maxBilledRetries {
				return nil, c.final(out.err)
			}
			c.billedRetries++
			wait = c.retryWait(c.billedRetries, 0)
		}
		if err := c.p.opts.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// retryWait is Retry-After plus up to a fifth more, so a crowd of waiting
// requests does not return at once; without one, exponential backoff from
// one second with up to a quarter taken off.
func (c *call) retryWait(n int, retryAfter time.Duration) time.Duration {
	j := c.p.opts.Jitter()
	if retryAfter > 0 {
		return retryAfter + time.Duration(j*float64(retryAfter)/5)
	}
	d := min(baseBackoff<<(n-1), maxBackoff)
	return d - time.Duration(j*float64(d)/4)
}

// final completes the error the user sees with what the retries did.
func (c *call) final(err error) error {
	var se *sdk.Error
	if !errors.As(err, &se) {
		return err
	}
	se.MayHaveBilled = se.MayHaveBilled || c.mayHaveBilled
	if c.billedRetries > 0 {
		se.Message += fmt.Sprintf(" (after %d retries that may have been billed)", c.billedRetries)
	}
	return se
}

func rateLimitError(err error, tries int, retryAfter time.Duration) *sdk.Error {
	msg := fmt.Sprintf("still rate limited after %d attempts: %v", tries, err)
	if retryAfter > maxRetryAfter {
		msg = fmt.Sprintf("rate limited, and OpenAI asks to wait %s: %v", retryAfter.Round(time.Second), err)
	}
	return &sdk.Error{Kind: sdk.ErrRateLimit, Message: msg,
		Hint: "Lower max_concurrency or set requests_per_minute in the provider block to stay under your OpenAI rate limits."}
}

// attempt sends the request once and classifies what came back.
func (c *call) attempt(ctx context.Context) outcome {
	actx, cancel := context.WithTimeout(ctx, c.cfg.timeout)
	defer cancel()
	req, done, wrote, err := c.newRequest(actx)
	if err != nil {
		return outcome{class: fatal, err: err}
	}
	defer func() { closeBody(req); <-done }()
	resp, err := c.client.Do(req)
	if err != nil {
		return c.networkFailure(ctx, err, wrote.Load())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return c.networkFailure(ctx, err, true)
	}
	return c.classify(actx, resp, data)
}

// newRequest builds one attempt's HTTP request; wrote turns true once the
// whole request has been sent, after which the API may bill it.
func (c *call) newRequest(ctx context.Context) (*http.Request, <-chan struct{}, *atomic.Bool, error) {
	r, contentType, length, done := c.body.open()
	wrote := &atomic.Bool{}
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) { wrote.Store(info.Err == nil) }}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodPost, c.cfg.baseURL+c.body.endpoint, r)
	if err != nil {
		if rc, ok := r.(io.Closer); ok {
			rc.Close()
		}
		<-done
		return nil, nil, nil, &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("building the request: %v", scrub(err.Error(), c.cfg.apiKey))}
	}
	if length >= 0 {
		req.ContentLength = length
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("User-Agent", "easel-openai/"+Version)
	if c.cfg.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.cfg.apiKey)
	}
	if c.cfg.organization != "" {
		req.Header.Set("OpenAI-Organization", c.cfg.organization)
	}
	if c.cfg.project != "" {
		req.Header.Set("OpenAI-Project", c.cfg.project)
	}
	return req, done, wrote, nil
}

// closeBody closes an attempt's body, which ends a streaming writer.
func closeBody(req *http.Request) {
	if req.Body != nil {
		req.Body.Close()
	}
}

// networkFailure classifies a failed exchange: the caller giving up ends
// the call; a failure once the request was sent may have been billed.
func (c *call) networkFailure(ctx context.Context, err error, wrote bool) outcome {
	if ctx.Err() != nil {
		return outcome{class: fatal, err: ctx.Err()}
	}
	msg := scrub(err.Error(), c.cfg.apiKey)
	if errors.Is(err, context.DeadlineExceeded) {
		msg = fmt.Sprintf("no answer from OpenAI within the timeout of %s", c.cfg.timeout)
	}
	if !wrote {
		return outcome{class: unsent, err: &sdk.Error{Kind: sdk.ErrFailed, Message: "could not send the request: " + msg}}
	}
	return outcome{class: billed, err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
		Message: "the connection failed after the request was sent: " + msg,
		Hint:    "OpenAI may have generated and billed the image anyway."}}
}

// classify reads an answer's status and body.
func (c *call) classify(ctx context.Context, resp *http.Response, data []byte) outcome {
	reqID := resp.Header.Get("x-request-id")
	if resp.StatusCode == http.StatusOK {
		r, err := c.decode(ctx, data, reqID)
		if err != nil {
			return outcome{class: billed, err: err}
		}
		return outcome{class: success, resp: r}
	}
	e := parseAPIError(resp.StatusCode, data)
	key := c.cfg.apiKey
	switch {
	case e.quota():
		qe := quotaError()
		c.limits.setExhausted(qe)
		return outcome{class: fatal, err: qe}
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusRequestTimeout:
		return outcome{class: rateLimit, retryAfter: retryAfter(resp.Header, c.p.opts.Now()),
			err: fmt.Errorf("%s", scrub(e.describe(), key))}
	case resp.StatusCode >= 500:
		return outcome{class: billed, err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: "OpenAI failed: " + scrub(e.describe(), key) + requestIDNote(reqID)}}
	}
	ue := e.userError(c.spec, key)
	ue.Message += requestIDNote(reqID)
	return outcome{class: fatal, err: ue}
}

func requestIDNote(id string) string {
	if id == "" {
		return ""
	}
	return " [request " + id + "]"
}

// retryAfter reads Retry-After-Ms, then Retry-After in seconds or as an
// HTTP date; 0 when absent.
func retryAfter(h http.Header, now time.Time) time.Duration {
	if ms, err := strconv.ParseFloat(h.Get("Retry-After-Ms"), 64); err == nil && ms > 0 {
		return time.Duration(ms * float64(time.Millisecond))
	}
	v := h.Get("Retry-After")
	if secs, err := strconv.ParseFloat(v, 64); err == nil && secs > 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
