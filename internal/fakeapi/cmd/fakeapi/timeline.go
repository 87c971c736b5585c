package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// timeline records when each request arrived and was answered, so a
// benchmark can tell the API's latency from the client's own time: how
// long the client took to send its first request, how many requests it
// kept in flight, and how long it ran after the last answer.
type timeline struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

func newTimeline(path string) (*timeline, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("-timeline: %w", err)
	}
	return &timeline{f: f, w: bufio.NewWriter(f)}, nil
}

// wrap records every request h serves as "START END STATUS PATH", times in
// Unix nanoseconds.
func (t *timeline) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		end := time.Now()
		t.mu.Lock()
		defer t.mu.Unlock()
		fmt.Fprintf(t.w, "%d %d %d %s\n", start.UnixNano(), end.UnixNano(), sw.status, r.URL.Path)
		t.w.Flush() // a benchmark reads the file while the server runs
	})
}

func (t *timeline) close() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.w.Flush(); err != nil {
		return err
	}
	return t.f.Close()
}
