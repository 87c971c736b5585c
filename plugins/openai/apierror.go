package openai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// apiError is OpenAI's error body, {"error": {...}}, with the moderation
// details a safety refusal carries (inside the error or beside it).
type apiError struct {
	Message    string `json:"message"`
	Type       string `json:"type"`
	Param      string `json:"param"`
	Code       string `json:"code"`
	Moderation *struct {
		Stage      string   `json:"moderation_stage"`
		Categories []string `json:"categories"`
	} `json:"moderation_details"`
}

// parseAPIError reads an error answer; a body that is not OpenAI's shape
// keeps a short excerpt as its message.
func parseAPIError(data []byte) *apiError {
	var wire struct {
		Error      *apiError       `json:"error"`
		Moderation json.RawMessage `json:"moderation_details"`
	}
	if json.Unmarshal(data, &wire) != nil || wire.Error == nil {
		return &apiError{Message: vendorapi.Excerpt(data)}
	}
	e := wire.Error
	if e.Moderation == nil && wire.Moderation != nil {
		_ = json.Unmarshal(wire.Moderation, &e.Moderation)
	}
	return e
}

func (e *apiError) quota() bool {
	return e.Code == "insufficient_quota" || e.Type == "insufficient_quota"
}

func (e *apiError) refused() bool {
	return e.Code == "moderation_blocked" || e.Code == "content_policy_violation"
}

// common is the error in vendorapi's terms, the parameter it names kept
// in the message.
func (e *apiError) common(resp *vendorapi.Response) vendorapi.APIError {
	msg := e.Message
	if e.Param != "" {
		msg += " (param " + e.Param + ")"
	}
	return vendorapi.APIError{Status: resp.Status, Code: e.Code, Message: msg, RequestID: resp.Header.Get("x-request-id")}
}

// classifyError turns an error answer into an outcome: what only OpenAI
// says (insufficient_quota on a 429, a moderation refusal, an unverified
// organization, a model not served) first, the common status meaning for
// the rest.
func classifyError(c *vendorapi.Client, s *spec, resp *vendorapi.Response) vendorapi.Outcome {
	e := parseAPIError(resp.Body)
	ve := e.common(resp)
	final := func(err *sdk.Error) vendorapi.Outcome { return vendorapi.Outcome{Class: vendorapi.Final, Err: err} }
	switch st := resp.Status; {
	case e.quota() || st == http.StatusPaymentRequired:
		return final(quotaError(e, ve.RequestID))
	case st == http.StatusUnauthorized:
		// The message echoes part of the key: AuthError never repeats it.
		ae := c.AuthError(ve)
		ae.Hint = "Check api_key or the OPENAI_API_KEY environment variable, and that the key belongs to the organization and project configured."
		return final(ae)
	case st == http.StatusTooManyRequests || st == http.StatusRequestTimeout || st >= 500:
		return c.ClassifyStatus(resp, ve)
	case e.refused():
		return e.refusal(c, s, ve.RequestID)
	case st == http.StatusForbidden && strings.Contains(e.Message, "must be verified"):
		return final(&sdk.Error{Kind: sdk.ErrAuth, Message: fmt.Sprintf("your OpenAI organization must be verified to use %s%s", s.modelID, vendorapi.RequestIDNote(ve.RequestID)),
			Hint: "Verify the organization at https://platform.openai.com/settings/organization/general (Verify Organization); access can take up to 15 minutes to arrive. Or use another model."})
	case e.Code == "model_not_found":
		return final(&sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("OpenAI does not serve %s: %s%s", s.modelID, c.Redact(e.Message), vendorapi.RequestIDNote(ve.RequestID)),
			Hint: modelHint(s)})
	}
	return c.ClassifyStatus(resp, ve)
}

// quotaError stops the provider: the account cannot pay. It names what
// OpenAI said, insufficient_quota or a bare 402, and the request id.
func quotaError(e *apiError, requestID string) *sdk.Error {
	why := "insufficient_quota"
	if !e.quota() {
		why = "HTTP 402 Payment Required"
	}
	return &sdk.Error{Kind: sdk.ErrQuota, Message: "the OpenAI account is out of credit (" + why + ")" + vendorapi.RequestIDNote(requestID),
		Hint: "Add credit or raise the budget at https://platform.openai.com/settings/organization/billing. easel makes no further calls to this provider in this run."}
}

func modelHint(s *spec) string {
	if s.model != nil && s.model.Replacement != "" {
		return fmt.Sprintf("Change model to %s.", s.model.Replacement)
	}
	return "Change model to one your account can use, such as " + defaultModel + "."
}

// refusal is a safety refusal with its categories, from
// moderation_details or the message's safety_violations=[...].
func (e *apiError) refusal(c *vendorapi.Client, s *spec, requestID string) vendorapi.Outcome {
	var categories []string
	if e.Moderation != nil {
		categories = e.Moderation.Categories
	} else if m := violations.FindStringSubmatch(e.Message); m != nil {
		for _, cat := range strings.Split(m[1], ",") {
			if cat = strings.TrimSpace(cat); cat != "" {
				categories = append(categories, cat)
			}
		}
	}
	hint := "Rephrase the prompt."
	if s.model != nil && s.model.Moderation && s.moderation != "low" {
		hint += ` If the refusal is a false positive, moderation = "low" filters less strictly.`
	}
	return c.Refused(e.Message+vendorapi.RequestIDNote(requestID), categories, hint)
}

var violations = regexp.MustCompile(`safety_violations=\[([^\]]*)\]`)
