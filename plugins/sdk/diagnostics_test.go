package sdk

import (
	"errors"
	"testing"
)

func TestInvalidAndWarnings(t *testing.T) {
	diags := Diagnostics{
		Warnf("model", "Deprecated model", "use another"),
		Errorf("size", "Unsupported size", "use 1024x1024"),
		Errorf("seed", "Invalid seed", "whole numbers"),
	}
	var e *Error
	if err := diags.Invalid(); !errors.As(err, &e) || e.Kind != ErrInvalid || e.Message != "Unsupported size; Invalid seed" || e.Hint != "use 1024x1024" {
		t.Errorf("Invalid() = %#v", err)
	}
	if ws := diags.Warnings(); len(ws) != 1 || ws[0].Summary != "Deprecated model" {
		t.Errorf("Warnings = %v", ws)
	}
	if err := diags.Warnings().Invalid(); err != nil {
		t.Errorf("warnings alone gave the error %v", err)
	}
}
