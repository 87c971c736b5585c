package vendorapi

import (
	"regexp"
	"strings"
)

// Redactor removes secrets from text that reaches an error: server
// messages, network errors, URLs. It removes each secret whole, any run of
// windowLen or more of its characters (a server quoting part of a key),
// and anything shaped like a known kind of key or auth header.
type Redactor struct {
	secrets []string
}

const (
	windowLen = 12
	redacted  = "[redacted]"
)

// keyShapes match keys and credentials a message might quote, masked or
// not: OpenAI and Stability "sk-", Google "AIza", bearer tokens, and the
// x-key and x-goog-api-key headers.
var keyShapes = []*regexp.Regexp{
	regexp.MustCompile(`sk-[A-Za-z0-9_*\-]{3,}`),
	regexp.MustCompile(`AIza[A-Za-z0-9_\-]{10,}`),
	regexp.MustCompile(`(?i)(bearer|x-key:|x-goog-api-key:|key=)\s*[A-Za-z0-9_.*~+/=\-]{6,}`),
}

// NewRedactor returns a Redactor for the given secrets; empty ones and
// ones shorter than 4 characters (too short to match safely) are skipped.
func NewRedactor(secrets ...string) *Redactor {
	r := &Redactor{}
	for _, s := range secrets {
		if len(s) >= 4 {
			r.secrets = append(r.secrets, s)
		}
	}
	return r
}

// Redact returns text without the secrets. A nil Redactor still removes
// key-shaped strings.
func (r *Redactor) Redact(text string) string {
	if r != nil {
		for _, s := range r.secrets {
			text = strings.ReplaceAll(text, s, redacted)
			text = redactWindows(text, s)
		}
	}
	for _, re := range keyShapes {
		text = re.ReplaceAllStringFunc(text, redactShape)
	}
	return text
}

// redactShape keeps a match's prefix (sk-, Bearer, x-key:) so the message
// still says what was there.
func redactShape(m string) string {
	for _, p := range []string{"sk-", "AIza"} {
		if strings.HasPrefix(m, p) {
			return p + redacted
		}
	}
	if i := strings.IndexAny(m, " :="); i >= 0 {
		return m[:i+1] + redacted
	}
	return redacted
}

// redactWindows removes any run of windowLen or more characters of secret.
func redactWindows(text, secret string) string {
	if len(secret) <= windowLen {
		return text
	}
	for i := 0; i+windowLen <= len(secret); i++ {
		w := secret[i : i+windowLen]
		for {
			j := strings.Index(text, w)
			if j < 0 {
				break
			}
			end := j + windowLen
			for k := i + windowLen; end < len(text) && k < len(secret) && text[end] == secret[k]; k++ {
				end++
			}
			text = text[:j] + redacted + text[end:]
		}
	}
	return text
}
