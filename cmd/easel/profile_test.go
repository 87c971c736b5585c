package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// EASEL_CPUPROFILE and EASEL_TRACE write a CPU profile and an execution
// trace of the run; a provider process writes its own beside them, named
// after the provider, so both sides of the plugin boundary are profiled.
func TestProfilesOnRequest(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		suffix string
	}{
		{name: "easel", args: []string{"version"}},
		{name: "provider process", args: []string{"__provider", "nosuch"}, suffix: ".nosuch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cpu, trace := filepath.Join(dir, "cpu.prof"), filepath.Join(dir, "trace.out")
			env := []string{"EASEL_CPUPROFILE=" + cpu, "EASEL_TRACE=" + trace}
			var stderr bytes.Buffer
			run(tc.args, strings.NewReader(""), io.Discard, &stderr, env)
			if strings.Contains(stderr.String(), "profiling") {
				t.Errorf("stderr: %s", stderr.String())
			}
			assertPrefix(t, cpu+tc.suffix, "\x1f\x8b") // a gzipped profile.proto
			assertPrefix(t, trace+tc.suffix, "go 1.")
		})
	}
}

func assertPrefix(t *testing.T, path, prefix string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte(prefix)) {
		t.Errorf("%s starts with %q, want %q", filepath.Base(path), b[:min(len(b), 8)], prefix)
	}
}
