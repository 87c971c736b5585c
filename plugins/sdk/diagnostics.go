package sdk

import "fmt"

// Severity of a diagnostic.
type Severity int

const (
	SeverityError Severity = iota
	SeverityWarning
)

// Diagnostic is a problem with a request or a configuration. Attribute names
// the top-level attribute it is about ("" for the block as a whole); easel
// underlines that attribute's expression in the user's file.
type Diagnostic struct {
	Severity  Severity
	Summary   string
	Detail    string
	Attribute string
}

// Diagnostics is a list of Diagnostic.
type Diagnostics []Diagnostic

// HasErrors reports whether any diagnostic is an error.
func (ds Diagnostics) HasErrors() bool {
	for _, d := range ds {
		if d.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Invalid is the errors among ds as one user-facing *Error of kind
// ErrInvalid (the first one's summary and detail, then the others'
// summaries), or nil when there is none: for a Generate that checks its
// request again, since easel may call it without validating first.
func (ds Diagnostics) Invalid() error {
	var e *Error
	for _, d := range ds {
		switch {
		case d.Severity != SeverityError:
		case e == nil:
			e = &Error{Kind: ErrInvalid, Message: d.Summary, Hint: d.Detail}
		default:
			e.Message += "; " + d.Summary
		}
	}
	if e == nil {
		return nil
	}
	return e
}

// Warnings returns the warnings among ds, for Response.Warnings.
func (ds Diagnostics) Warnings() Diagnostics {
	var ws Diagnostics
	for _, d := range ds {
		if d.Severity == SeverityWarning {
			ws = append(ws, d)
		}
	}
	return ws
}

// Errorf makes an error diagnostic about an attribute.
func Errorf(attribute, summary, detailFormat string, args ...any) Diagnostic {
	return Diagnostic{Severity: SeverityError, Attribute: attribute, Summary: summary, Detail: fmt.Sprintf(detailFormat, args...)}
}

// Warnf makes a warning diagnostic about an attribute.
func Warnf(attribute, summary, detailFormat string, args ...any) Diagnostic {
	return Diagnostic{Severity: SeverityWarning, Attribute: attribute, Summary: summary, Detail: fmt.Sprintf(detailFormat, args...)}
}

// ErrorKind classifies a generation failure.
type ErrorKind string

const (
	ErrFailed    ErrorKind = "failed"
	ErrRefused   ErrorKind = "refused"    // moderation or safety refusal
	ErrQuota     ErrorKind = "quota"      // out of credits: easel stops calling this provider
	ErrAuth      ErrorKind = "auth"       // bad or missing credentials
	ErrRateLimit ErrorKind = "rate_limit" // still rate limited after retries
	ErrInvalid   ErrorKind = "invalid"    // the API rejected the request
)

// Error is a generation failure the user can act on. Never put a secret in it.
type Error struct {
	Kind       ErrorKind
	Message    string
	Hint       string
	Categories []string
	// MayHaveBilled is set when a request may have been billed although no
	// image came back.
	MayHaveBilled bool
}

func (e *Error) Error() string { return string(e.Kind) + ": " + e.Message }
