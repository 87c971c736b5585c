package oakgen

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, waits for a
// concurrency slot, and sends it with vendorapi's retry policy; a pending
// job is polled until done or poll_timeout. Failures the user can act on
// are *sdk.Error.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	client, cfg, err := p.configured()
	if err != nil {
		return nil, err
	}
	s, diags := resolve(req)
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	g := &generation{client: client, cfg: cfg, spec: s, body: s.body(cfg.refField)}
	return client.Generate(ctx, diags.Warnings(), g.attempt)
}

// body is the request's JSON: model, prompt, size, output_format, quality
// and the reference URLs, left out when unset.
func (s *spec) body(refField string) []byte {
	m := map[string]any{"model": s.modelID, "prompt": s.prompt}
	put := func(k, v string) {
		if v != "" {
			m[k] = v
		}
	}
	put("size", s.size)
	put("output_format", s.send)
	put("quality", s.quality)
	if len(s.refs) > 0 {
		m[refField] = s.refs
	}
	data, _ := json.Marshal(m) // strings always marshal
	return data
}

// generation is one image's trip to Oakgen, over as many attempts as the
// policy allows; the last good answer is kept.
type generation struct {
	client *vendorapi.Client
	cfg    *settings
	spec   *spec
	body   []byte

	res *result
	img vendorapi.Image
}

// attempt sends the request once and classifies what came back.
func (g *generation) attempt(ctx context.Context) vendorapi.Outcome {
	c := g.client
	req, err := vendorapi.JSONRequest(ctx, http.MethodPost, c.URL(endpoint), g.body)
	if err != nil {
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrInvalid, Message: "building the request: " + c.Redact(err.Error())}}
	}
	g.authorize(req)
	req.Header.Set("User-Agent", "easel-oakgen/"+Version)
	resp, err := c.Do(ctx, req)
	if err != nil {
		return c.NetworkOutcome(err, true)
	}
	if resp.Status/100 != 2 {
		return g.apiError(resp)
	}
	return g.accept(ctx, resp)
}

// authorize adds the key, and only for Oakgen's own host: a polling or
// result URL elsewhere never sees it.
func (g *generation) authorize(req *http.Request) {
	c := g.client
	base, err := url.Parse(c.Settings.BaseURL)
	if c.Settings.APIKey == "" || err != nil || req.URL.Host != base.Host {
		return
	}
	req.Header.Set("Authorization", "Bearer "+c.Settings.APIKey)
}

// refusal matches the words of a moderation refusal.
var refusal = regexp.MustCompile(`(?i)moderat|content.?polic|safety|nsfw|flagged|inappropriate`)

// apiError classifies an error answer: a refusal and an account out of
// credits are Oakgen's words; the rest is the common status meaning.
func (g *generation) apiError(resp *vendorapi.Response) vendorapi.Outcome {
	c := g.client
	code, msg := parseError(resp.Body)
	if msg == "" {
		msg = vendorapi.Excerpt(resp.Body)
	}
	e := vendorapi.APIError{Status: resp.Status, Code: code, Message: msg, RequestID: resp.Header.Get("x-request-id")}
	switch {
	case resp.Status == http.StatusPaymentRequired || strings.Contains(code, "credit") || strings.Contains(code, "balance"):
		return vendorapi.Outcome{Class: vendorapi.Final, Err: c.QuotaError(e.Describe())}
	case resp.Status < 500 && resp.Status != http.StatusTooManyRequests && (refusal.MatchString(code) || refusal.MatchString(msg)):
		return c.Refused(msg+vendorapi.RequestIDNote(e.RequestID), nil, "Rephrase the prompt; moderation false positives happen.")
	}
	return c.ClassifyStatus(resp, e)
}

// accept reads a 2xx answer: an image, or a job to poll.
func (g *generation) accept(ctx context.Context, resp *vendorapi.Response) vendorapi.Outcome {
	res, err := parseResult(resp.Body)
	if err != nil {
		return g.client.Unusable(resp.Header.Get("x-request-id"), "%v", err)
	}
	if res.pending() {
		if res, err = g.poll(ctx, res); err != nil {
			return g.pollFailure(err)
		}
	}
	if out, done := g.terminalFailure(res); done {
		return out
	}
	img, err := g.fetch(ctx, res)
	if err != nil {
		if ctx.Err() != nil {
			return vendorapi.Outcome{Class: vendorapi.Final, Err: ctx.Err()}
		}
		return g.client.Unusable(res.id, "%v", err)
	}
	g.res, g.img = res, img
	return vendorapi.Outcome{Class: vendorapi.Success, Response: g.response()}
}

