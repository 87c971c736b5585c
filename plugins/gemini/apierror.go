package gemini

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/ctxtime"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// googleError is Google's error body, {"error": {"code", "message",
// "status", "details"}}, as go-genai's APIError reads it.
type googleError struct {
	Code    int               `json:"code"`
	Message string            `json:"message"`
	Status  string            `json:"status"`
	Details []json.RawMessage `json:"details"`
}

// detail is one entry of details: ErrorInfo, RetryInfo or another.
type detail struct {
	Type       string `json:"@type"`
	Reason     string `json:"reason"`
	RetryDelay string `json:"retryDelay"`
}

func parseError(status int, body []byte) (googleError, []detail) {
	var wire struct {
		Error *googleError `json:"error"`
	}
	if json.Unmarshal(body, &wire) != nil || wire.Error == nil {
		return googleError{Code: status, Message: vendorapi.Excerpt(body)}, nil
	}
	var ds []detail
	for _, raw := range wire.Error.Details {
		var d detail
		if json.Unmarshal(raw, &d) == nil {
			ds = append(ds, d)
		}
	}
	return *wire.Error, ds
}

// classifyError turns an error answer into an outcome: what only Gemini
// says (a key rejected with 400, an overloaded model, RetryInfo, a model
// that is not served) first, then vendorapi's common meaning.
func (s *spec) classifyError(c *vendorapi.Client, resp *vendorapi.Response) vendorapi.Outcome {
	ge, details := parseError(resp.Status, resp.Body)
	e := vendorapi.APIError{Status: resp.Status, Code: ge.Status, Message: ge.Message}
	switch {
	case hasReason(details, "API_KEY_INVALID") || strings.Contains(ge.Message, "API key not valid"):
		return vendorapi.Outcome{Class: vendorapi.Final, Err: c.AuthError(e)}
	case resp.Status == http.StatusTooManyRequests:
		out := c.ClassifyStatus(resp, e)
		if out.RetryAfter == 0 {
			out.RetryAfter = retryDelay(details)
		}
		return out
	case resp.Status == http.StatusServiceUnavailable:
		// "The model is overloaded": refused before any work, so it is
		// retried as patiently as a rate limit (assumed unbilled).
		return vendorapi.Outcome{Class: vendorapi.RateLimited, RetryAfter: ctxtime.RetryAfter(resp.Header, c.Env.Now()),
			Err: &sdk.Error{Kind: sdk.ErrRateLimit, Message: c.Redact(e.Describe())}}
	case resp.Status == http.StatusNotFound:
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrInvalid,
			Message: fmt.Sprintf("Gemini does not serve %s: %s", s.modelID, c.Redact(e.Describe())), Hint: s.modelHint()}}
	case ge.Status == "FAILED_PRECONDITION":
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrAuth,
			Message: "Gemini refused the project: " + c.Redact(e.Describe()),
			Hint:    "The key's project may need billing enabled, or the API is not offered in its region."}}
	}
	return c.ClassifyStatus(resp, e)
}

func hasReason(ds []detail, reason string) bool {
	for _, d := range ds {
		if d.Reason == reason {
			return true
		}
	}
	return false
}

// retryDelay reads google.rpc.RetryInfo's retryDelay ("37s", "0.5s");
// 0 when absent.
func retryDelay(ds []detail) time.Duration {
	for _, d := range ds {
		if !strings.HasSuffix(d.Type, "google.rpc.RetryInfo") {
			continue
		}
		if v, err := time.ParseDuration(d.RetryDelay); err == nil && v > 0 {
			return v
		}
	}
	return 0
}

func (s *spec) modelHint() string {
	if s.model != nil && s.model.Replacement != "" {
		return fmt.Sprintf("Change model to %s.", s.model.Replacement)
	}
	return "Change model to one your key can use, such as " + defaultModel + "."
}
