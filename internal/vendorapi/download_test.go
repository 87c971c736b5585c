package vendorapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

func TestDownload(t *testing.T) {
	png := encodeImage(t, "png", 32, 32)
	tests := []struct {
		name      string
		handler   func(n int64, w http.ResponseWriter)
		want      Want
		wantErr   string // "" for success
		wantCalls int64
	}{
		{name: "image", handler: func(_ int64, w http.ResponseWriter) { _, _ = w.Write(png) }, want: Want{Width: 32, Height: 32}, wantCalls: 1},
		{name: "a 502 is retried", handler: func(n int64, w http.ResponseWriter) {
			if n == 1 {
				w.WriteHeader(http.StatusBadGateway)
				return
			}
			_, _ = w.Write(png)
		}, wantCalls: 2},
		{name: "an expired link is not retried", handler: func(_ int64, w http.ResponseWriter) { w.WriteHeader(http.StatusForbidden) },
			wantErr: "Acme: downloading the image: HTTP 403 (the result link has expired or is wrong)", wantCalls: 1},
		{name: "always 500 gives up", handler: func(_ int64, w http.ResponseWriter) { w.WriteHeader(http.StatusInternalServerError) },
			wantErr: "HTTP 500", wantCalls: 3},
		{name: "an html page is no image", handler: func(_ int64, w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>signature expired</html>"))
		}, wantErr: "the result URL answered text/html, not an image: <html>signature expired</html>", wantCalls: 1},
		{name: "wrong size", handler: func(_ int64, w http.ResponseWriter) { _, _ = w.Write(png) }, want: Want{Width: 64, Height: 64},
			wantErr: "the downloaded file: it is 32x32, not the 64x64 asked for", wantCalls: 1},
		{name: "truncated", handler: func(_ int64, w http.ResponseWriter) { _, _ = w.Write(png[:len(png)-20]) },
			wantErr: "truncated", wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" || r.Header.Get("x-key") != "" {
					t.Errorf("the download carried credentials")
				}
				tt.handler(calls.Add(1), w)
			}))
			defer srv.Close()
			c := testClient(newFakeClock(), Settings{})
			img, err := c.Download(context.Background(), srv.URL+"/result.png?sig=abc", nil, tt.want)
			if tt.wantErr == "" {
				if err != nil || img.Format != "png" {
					t.Fatalf("Download = %s, %v", img.Format, err)
				}
			} else {
				checkErr(t, err, sdk.ErrFailed, tt.wantErr, true)
			}
			if got := calls.Load(); got != tt.wantCalls {
				t.Errorf("%d requests, want %d", got, tt.wantCalls)
			}
		})
	}
}

func TestDownloadRefusesOtherSchemes(t *testing.T) {
	c := testClient(newFakeClock(), Settings{})
	_, err := c.Download(context.Background(), "file:///etc/passwd", nil, Want{})
	checkErr(t, err, sdk.ErrFailed, "is not an http(s) URL", true)
}

// A 429 on a result link is waited out as its Retry-After asks (with no
// jitter here), and one longer than Policy.MaxRetryAfter ends the
// download at once.
func TestDownloadHonoursRetryAfter(t *testing.T) {
	png := encodeImage(t, "png", 32, 32)
	for _, tt := range []struct {
		after     string
		wantCalls int64
		wantSleep []time.Duration
	}{
		{"7", 2, []time.Duration{7 * time.Second}},
		{"3600", 1, nil},
	} {
		t.Run("Retry-After "+tt.after, func(t *testing.T) {
			var calls atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if calls.Add(1) == 1 {
					w.Header().Set("Retry-After", tt.after)
					w.WriteHeader(http.StatusTooManyRequests)
					return
				}
				_, _ = w.Write(png)
			}))
			defer srv.Close()
			clock := newFakeClock()
			_, err := testClient(clock, Settings{}).Download(context.Background(), srv.URL+"/result.png", nil, Want{})
			if (err != nil) != (tt.wantCalls == 1) || calls.Load() != tt.wantCalls {
				t.Fatalf("Download = %v after %d requests, want %d", err, calls.Load(), tt.wantCalls)
			}
			if got := clock.Sleeps(); !slices.Equal(got, tt.wantSleep) {
				t.Errorf("slept %v, want %v", got, tt.wantSleep)
			}
		})
	}
}
