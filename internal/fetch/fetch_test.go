package fetch

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// png is a few bytes that start like a PNG; the package never decodes.
var png = append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 4096)...)

type server struct {
	*httptest.Server
	hits atomic.Int32
}

// serve starts a TLS server whose handler is h; the fetcher trusts it.
func serve(t *testing.T, h http.HandlerFunc) (*server, *Fetcher) {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	f := &Fetcher{Transport: s.Client().Transport, Sleep: func(context.Context, time.Duration) error { return nil }}
	return s, f
}

func servePNG(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "image/png")
	w.Write(png)
}

func TestFetchWritesTheBody(t *testing.T) {
	s, f := serve(t, servePNG)
	var buf bytes.Buffer
	n, err := f.Fetch(context.Background(), s.URL+"/brand/logo.png", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(len(png)) || !bytes.Equal(buf.Bytes(), png) {
		t.Errorf("got %d bytes, want the %d served", n, len(png))
	}
}

func TestFetchSendsNoCredentials(t *testing.T) {
	var got http.Header
	s, f := serve(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		servePNG(w, r)
	})
	if _, err := f.Fetch(context.Background(), s.URL+"/a.png", &bytes.Buffer{}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"Authorization", "Cookie", "X-Api-Key"} {
		if got.Get(h) != "" {
			t.Errorf("the request carried %s", h)
		}
	}
	if got.Get("User-Agent") != "easel" {
		t.Errorf("User-Agent = %q", got.Get("User-Agent"))
	}
}

func TestFetchRefusesWithoutARequest(t *testing.T) {
	s, f := serve(t, servePNG)
	host := strings.TrimPrefix(s.URL, "https://")
	cases := []struct {
		name, url, want string
	}{
		{"plain http", "http://" + host + "/a.png", "only https://"},
		{"credentials", "https://user:secret@" + host + "/a.png", "credentials"},
		{"no host", "https:///a.png", "no host"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), tc.url, &bytes.Buffer{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v; want it to mention %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error shows the password: %v", err)
			}
		})
	}
	if n := s.hits.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}

func TestFetchFollowsOnlyHTTPSRedirects(t *testing.T) {
	var to string
	s, f := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/final.png" {
			servePNG(w, r)
			return
		}
		http.Redirect(w, r, to, http.StatusFound)
	})
	to = s.URL + "/final.png"
	var buf bytes.Buffer
	if _, err := f.Fetch(context.Background(), s.URL+"/moved.png", &buf); err != nil || buf.Len() != len(png) {
		t.Fatalf("an https redirect: %v, %d bytes", err, buf.Len())
	}
	to = "http://" + strings.TrimPrefix(s.URL, "https://") + "/final.png"
	before := s.hits.Load()
	_, err := f.Fetch(context.Background(), s.URL+"/moved.png", &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "only https://") {
		t.Fatalf("a redirect to http: err = %v", err)
	}
	if n := s.hits.Load() - before; n != 1 {
		t.Errorf("a refused redirect was tried %d times; want 1", n)
	}
}

func TestFetchAnswers(t *testing.T) {
	cases := []struct {
		name     string
		handler  http.HandlerFunc
		want     string // in the error; empty means success
		requests int32
	}{
		{"not found is final", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) }, "HTTP 404", 1},
		{"a page is not an image", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<html>login</html>"))
		}, "text/html, not an image", 1},
		{"rate limit then success", failing(1, http.StatusTooManyRequests), "", 2},
		{"server errors until it gives up", failing(10, http.StatusBadGateway), "HTTP 502", maxTries},
		{"declared size over the limit", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", strconv.Itoa(2<<20))
			w.Write(bytes.Repeat([]byte{1}, 2<<20))
		}, "over the 1.0 MiB limit", 1},
		{"streamed size over the limit", func(w http.ResponseWriter, r *http.Request) {
			for range 3 {
				w.Write(bytes.Repeat([]byte{1}, 512<<10))
				w.(http.Flusher).Flush()
			}
		}, "over the 1.0 MiB limit", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, f := serve(t, tc.handler)
			f.MaxBytes = 1 << 20
			_, err := f.Fetch(context.Background(), s.URL+"/a.png", &bytes.Buffer{})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("err = %v; want it to mention %q", err, tc.want)
			}
			if n := s.hits.Load(); n != tc.requests {
				t.Errorf("%d requests; want %d", n, tc.requests)
			}
		})
	}
}

