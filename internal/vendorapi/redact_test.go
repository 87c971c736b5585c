package vendorapi

import (
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	r := NewRedactor(testKey, "", "abc")
	tests := []struct {
		name, in, want string
	}{
		{"whole key", "bad key " + testKey + " given", "bad key [redacted] given"},
		{"part of the key", "key oak-live-0123456789ab... is invalid", "key [redacted]... is invalid"},
		{"tail of the key", "key ****cdefghijKLMN is invalid", "key ****[redacted] is invalid"},
		{"openai-shaped key", "Incorrect API key provided: sk-proj-*****wxyz.", "Incorrect API key provided: sk-[redacted]."},
		{"google-shaped key", "key AIzaSyA1234567890abcdef rejected", "key AIza[redacted] rejected"},
		{"bearer header", "sent Authorization: Bearer abcdef123456", "sent Authorization: Bearer [redacted]"},
		{"x-key header", "x-key: 9f8e7d6c-aaaa", "x-key:[redacted]"},
		{"query key", "GET https://h/v1?key=secretvalue1", "GET https://h/v1?key=[redacted]"},
		{"short secrets are not matched", "abc is fine", "abc is fine"},
		{"nothing to hide", "width must be a multiple of 32", "width must be a multiple of 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := r.Redact(tt.in); got != tt.want {
				t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRedactNil(t *testing.T) {
	var r *Redactor
	if got := r.Redact("sk-live-abcdef"); strings.Contains(got, "abcdef") {
		t.Errorf("nil Redactor left a key-shaped string: %q", got)
	}
}
