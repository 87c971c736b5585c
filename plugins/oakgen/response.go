package oakgen

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// result is what easel reads from a 2xx answer or a poll. Oakgen's answer
// shape is not documented, so it is read leniently: the image as a URL or
// base64 in any of the shapes aggregators use, and an async job's status
// and polling URL.
type result struct {
	id      string
	status  string // lower case; "" when absent
	url     string // image URL
	b64     string // image base64 (or a data: URL)
	pollURL string
	credits *float64
	message string // a failed job's reason
}

// Status words of a job that is not done yet, and of one that failed.
var (
	pendingStatuses = []string{"pending", "queued", "processing", "in_progress", "running", "starting", "submitted"}
	failedStatuses  = []string{"failed", "error", "canceled", "cancelled"}
	refusedStatuses = []string{"moderated", "content_moderated", "request_moderated", "blocked", "nsfw", "rejected", "content_filtered"}
)

func (r *result) hasImage() bool { return r.url != "" || r.b64 != "" }

func (r *result) pending() bool { return !r.hasImage() && oneOf(r.status, pendingStatuses) }

func oneOf(s string, set []string) bool {
	for _, v := range set {
		if s == v {
			return true
		}
	}
	return false
}

// parseResult reads an answer body.
func parseResult(data []byte) (*result, error) {
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		return nil, fmt.Errorf("the body is not a JSON object")
	}
	r := &result{
		id:      firstString(top, "id", "request_id", "generation_id", "job_id", "task_id"),
		status:  strings.ToLower(firstString(top, "status", "state")),
		pollURL: firstString(top, "polling_url", "status_url", "poll_url"),
		message: firstString(top, "error", "message", "detail", "failure_reason"),
	}
	if urls, ok := top["urls"].(map[string]any); ok && r.pollURL == "" {
		r.pollURL = firstString(urls, "get", "status")
	}
	if e, ok := top["error"].(map[string]any); ok {
		r.message = firstString(e, "message", "code")
	}
	r.credits = firstNumber(top, "credits_used", "credits", "credit_cost", "cost_credits")
	if u, ok := top["usage"].(map[string]any); ok && r.credits == nil {
		r.credits = firstNumber(u, "credits", "credits_used")
	}
	for _, key := range []string{"images", "data", "output", "image", "image_url", "url", "b64_json", "base64", "result"} {
		if v, ok := top[key]; ok && r.setImage(key, v) {
			break
		}
	}
	return r, nil
}

// setImage takes the image from a value: a string (URL, data URL or
// base64), an object with such a field, or a list whose first element is.
// A string under a base64 key is base64 whatever it looks like.
func (r *result) setImage(key string, v any) bool {
	switch v := v.(type) {
	case string:
		return r.setImageString(v, base64Keys[key])
	case []any:
		return len(v) > 0 && r.setImage(key, v[0])
	case map[string]any:
		for _, k := range []string{"url", "image_url", "b64_json", "base64", "b64", "image", "sample", "data"} {
			if inner, ok := v[k]; ok && r.setImage(k, inner) {
				return true
			}
		}
	}
	return false
}

var base64Keys = map[string]bool{"b64_json": true, "base64": true, "b64": true}

func (r *result) setImageString(s string, isBase64 bool) bool {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return false
	case strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://"):
		r.url = s
	case isBase64 || strings.HasPrefix(s, "data:") || len(s) >= 64 && !strings.ContainsAny(s, " :"):
		r.b64 = s
	default:
		return false
	}
	return true
}

func firstString(m map[string]any, keys ...string) string {
	for _, k := range keys {
		if s, ok := m[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func firstNumber(m map[string]any, keys ...string) *float64 {
	for _, k := range keys {
		switch v := m[k].(type) {
		case float64:
			return &v
		case string:
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				return &f
			}
		}
	}
	return nil
}

// apiError reads an error answer in any of the common shapes:
// {"error": {"code", "message"}}, {"error": "...", "code": ...},
// {"message": ...}, FastAPI's {"detail": ...}.
func parseError(data []byte) (code, message string) {
	var top map[string]any
	if json.Unmarshal(data, &top) != nil || top == nil {
		return "", ""
	}
	code = firstString(top, "code", "error_code", "type")
	switch e := top["error"].(type) {
	case map[string]any:
		code = firstNonEmpty(firstString(e, "code", "type"), code)
		message = firstString(e, "message", "detail")
	case string:
		message = e
	}
	if message == "" {
		message = firstString(top, "message", "detail")
	}
	if message == "" {
		if d, ok := top["detail"].([]any); ok && len(d) > 0 {
			if m, ok := d[0].(map[string]any); ok {
				message = firstString(m, "msg", "message")
			}
		}
	}
	return code, message
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