// failing answers status n times, then a PNG.
func failing(n int32, status int) http.HandlerFunc {
	var calls atomic.Int32
	return func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= n {
			w.WriteHeader(status)
			return
		}
		servePNG(w, r)
	}
}

func TestFetchErrorHidesTheQuery(t *testing.T) {
	s, f := serve(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) })
	_, err := f.Fetch(context.Background(), s.URL+"/a.png?X-Amz-Signature=topsecret", &bytes.Buffer{})
	var fe *Error
	if !errors.As(err, &fe) || fe.Status != http.StatusForbidden {
		t.Fatalf("err = %v; want an *Error with status 403", err)
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Errorf("the error shows the signature: %v", err)
	}
	if !strings.Contains(err.Error(), "/a.png?…") {
		t.Errorf("the error does not name the file: %v", err)
	}
}

func TestFetchGivesUpAtItsDeadline(t *testing.T) {
	release := make(chan struct{})
	s, f := serve(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	f.Timeout = 50 * time.Millisecond
	_, err := f.Fetch(context.Background(), s.URL+"/slow.png", &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no answer in time") {
		t.Fatalf("err = %v; want a timeout", err)
	}
}

// TestFetchDoesNotRetryAnUnknownHost checks that a host the resolver does
// not know fails at once: a typo is not mended by waiting.
func TestFetchDoesNotRetryAnUnknownHost(t *testing.T) {
	var tries int
	f := &Fetcher{
		Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
			tries++
			return nil, &net.DNSError{Err: "no such host", Name: "cdn.exampel.com", IsNotFound: true}
		}),
		Sleep: func(context.Context, time.Duration) error { return nil },
	}
	_, err := f.Fetch(context.Background(), "https://cdn.exampel.com/a.png", &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "no such host") || tries != 1 {
		t.Fatalf("err = %v after %d tries; want one try and the resolver's answer", err, tries)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A wait between tries that ends early (its own error, the context still
// live) ends the fetch with that reason, not a crash.
func TestFetchStopsWhenTheWaitFails(t *testing.T) {
	s, f := serve(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	f.Sleep = func(context.Context, time.Duration) error { return errors.New("the wait was cut short") }
	_, err := f.Fetch(context.Background(), s.URL+"/a.png", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "the wait was cut short") {
		t.Fatalf("Fetch = %v, want it to give up with the wait's reason", err)
	}
}

// A 429's Retry-After sets the wait before the next try when it is longer
// than the backoff; one past the time allowed for the URL ends the fetch
// at once, without another request.
func TestFetchHonoursRetryAfter(t *testing.T) {
	var tries atomic.Int32
	s, f := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if tries.Add(1) == 1 || strings.Contains(r.URL.Path, "busy") {
			w.Header().Set("Retry-After", r.URL.Query().Get("after"))
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(png)
	})
	var waits []time.Duration
	f.Sleep = func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		return nil
	}
	var buf bytes.Buffer
	if _, err := f.Fetch(context.Background(), s.URL+"/a.png?after=7", &buf); err != nil || !bytes.Equal(buf.Bytes(), png) {
		t.Fatalf("Fetch: %v", err)
	}
	if len(waits) != 1 || waits[0] != 7*time.Second {
		t.Errorf("waited %v, want the 7s Retry-After asked for", waits)
	}
	waits, before := nil, tries.Load()
	_, err := f.Fetch(context.Background(), s.URL+"/busy.png?after=3600", io.Discard)
	if err == nil || !strings.Contains(err.Error(), "asks to wait 1h0m0s") || len(waits) != 0 || tries.Load() != before+1 {
		t.Fatalf("Fetch = %v after %d requests and waits %v; want one request and no wait", err, tries.Load()-before, waits)
	}
}
