package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// apiError is an error answer in OpenAI's shape:
// {"error": {"message", "type", "param", "code"}}.
type apiError struct {
	status  int
	message string
	typ     string
	param   string // "" is sent as null
	code    string // "" is sent as null
	header  http.Header
	// moderation is sent as error.moderation_details for safety refusals.
	moderation *moderationDetails
}

type moderationDetails struct {
	Stage      string   `json:"moderation_stage"`
	Categories []string `json:"categories"`
}

// errorBody is the wire form of an apiError.
type errorBody struct {
	Error errorFields `json:"error"`
}

type errorFields struct {
	Message    string             `json:"message"`
	Type       string             `json:"type"`
	Param      *string            `json:"param"`
	Code       *string            `json:"code"`
	Moderation *moderationDetails `json:"moderation_details,omitempty"`
}

func (e *apiError) body() errorBody {
	f := errorFields{Message: e.message, Type: e.typ, Moderation: e.moderation}
	if e.param != "" {
		f.Param = &e.param
	}
	if e.code != "" {
		f.Code = &e.code
	}
	return errorBody{Error: f}
}

func writeError(w http.ResponseWriter, e *apiError) {
	for k, vs := range e.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	writeJSON(w, e.status, e.body())
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// invalid is a 400 invalid_request_error about param.
func invalid(param, code, format string, args ...any) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "invalid_request_error",
		param: param, code: code, message: fmt.Sprintf(format, args...)}
}

func missingParam(param string) *apiError {
	return invalid(param, "missing_required_parameter", "Missing required parameter: '%s'.", param)
}

func unknownParam(param string) *apiError {
	return invalid(param, "unknown_parameter", "Unknown parameter: '%s'.", param)
}

func invalidType(param, want, got string) *apiError {
	return invalid(param, "invalid_type", "Invalid type for '%s': expected %s, but got %s instead.", param, want, got)
}

// invalidValue rejects a value outside an enum, listing what is supported.
func invalidValue(param, value string, supported []string) *apiError {
	return invalid(param, "invalid_value", "Invalid value: '%s'. Supported values are: %s.", value, quoteList(supported))
}

func quoteList(vs []string) string {
	s := ""
	for i, v := range vs {
		switch {
		case i == 0:
		case i == len(vs)-1 && len(vs) > 2:
			s += ", and "
		case i == len(vs)-1:
			s += " and "
		default:
			s += ", "
		}
		s += "'" + v + "'"
	}
	return s
}

func missingKey() *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: "invalid_request_error",
		message: "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys."}
}

// wrongKey echoes a masked key, as the real API does: a client must not
// copy this message into its own errors.
func wrongKey(key string) *apiError {
	return &apiError{status: http.StatusUnauthorized, typ: "invalid_request_error", code: "invalid_api_key",
		message: fmt.Sprintf("Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.", maskKey(key))}
}

func maskKey(key string) string {
	if len(key) <= 8 {
		return "****"
	}
	return key[:3] + "*****" + key[len(key)-4:]
}

func modelNotFound(model string) *apiError {
	return &apiError{status: http.StatusNotFound, typ: "invalid_request_error", param: "model", code: "model_not_found",
		message: fmt.Sprintf("The model `%s` does not exist or you do not have access to it.", model)}
}

func modelRetired(model string) *apiError {
	return &apiError{status: http.StatusNotFound, typ: "invalid_request_error", param: "model", code: "model_not_found",
		message: fmt.Sprintf("The model `%s` has been deprecated, learn more here: https://platform.openai.com/docs/deprecations", model)}
}

func orgNotVerified(model string) *apiError {
	return &apiError{status: http.StatusForbidden, typ: "invalid_request_error",
		message: fmt.Sprintf("Your organization must be verified to use the model `%s`. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.", model)}
}

// rateLimited is a 429 asking to wait retryAfter: Retry-After in whole
// seconds, rounded up, and Retry-After-Ms exactly, the header OpenAI's own
// SDKs read first.
func rateLimited(model string, retryAfter time.Duration) *apiError {
	secs := int((retryAfter + time.Second - 1) / time.Second)
	h := http.Header{}
	h.Set("Retry-After", fmt.Sprint(secs))
	h.Set("Retry-After-Ms", fmt.Sprint(retryAfter.Milliseconds()))
	return &apiError{status: http.StatusTooManyRequests, typ: "rate_limit_exceeded", code: "rate_limit_exceeded", header: h,
		message: fmt.Sprintf("Rate limit reached for %s in organization org-fake on images per minute (IPM): Limit 5, Used 5, Requested 1. Please try again in %s.", model, retryAfter)}
}

func insufficientQuota() *apiError {
	return &apiError{status: http.StatusTooManyRequests, typ: "insufficient_quota", code: "insufficient_quota",
		message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors."}
}

func serverError() *apiError {
	return &apiError{status: http.StatusInternalServerError, typ: "server_error",
		message: "The server had an error while processing your request. Sorry about that!"}
}

func moderationBlocked(requestID string, categories []string) *apiError {
	return &apiError{status: http.StatusBadRequest, typ: "image_generation_user_error", code: "moderation_blocked",
		moderation: &moderationDetails{Stage: "input", Categories: categories},
		message: fmt.Sprintf("Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID %s. safety_violations=[%s].",
			requestID, strings.Join(categories, ", "))}
}