// terminalFailure turns a finished job without an image into an outcome.
func (g *generation) terminalFailure(res *result) (vendorapi.Outcome, bool) {
	c := g.client
	switch {
	case res.hasImage():
		return vendorapi.Outcome{}, false
	case oneOf(res.status, refusedStatuses) || refusal.MatchString(res.message):
		reason := firstNonEmpty(res.message, res.status)
		return c.Refused(reason+vendorapi.RequestIDNote(res.id), nil, "Rephrase the prompt; moderation false positives happen."), true
	case oneOf(res.status, failedStatuses):
		return vendorapi.Outcome{Class: vendorapi.MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: fmt.Sprintf("Oakgen failed to generate the image: %s%s", c.Redact(firstNonEmpty(res.message, res.status)), vendorapi.RequestIDNote(res.id))}}, true
	}
	return c.Unusable(res.id, "the answer has no image URL or base64 image (status %q)", res.status), true
}

// fetch gets the image bytes, downloads a URL, and checks the image:
// complete, the size asked for, and decoded to its last pixel. Another
// format than asked is converted, since Oakgen's output_format is
// unconfirmed.
func (g *generation) fetch(ctx context.Context, res *result) (vendorapi.Image, error) {
	s := g.spec
	want := vendorapi.Want{Width: s.width, Height: s.height}
	var img vendorapi.Image
	if res.b64 != "" {
		data, err := vendorapi.DecodeBase64(res.b64)
		if err != nil {
			return img, err
		}
		if img, err = vendorapi.CheckImage(data, want); err != nil {
			return img, err
		}
	} else {
		req, err := http.NewRequest(http.MethodGet, res.url, nil)
		if err != nil {
			return img, fmt.Errorf("bad image URL")
		}
		g.authorize(req)
		if img, err = g.client.Download(ctx, res.url, req.Header, want); err != nil {
			return img, err
		}
	}
	if s.format == "" {
		return img, vendorapi.Verify(img)
	}
	return vendorapi.VerifyOrConvert(img, s.format)
}

// poll follows a pending job's polling URL until it is done.
func (g *generation) poll(ctx context.Context, first *result) (*result, error) {
	if first.pollURL == "" {
		return nil, &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: fmt.Sprintf("Oakgen answered with a pending job (status %q) and no URL to poll%s", first.status, vendorapi.RequestIDNote(first.id))}
	}
	c := g.client
	last := first
	err := c.Poll(ctx, vendorapi.PollConfig{Interval: time.Second, MaxInterval: 5 * time.Second, Deadline: g.cfg.pollTimeout},
		func(ctx context.Context) (string, bool, error) {
			res, err := g.pollOnce(ctx, first.pollURL)
			if err != nil {
				return "", false, err
			}
			last = res
			return res.status, !res.pending(), nil
		})
	return last, err
}

func (g *generation) pollOnce(ctx context.Context, pollURL string) (*result, error) {
	c := g.client
	req, err := vendorapi.JSONRequest(ctx, http.MethodGet, pollURL, nil)
	if err != nil {
		return nil, &sdk.Error{Kind: sdk.ErrFailed, Message: "bad polling URL from Oakgen: " + c.Redact(err.Error())}
	}
	g.authorize(req)
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, vendorapi.PollErr(c.NetworkOutcome(err, false))
	}
	if resp.Status/100 != 2 {
		return nil, vendorapi.PollErr(g.apiError(resp))
	}
	res, err := parseResult(resp.Body)
	if err != nil {
		return nil, &vendorapi.TransientError{Err: &sdk.Error{Kind: sdk.ErrFailed, Message: "Oakgen's job status: " + err.Error()}}
	}
	return res, nil
}

// pollFailure classifies a poll that ended without a result. The job was
// accepted, so it may be billed: a timeout is not resubmitted (the job may
// still finish); a broken poll may be, within max_billed_retries.
func (g *generation) pollFailure(err error) vendorapi.Outcome {
	var te *vendorapi.PollTimeoutError
	var se *sdk.Error
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return vendorapi.Outcome{Class: vendorapi.Final, Err: err}
	case errors.As(err, &te):
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: "Oakgen's job did not finish: " + te.Error(),
			Hint:    "The job may still finish and be billed. Raise poll_timeout in the oakgen provider block if Oakgen is slow."}}
	case errors.As(err, &se) && se.Kind != sdk.ErrFailed:
		return vendorapi.Outcome{Class: vendorapi.Final, Err: se}
	}
	return vendorapi.Outcome{Class: vendorapi.MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
		Message: "following Oakgen's job failed: " + g.client.Redact(err.Error())}}
}

// response is the checked image with its cost and metadata.
func (g *generation) response() *sdk.Response {
	s, res := g.spec, g.res
	md := map[string]string{"model": s.modelID}
	if res.id != "" {
		md["request_id"] = res.id
	}
	rate := g.cfg.usdPerCredit
	var cost *float64
	switch {
	case res.credits != nil:
		md["credits"] = strconv.FormatFloat(*res.credits, 'f', -1, 64)
		cost = sdk.USD(*res.credits * rate)
	case s.model != nil:
		cost = s.model.estimate(rate).USD
	}
	return &sdk.Response{Image: bytes.NewReader(g.img.Data), MediaType: g.img.MediaType(), CostUSD: cost, Metadata: md}
}
