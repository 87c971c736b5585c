package openai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/easelhq/easel/plugins/sdk"
)

// apiError is OpenAI's error body, {"error": {...}}, with the moderation
// details a safety refusal carries (inside the error or beside it).
type apiError struct {
	Status     int    `json:"-"`
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
// keeps its status and a short excerpt.
func parseAPIError(status int, data []byte) *apiError {
	var wire struct {
		Error      *apiError       `json:"error"`
		Moderation json.RawMessage `json:"moderation_details"`
	}
	if json.Unmarshal(data, &wire) != nil || wire.Error == nil {
		return &apiError{Status: status, Message: excerpt(data)}
	}
	e := wire.Error
	e.Status = status
	if e.Moderation == nil && wire.Moderation != nil {
		_ = json.Unmarshal(wire.Moderation, &e.Moderation)
	}
	return e
}

func excerpt(data []byte) string {
	s := strings.TrimSpace(string(data))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return "(empty body)"
	}
	return s
}

func (e *apiError) quota() bool {
	return e.Code == "insufficient_quota" || e.Type == "insufficient_quota"
}

func (e *apiError) refused() bool {
	return e.Code == "moderation_blocked" || e.Code == "content_policy_violation"
}

// describe says what the API answered, for an error message.
func (e *apiError) describe() string {
	s := fmt.Sprintf("HTTP %d", e.Status)
	if e.Code != "" {
		s += " " + e.Code
	}
	s += ": " + e.Message
	if e.Param != "" {
		s += " (param " + e.Param + ")"
	}
	return s
}

// userError turns an API refusal that retrying cannot fix into the error
// the user sees. key is scrubbed from every text taken from the server.
func (e *apiError) userError(s *spec, key string) *sdk.Error {
	switch {
	case e.Status == http.StatusUnauthorized:
		// The message echoes part of the key: never repeat it.
		return &sdk.Error{Kind: sdk.ErrAuth, Message: "OpenAI rejected the API key (HTTP 401)",
			Hint: "Check api_key or the OPENAI_API_KEY environment variable, and that the key belongs to the organization and project configured."}
	case e.quota():
		return quotaError()
	case e.refused():
		return e.refusal(s, key)
	case e.Status == http.StatusForbidden && strings.Contains(e.Message, "must be verified"):
		return &sdk.Error{Kind: sdk.ErrAuth, Message: fmt.Sprintf("your OpenAI organization must be verified to use %s", s.modelID),
			Hint: "Verify the organization at https://platform.openai.com/settings/organization/general (Verify Organization); access can take up to 15 minutes to arrive. Or use another model."}
	case e.Status == http.StatusForbidden:
		return &sdk.Error{Kind: sdk.ErrAuth, Message: "OpenAI refused access: " + scrub(e.describe(), key)}
	case e.Code == "model_not_found":
		return &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("OpenAI does not serve %s: %s", s.modelID, scrub(e.Message, key)),
			Hint: modelHint(s)}
	}
	return &sdk.Error{Kind: sdk.ErrInvalid, Message: "OpenAI rejected the request: " + scrub(e.describe(), key)}
}

func quotaError() *sdk.Error {
	return &sdk.Error{Kind: sdk.ErrQuota, Message: "the OpenAI account is out of credit (insufficient_quota)",
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
func (e *apiError) refusal(s *spec, key string) *sdk.Error {
	err := &sdk.Error{Kind: sdk.ErrRefused, Message: "OpenAI's safety system refused the request: " + scrub(e.Message, key)}
	if e.Moderation != nil {
		err.Categories = e.Moderation.Categories
	} else if m := violations.FindStringSubmatch(e.Message); m != nil {
		for _, c := range strings.Split(m[1], ",") {
			if c = strings.TrimSpace(c); c != "" {
				err.Categories = append(err.Categories, c)
			}
		}
	}
	err.Hint = "Rephrase the prompt."
	if s.model != nil && s.model.Moderation && s.moderation != "low" {
		err.Hint += ` If the refusal is a false positive, moderation = "low" filters less strictly.`
	}
	return err
}

var violations = regexp.MustCompile(`safety_violations=\[([^\]]*)\]`)

// keyLike matches API keys an upstream message might quote, masked or not.
var keyLike = regexp.MustCompile(`sk-[A-Za-z0-9_*\-]{3,}`)

// scrub removes the API key, and anything shaped like one, from text that
// came from the server or the network.
func scrub(text, key string) string {
	if len(key) >= 4 {
		text = strings.ReplaceAll(text, key, "[redacted]")
	}
	return keyLike.ReplaceAllString(text, "sk-[redacted]")
}
