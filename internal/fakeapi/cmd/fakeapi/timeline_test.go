package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
)

func TestTimeline(t *testing.T) {
	path := filepath.Join(t.TempDir(), "timeline")
	tl, err := newTimeline(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(tl.wrap(fakeapi.NewOpenAI(fakeapi.Config{})))
	defer srv.Close()
	for _, p := range []string{"/v1/images/generations", "/v1/nowhere"} {
		resp, err := http.Post(srv.URL+p, "application/json", strings.NewReader(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	if err := tl.close(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	want := []struct{ status, path string }{{"401", "/v1/images/generations"}, {"404", "/v1/nowhere"}}
	if len(lines) != len(want) {
		t.Fatalf("timeline has %d lines, want %d:\n%s", len(lines), len(want), data)
	}
	for i, line := range lines {
		f := strings.Fields(line)
		start, err1 := strconv.ParseInt(f[0], 10, 64)
		end, err2 := strconv.ParseInt(f[1], 10, 64)
		if len(f) != 4 || err1 != nil || err2 != nil || end < start || f[2] != want[i].status || f[3] != want[i].path {
			t.Errorf("line %d = %q, want START END %s %s with START <= END", i, line, want[i].status, want[i].path)
		}
	}
}
