package bfl

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, reads the
// references, waits for a slot (BFL counts tasks in flight until they
// finish), then submits, polls and downloads with vendorapi's retry
// policy. Failures the user can act on are *sdk.Error.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	client, pollTimeout, err := p.configured()
	if err != nil {
		return nil, err
	}
	s, diags := resolve(req)
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	refs, err := readReferences(s.refs)
	if err != nil {
		return nil, err
	}
	release, err := p.acquire(ctx, client, s.modelID)
	if err != nil {
		return nil, err
	}
	defer release()
	t := &task{client: client, spec: s, refs: refs, body: s.body(refs), pollTimeout: pollTimeout}
	return client.Complete(ctx, diags.Warnings(), t.attempt)
}

// task is one image's trip through BFL's submit, poll and download, over
// as many attempts as the policy allows.
type task struct {
	client      *vendorapi.Client
	spec        *spec
	refs        []input
	body        []byte
	pollTimeout time.Duration

	id  string
	res *pollBody
	img vendorapi.Image
}

// pollBody is get_result's answer.
type pollBody struct {
	ID      string         `json:"id"`
	Status  string         `json:"status"`
	Details map[string]any `json:"details"`
	Result  *struct {
		Sample string      `json:"sample"`
		Seed   json.Number `json:"seed"`
		Prompt string      `json:"prompt"`
	} `json:"result"`
}

// attempt submits the task once, follows it and downloads its image.
func (t *task) attempt(ctx context.Context) vendorapi.Outcome {
	pollURL, out := t.submit(ctx)
	if out != nil {
		return *out
	}
	res, out := t.wait(ctx, pollURL)
	if out != nil {
		return *out
	}
	img, err := t.fetch(ctx, res)
	if err != nil {
		if ctx.Err() != nil {
			return vendorapi.Outcome{Class: vendorapi.Final, Err: ctx.Err()}
		}
		var se *sdk.Error
		if !errors.As(err, &se) {
			se = &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true, Message: "BFL returned an unusable image: " + t.client.Redact(err.Error())}
		}
		return vendorapi.Outcome{Class: vendorapi.MayHaveBilled, Err: se}
	}
	t.res, t.img = res, img
	return vendorapi.Outcome{Class: vendorapi.Success, Response: t.response()}
}

// submit posts the task and returns its polling URL.
func (t *task) submit(ctx context.Context) (string, *vendorapi.Outcome) {
	c := t.client
	req, err := vendorapi.JSONRequest(ctx, http.MethodPost, c.URL("/v1/"+url.PathEscape(t.spec.modelID)), t.body)
	if err != nil {
		return "", &vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrInvalid, Message: "building the request: " + c.Redact(err.Error())}}
	}
	t.authorize(req)
	resp, err := c.Do(ctx, req)
	if err != nil {
		out := c.NetworkOutcome(err, true)
		return "", &out
	}
	if resp.Status != http.StatusOK {
		out := t.apiError(resp)
		return "", &out
	}
	var sub struct {
		ID         string `json:"id"`
		PollingURL string `json:"polling_url"`
	}
	if json.Unmarshal(resp.Body, &sub) != nil || sub.ID == "" {
		out := vendorapi.Outcome{Class: vendorapi.MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: "BFL accepted the task without a task id: " + vendorapi.Excerpt(resp.Body)}}
		return "", &out
	}
	t.id = sub.ID
	if sub.PollingURL == "" {
		sub.PollingURL = c.URL("/v1/get_result?id=" + url.QueryEscape(sub.ID))
	}
	return sub.PollingURL, nil
}

// authorize adds the key for BFL's own hosts only: the polling URL may
// name a regional host, and a result link is a signed storage URL.
func (t *task) authorize(req *http.Request) {
	c := t.client
	base, err := url.Parse(c.Settings.BaseURL)
	host := req.URL.Hostname()
	if c.Settings.APIKey == "" || err != nil || (req.URL.Host != base.Host && host != "bfl.ai" && !strings.HasSuffix(host, ".bfl.ai")) {
		return
	}
	req.Header.Set("x-key", c.Settings.APIKey)
	req.Header.Set("User-Agent", "easel-bfl/"+Version)
}

