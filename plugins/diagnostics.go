package plugins

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
)

// Severity of a diagnostic.
type Severity int

const (
	SeverityError Severity = iota
	SeverityWarning
)

// Diagnostic is a problem a provider reports. Path points into the value it
// was given (an attribute of the image or of the provider block); the engine
// maps it back to a source range.
type Diagnostic struct {
	Severity Severity
	Summary  string
	Detail   string
	Path     cty.Path
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

// ErrorKind classifies a generation failure so the engine can decide what
// to do next and how to tell the user.
type ErrorKind string

const (
	ErrFailed    ErrorKind = "failed"     // anything else
	ErrRefused   ErrorKind = "refused"    // moderation or safety refusal
	ErrQuota     ErrorKind = "quota"      // out of credits: stop calling this provider
	ErrAuth      ErrorKind = "auth"       // bad or missing credentials
	ErrRateLimit ErrorKind = "rate_limit" // still rate limited after retries
	ErrInvalid   ErrorKind = "invalid"    // the API rejected the request
	ErrCrashed   ErrorKind = "crashed"    // the provider process died or hung
	ErrWithdrawn ErrorKind = "withdrawn"  // withdrawn while it waited for a slot: never started
)

// GenerateError is a generation failure reported by a provider.
type GenerateError struct {
	Kind    ErrorKind
	Message string
	// Hint tells the user what to do about it.
	Hint string
	// Categories lists moderation categories for ErrRefused.
	Categories []string
	// MayHaveBilled is set when a request may have been billed even though
	// no image came back.
	MayHaveBilled bool
}

func (e *GenerateError) Error() string {
	if e.Kind == "" || e.Kind == ErrFailed {
		return e.Message
	}
	return fmt.Sprintf("%s: %s", e.Kind, e.Message)
}
