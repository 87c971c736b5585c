package vendorapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/easelhq/easel/internal/ctxtime"
	"github.com/easelhq/easel/plugins/sdk"
)

// APIError is what a provider read from an error answer, in the vendor's
// own words: its status, code and message, and the request id if any.
type APIError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

// Describe says what the vendor answered, for an error message:
// "HTTP 400 invalid_size: width must be a multiple of 32 [request r1]".
func (e APIError) Describe() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	return s + RequestIDNote(e.RequestID)
}

// RequestIDNote is " [request ID]", or "" without an id.
func RequestIDNote(id string) string {
	if id == "" {
		return ""
	}
	return " [request " + id + "]"
}

// Excerpt is a short, printable piece of a body that is not the vendor's
// error shape (an HTML error page, a proxy's message).
func Excerpt(body []byte) string {
	s := strings.ToValidUTF8(strings.TrimSpace(string(body)), "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, s)
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

// ClassifyStatus is the common meaning of an error status. Providers first
// handle what only they know (a refusal code, a quota code on another
// status) and hand the rest here:
//   - 401, 403: final, auth;
//   - 402: final, quota (latches the client);
//   - 408, 429: rate limited, with the answer's Retry-After;
//   - 5xx: may have billed;
//   - any other: final, invalid, with the vendor's message.
//
// The vendor's message is redacted of the key in every case.
func (c *Client) ClassifyStatus(resp *Response, e APIError) Outcome {
	e.Message = c.Redact(e.Message)
	e.Code = c.Redact(e.Code)
	switch s := resp.Status; {
	case s == http.StatusUnauthorized:
		return Outcome{Class: Final, Err: c.AuthError(e)}
	case s == http.StatusForbidden:
		return Outcome{Class: Final, Err: &sdk.Error{Kind: sdk.ErrAuth, Message: c.Vendor + " refused access: " + e.Describe(),
			Hint: "Check that the key's account may use this model and endpoint."}}
	case s == http.StatusPaymentRequired:
		return Outcome{Class: Final, Err: c.QuotaError(e.Describe())}
	case s == http.StatusTooManyRequests || s == http.StatusRequestTimeout:
		return Outcome{Class: RateLimited, RetryAfter: ctxtime.RetryAfter(resp.Header, c.Env.Now()),
			Err: &sdk.Error{Kind: sdk.ErrRateLimit, Message: e.Describe()}}
	case s >= 500:
		return Outcome{Class: MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
			Message: c.Vendor + " failed: " + e.Describe()}}
	}
	return Outcome{Class: Final, Err: &sdk.Error{Kind: sdk.ErrInvalid, Message: c.Vendor + " rejected the request: " + e.Describe()}}
}

// AuthError is a rejected key. The vendor's message is not repeated: some
// echo part of the key.
func (c *Client) AuthError(e APIError) *sdk.Error {
	hint := "Check api_key in the provider block."
	if c.KeyEnv != "" {
		hint = fmt.Sprintf("Check api_key in the provider block or the %s environment variable.", c.KeyEnv)
	}
	return &sdk.Error{Kind: sdk.ErrAuth, Message: fmt.Sprintf("%s rejected the API key (HTTP %d)%s", c.Vendor, e.Status, RequestIDNote(e.RequestID)), Hint: hint}
}

// QuotaError is an account out of credit; detail is the vendor's words.
func (c *Client) QuotaError(detail string) *sdk.Error {
	msg := fmt.Sprintf("the %s account is out of credits", c.Vendor)
	if detail != "" {
		msg += ": " + c.Redact(detail)
	}
	return &sdk.Error{Kind: sdk.ErrQuota, Message: msg,
		Hint: fmt.Sprintf("Add credits to the %s account. easel makes no further calls to this provider in this run.", c.Vendor)}
}

// Refused is a safety refusal: final, never retried blindly.
func (c *Client) Refused(reason string, categories []string, hint string) Outcome {
	return Outcome{Class: Final, Err: &sdk.Error{Kind: sdk.ErrRefused, Categories: categories, Hint: hint,
		Message: fmt.Sprintf("%s's safety system refused the request: %s", c.Vendor, c.Redact(reason))}}
}

// Unusable is a 200 answer without a usable image: the vendor may have
// billed it. An *sdk.Error among args (a failed Download) already says
// what went wrong to the user: it is kept as it is, with the request id,
// rather than printed inside another message with its kind.
func (c *Client) Unusable(requestID, format string, args ...any) Outcome {
	for _, a := range args {
		var se *sdk.Error
		if err, ok := a.(error); ok && errors.As(err, &se) {
			e := *se
			e.MayHaveBilled = true
			e.Message += RequestIDNote(requestID)
			return Outcome{Class: MayHaveBilled, Err: &e}
		}
	}
	return Outcome{Class: MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
		Message: fmt.Sprintf("%s returned an unusable image: %s%s", c.Vendor, c.Redact(fmt.Sprintf(format, args...)), RequestIDNote(requestID))}}
}

// NetworkOutcome classifies an error of Do. billable says whether the
// request costs money once the vendor has it (a generation POST); a failed
// poll or download is never billed and always free to retry. The caller
// giving up is final.
func (c *Client) NetworkOutcome(err error, billable bool) Outcome {
	var ne *NetError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) && !errors.As(err, &ne):
		return Outcome{Class: Final, Err: err}
	case !errors.As(err, &ne):
		return Outcome{Class: Final, Err: &sdk.Error{Kind: sdk.ErrFailed, Message: c.Redact(err.Error())}}
	case !ne.Sent:
		return Outcome{Class: Unsent, Err: &sdk.Error{Kind: sdk.ErrFailed, Message: fmt.Sprintf("could not send the request to %s: %v", c.Vendor, ne.Err)}}
	case !billable:
		return Outcome{Class: Unsent, Err: &sdk.Error{Kind: sdk.ErrFailed, Message: fmt.Sprintf("the connection to %s failed: %v", c.Vendor, ne.Err)}}
	}
	return Outcome{Class: MayHaveBilled, Err: &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true,
		Message: fmt.Sprintf("the connection to %s failed after the request was sent: %v", c.Vendor, ne.Err),
		Hint:    c.Vendor + " may have generated and billed the image anyway."}}
}