// apiError classifies an error answer. BFL's bodies are FastAPI's
// {"detail": "..."} or {"detail": [{"loc", "msg"}]}, or for a 429
// {"error", "message", "retry_after"}.
func (t *task) apiError(resp *vendorapi.Response) vendorapi.Outcome {
	c := t.client
	msg, retryAfter := parseError(resp.Body)
	e := vendorapi.APIError{Status: resp.Status, Message: msg, RequestID: resp.Header.Get("x-request-id")}
	switch {
	case resp.Status == http.StatusPaymentRequired:
		return vendorapi.Outcome{Class: vendorapi.Final, Err: c.QuotaError(e.Describe())}
	case resp.Status == http.StatusTooManyRequests:
		out := c.ClassifyStatus(resp, e)
		if retryAfter > 0 {
			out.RetryAfter = retryAfter // finer than Retry-After's whole seconds
		}
		return out
	}
	return c.ClassifyStatus(resp, e)
}

func parseError(body []byte) (string, time.Duration) {
	var e struct {
		Detail     json.RawMessage `json:"detail"`
		Message    string          `json:"message"`
		Error      string          `json:"error"`
		RetryAfter float64         `json:"retry_after"`
	}
	if json.Unmarshal(body, &e) != nil {
		return vendorapi.Excerpt(body), 0
	}
	after := time.Duration(e.RetryAfter * float64(time.Second))
	var s string
	if json.Unmarshal(e.Detail, &s) == nil && s != "" {
		return s, after
	}
	var list []struct {
		Loc []any  `json:"loc"`
		Msg string `json:"msg"`
	}
	if json.Unmarshal(e.Detail, &list) == nil && len(list) > 0 {
		var parts []string
		for _, d := range list {
			parts = append(parts, locString(d.Loc)+d.Msg)
		}
		return strings.Join(parts, "; "), after
	}
	switch {
	case e.Message != "":
		return e.Message, after
	case e.Error != "":
		return e.Error, after
	}
	return vendorapi.Excerpt(body), after
}

// locString is a FastAPI error location without "body": "width: ".
func locString(loc []any) string {
	var parts []string
	for _, l := range loc {
		if s := fmt.Sprint(l); s != "body" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return strings.Join(parts, ".") + ": "
}

// wait polls the task until it is Ready, ends otherwise, or poll_timeout
// passes.
func (t *task) wait(ctx context.Context, pollURL string) (*pollBody, *vendorapi.Outcome) {
	c := t.client
	var last *pollBody
	var ended *vendorapi.Outcome
	err := c.Poll(ctx, vendorapi.PollConfig{Interval: 500 * time.Millisecond, MaxInterval: 2 * time.Second, Deadline: t.pollTimeout},
		func(ctx context.Context) (string, bool, error) {
			res, err := t.pollOnce(ctx, pollURL)
			if err != nil {
				return "", false, err
			}
			last = res
			if out, done := t.status(res); done {
				ended = out
				return res.Status, true, nil
			}
			return res.Status, false, nil
		})
	switch {
	case err != nil:
		out := t.pollFailure(err)
		return nil, &out
	case ended != nil:
		return nil, ended
	}
	return last, nil
}

func (t *task) pollOnce(ctx context.Context, pollURL string) (*pollBody, error) {
	c := t.client
	req, err := vendorapi.JSONRequest(ctx, http.MethodGet, pollURL, nil)
	if err != nil {
		return nil, &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true, Message: "BFL returned a bad polling URL: " + c.Redact(err.Error())}
	}
	t.authorize(req)
	resp, err := c.Do(ctx, req)
	if err != nil {
		return nil, vendorapi.PollErr(c.NetworkOutcome(err, false))
	}
	if resp.Status != http.StatusOK {
		return nil, vendorapi.PollErr(t.apiError(resp))
	}
	var res pollBody
	if err := json.Unmarshal(resp.Body, &res); err != nil || res.Status == "" {
		return nil, &vendorapi.TransientError{Err: &sdk.Error{Kind: sdk.ErrFailed, Message: "BFL's task status is unreadable: " + vendorapi.Excerpt(resp.Body)}}
	}
	return &res, nil
}

// status reads a task's status: done with a nil outcome when Ready, done
// with an outcome when it ended otherwise, not done while pending.
func (t *task) status(res *pollBody) (*vendorapi.Outcome, bool) {
	c := t.client
	note := vendorapi.RequestIDNote(t.id)
	switch res.Status {
	case "Ready":
		if res.Result == nil || res.Result.Sample == "" {
			out := c.Unusable(t.id, "the task is Ready without a result link")
			return &out, true
		}
		return nil, true
	case "Request Moderated", "Content Moderated":
		reasons := moderationReasons(res.Details)
		reason := res.Status
		if len(reasons) > 0 {
			reason += " (" + strings.Join(reasons, ", ") + ")"
		}
		hint := "Rephrase the prompt or change the references; raising safety_tolerance (0 strictest, up to 6, or 5 for FLUX.2) filters less strictly."
		if res.Status == "Content Moderated" {
			hint = "The generated image was filtered. Rephrase the prompt, or raise safety_tolerance (up to 6, or 5 for FLUX.2)."
		}
		out := c.Refused(reason+note, reasons, hint)
		return &out, true
	case "Error", "Failed", "Task not found":
		out := vendorapi.Outcome{Class: vendorapi.MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: fmt.Sprintf("BFL's task ended with %s%s%s", res.Status, detailText(c, res.Details), note)}}
		return &out, true
	}
	return nil, false
}

