package main

import (
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNormaliseArgs(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"single-dash bool", []string{"plan", "-detailed-exitcode"}, []string{"plan", "--detailed-exitcode"}},
		{"single-dash with value", []string{"plan", "-out=plan.bin"}, []string{"plan", "--out=plan.bin"}},
		{"value as next argument is kept", []string{"plan", "-out", "-weird-name"}, []string{"plan", "--out", "-weird-name"}},
		{"global flag before the command", []string{"-chdir=x", "plan"}, []string{"--chdir=x", "plan"}},
		{"global flag with separate value", []string{"-chdir", "plan", "plan"}, []string{"--chdir", "plan", "plan"}},
		{"inherited flag after the command", []string{"apply", "-chdir=x", "-auto-approve"}, []string{"apply", "--chdir=x", "--auto-approve"}},
		{"double dash left alone", []string{"plan", "--out=p", "--json"}, []string{"plan", "--out=p", "--json"}},
		{"shorthand left alone", []string{"plan", "-h"}, []string{"plan", "-h"}},
		{"help in long single-dash form", []string{"-help"}, []string{"--help"}},
		{"flag of another command left alone", []string{"plan", "-auto-approve"}, []string{"plan", "-auto-approve"}},
		{"unknown flag left alone", []string{"plan", "-nope"}, []string{"plan", "-nope"}},
		{"nested command", []string{"providers", "schema", "-json"}, []string{"providers", "schema", "--json"}},
		{"positional argument", []string{"apply", "-auto-approve", "plan.bin"}, []string{"apply", "--auto-approve", "plan.bin"}},
		{"after --", []string{"fmt", "--", "-check"}, []string{"fmt", "--", "-check"}},
		{"repeated flag", []string{"plan", "-var", "a=1", "-var=b=2"}, []string{"plan", "--var", "a=1", "--var=b=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := &app{stdout: io.Discard, stderr: io.Discard}
			got := normaliseArgs(a.rootCommand(), tt.args)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("normaliseArgs(%q) mismatch (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}