func moderationReasons(details map[string]any) []string {
	var out []string
	list, _ := details["Moderation Reasons"].([]any)
	for _, r := range list {
		if s, ok := r.(string); ok && s != "" {
			out = append(out, s)
		}
	}
	return out
}

func detailText(c *vendorapi.Client, details map[string]any) string {
	if len(details) == 0 {
		return ""
	}
	data, _ := json.Marshal(details)
	return ": " + c.Redact(string(data))
}

// pollFailure classifies a poll that ended without a status: the task was
// accepted, so it may be billed. A timeout is not resubmitted (the task may
// still finish); a poll that keeps failing may be, within
// max_billed_retries.
func (t *task) pollFailure(err error) vendorapi.Outcome {
	var te *vendorapi.PollTimeoutError
	var se *sdk.Error
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		return vendorapi.Outcome{Class: vendorapi.Final, Err: err}
	case errors.As(err, &te):
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: "BFL's task did not finish: " + te.Error() + vendorapi.RequestIDNote(t.id),
			Hint:    "BFL may still finish and bill the task. Raise poll_timeout in the bfl provider block if BFL is slow."}}
	case errors.As(err, &se) && se.Kind != sdk.ErrFailed:
		return vendorapi.Outcome{Class: vendorapi.Final, Err: se}
	}
	return vendorapi.Outcome{Class: vendorapi.MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
		Message: "following BFL's task failed: " + t.client.Redact(err.Error()) + vendorapi.RequestIDNote(t.id)}}
}

// fetch downloads the result at once (its link expires after 10 minutes)
// and checks it: complete, of the size or aspect ratio asked for, decoded
// to its last pixel. webp is made from BFL's png.
func (t *task) fetch(ctx context.Context, res *pollBody) (vendorapi.Image, error) {
	s := t.spec
	want := vendorapi.Want{Width: s.width, Height: s.height, AspectRatio: t.expectedRatio()}
	img, err := t.client.Download(ctx, res.Result.Sample, nil, want)
	if err != nil {
		return img, err
	}
	if s.format == "" {
		return img, vendorapi.Verify(img)
	}
	return vendorapi.VerifyOrConvert(img, s.format)
}

// expectedRatio is the aspect ratio of a model that picks its dimensions:
// aspect_ratio, else Ultra's 16:9, else Kontext's first reference's, else
// 1:1; "" when unknown (a URL reference) or not applicable.
func (t *task) expectedRatio() string {
	s := t.spec
	switch {
	case s.model == nil || (s.family() != Ultra && s.family() != Kontext):
		return ""
	case s.ratio != "":
		return s.ratio
	case s.family() == Ultra:
		return "16:9"
	case len(t.refs) == 0:
		return "1:1"
	case t.refs[0].width > 0:
		return fmt.Sprintf("%d:%d", t.refs[0].width, t.refs[0].height)
	}
	return ""
}

// response is the checked image with its cost and metadata.
func (t *task) response() *sdk.Response {
	s := t.spec
	md := map[string]string{"model": s.modelID, "request_id": t.id}
	if seed := t.res.Result.Seed.String(); seed != "" {
		md["seed"] = seed
	}
	if p := t.res.Result.Prompt; p != "" && p != s.prompt {
		md["revised_prompt"] = p
	}
	var cost *float64
	if s.model != nil {
		cost = sdk.USD(s.model.cost(t.img.Width, t.img.Height, t.inputPixels()))
	}
	return &sdk.Response{Image: bytes.NewReader(t.img.Data), MediaType: t.img.MediaType(), CostUSD: cost, Metadata: md}
}

// inputPixels sums the references' pixels, a URL's taken as 1 megapixel.
func (t *task) inputPixels() int64 {
	var n int64
	for _, r := range t.refs {
		if r.width == 0 {
			n += megapixel
			continue
		}
		n += int64(r.width) * int64(r.height)
	}
	return n
}
