package vendorapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins/sdk"
)

// hijackClose drops the connection without an answer.
func hijackClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	conn.Close()
}

func post(t *testing.T, c *Client, url string) (*Response, error) {
	t.Helper()
	req, err := JSONRequest(context.Background(), http.MethodPost, url, []byte(`{"prompt":"otter"}`))
	if err != nil {
		t.Fatal(err)
	}
	return c.Do(context.Background(), req)
}

// Do tells a request that never left from one the server had in full, and
// the classification follows: free to retry, or may have billed.
func TestDoNetworkFailures(t *testing.T) {
	dropAfterRead := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		hijackClose(w)
	}))
	defer dropAfterRead.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		<-r.Context().Done()
	}))
	defer slow.Close()

	tests := []struct {
		name        string
		url         string
		timeout     time.Duration
		billable    bool
		wantSent    bool
		wantClass   Class
		wantMessage string
	}{
		{name: "connection refused", url: closedURL, billable: true, wantClass: Unsent, wantMessage: "could not send the request to Acme"},
		{name: "dropped after the request was sent", url: dropAfterRead.URL, billable: true, wantSent: true,
			wantClass: MayHaveBilled, wantMessage: "the connection to Acme failed after the request was sent"},
		{name: "a dropped poll is free to retry", url: dropAfterRead.URL, billable: false, wantSent: true,
			wantClass: Unsent, wantMessage: "the connection to Acme failed"},
		{name: "no answer within the timeout", url: slow.URL, timeout: 50 * time.Millisecond, billable: true, wantSent: true,
			wantClass: MayHaveBilled, wantMessage: "no answer from Acme within the timeout of 50ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testClient(newFakeClock(), Settings{Timeout: tt.timeout})
			_, err := post(t, c, tt.url)
			var ne *NetError
			if !errors.As(err, &ne) {
				t.Fatalf("Do = %v, want a *NetError", err)
			}
			if ne.Sent != tt.wantSent {
				t.Errorf("Sent = %v, want %v", ne.Sent, tt.wantSent)
			}
			out := c.NetworkOutcome(err, tt.billable)
			if out.Class != tt.wantClass || !strings.Contains(out.Err.Error(), tt.wantMessage) {
				t.Errorf("NetworkOutcome = %v %v, want %v containing %q", out.Class, out.Err, tt.wantClass, tt.wantMessage)
			}
		})
	}
}

func TestDoCallerGivesUp(t *testing.T) {
	// The handler also ends when the test does: if the server has not yet
	// noticed the client went away, Close would otherwise wait for it.
	stop := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-stop:
		}
	}))
	defer srv.Close()
	defer close(stop)
	c := testClient(newFakeClock(), Settings{})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := JSONRequest(ctx, http.MethodPost, srv.URL, []byte(`{}`))
	go cancel()
	_, err := c.Do(ctx, req)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do = %v, want context.Canceled", err)
	}
	if out := c.NetworkOutcome(err, true); out.Class != Final {
		t.Errorf("NetworkOutcome of a cancelled call = %v, want final", out.Class)
	}
}

func TestDoBoundsTheBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write(make([]byte, 2048))
	}))
	defer srv.Close()
	c := testClient(newFakeClock(), Settings{})
	c.MaxResponseBytes = 1024
	if _, err := post(t, c, srv.URL); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("Do = %v, want a too-large error", err)
	}
}

func TestClassifyStatus(t *testing.T) {
	tests := []struct {
		status    int
		header    http.Header
		wantClass Class
		wantKind  sdk.ErrorKind
		wantMsg   string
		wantAfter time.Duration
	}{
		{401, nil, Final, sdk.ErrAuth, "Acme rejected the API key (HTTP 401) [request r1]", 0},
		{403, nil, Final, sdk.ErrAuth, "Acme refused access: HTTP 403 bad_thing: Something went wrong [request r1]", 0},
		{402, nil, Final, sdk.ErrQuota, "the Acme account is out of credits: HTTP 402 bad_thing", 0},
		{429, http.Header{"Retry-After": {"7"}}, RateLimited, sdk.ErrRateLimit, "HTTP 429 bad_thing", 7 * time.Second},
		{408, nil, RateLimited, sdk.ErrRateLimit, "HTTP 408", 0},
		{500, nil, MayHaveBilled, sdk.ErrFailed, "Acme failed: HTTP 500 bad_thing: Something went wrong", 0},
		{503, nil, MayHaveBilled, sdk.ErrFailed, "Acme failed: HTTP 503", 0},
		{422, nil, Final, sdk.ErrInvalid, "Acme rejected the request: HTTP 422 bad_thing: Something went wrong [request r1]", 0},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			c := testClient(newFakeClock(), Settings{})
			resp := &Response{Status: tt.status, Header: tt.header}
			if resp.Header == nil {
				resp.Header = http.Header{}
			}
			out := c.ClassifyStatus(resp, APIError{Status: tt.status, Code: "bad_thing", Message: "Something went wrong", RequestID: "r1"})
			var se *sdk.Error
			if !errors.As(out.Err, &se) {
				t.Fatalf("Err = %v, want *sdk.Error", out.Err)
			}
			if out.Class != tt.wantClass || se.Kind != tt.wantKind || !strings.Contains(se.Message, tt.wantMsg) || out.RetryAfter != tt.wantAfter {
				t.Errorf("got %v %s %q after %s; want %v %s containing %q after %s", out.Class, se.Kind, se.Message, out.RetryAfter,
					tt.wantClass, tt.wantKind, tt.wantMsg, tt.wantAfter)
			}
		})
	}
}

// A server that quotes the key back never gets it into an error.
func TestKeyNeverInErrors(t *testing.T) {
	c := testClient(newFakeClock(), Settings{})
	msg := "Invalid key " + testKey + " (masked: " + testKey[:14] + "...)"
	for _, status := range []int{400, 401, 402, 403, 429, 500} {
		out := c.ClassifyStatus(&Response{Status: status, Header: http.Header{}}, APIError{Status: status, Code: testKey, Message: msg})
		if strings.Contains(out.Err.Error(), testKey[:12]) || strings.Contains(out.Err.Error(), testKey[len(testKey)-12:]) {
			t.Errorf("HTTP %d: the error quotes the key: %v", status, out.Err)
		}
	}
	for _, out := range []Outcome{c.Unusable("", "body %s", msg), c.Refused(msg, nil, "")} {
		if strings.Contains(out.Err.Error(), testKey[:12]) {
			t.Errorf("the error quotes the key: %v", out.Err)
		}
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("x", 300)
	tests := map[string]string{
		"":                          "(empty body)",
		"  <html>oops</html>\n":     "<html>oops</html>",
		long:                        strings.Repeat("x", 200) + "...",
		"bad\x00bytes\x01 here\xff": "badbytes here?",
	}
	for in, want := range tests {
		if got := Excerpt([]byte(in)); got != want {
			t.Errorf("Excerpt(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestIdlePoolFitsConcurrency checks that the client keeps as many idle
// connections as it may have requests in flight, so none is dialled again
// between one image and the next, past net/http's default pool of 100 too.
func TestIdlePoolFitsConcurrency(t *testing.T) {
	for _, concurrency := range []int{1, 64, 256} {
		tr := newHTTPClient(concurrency).Transport.(*http.Transport)
		if tr.MaxIdleConnsPerHost < concurrency || tr.MaxIdleConns < concurrency {
			t.Errorf("concurrency %d: idle pool %d per host, %d in all", concurrency, tr.MaxIdleConnsPerHost, tr.MaxIdleConns)
		}
	}
}

// A failed download inside an unusable answer reads as the download
// error, once, with the request id: not "failed: " inside another message.
func TestUnusableKeepsADownloadError(t *testing.T) {
	c := testClient(newFakeClock(), Settings{})
	dl := c.downloadError("downloading the image: HTTP %d", 403)
	out := c.Unusable("req_1", "%v", dl)
	var se *sdk.Error
	if out.Class != MayHaveBilled || !errors.As(out.Err, &se) || !se.MayHaveBilled {
		t.Fatalf("Unusable = %+v, want a may-have-billed *sdk.Error", out)
	}
	if want := c.Vendor + ": downloading the image: HTTP 403"; !strings.HasPrefix(se.Message, want) || !strings.Contains(se.Message, "req_1") ||
		strings.Contains(se.Message, "failed:") {
		t.Errorf("message %q, want %q with the request id", se.Message, want)
	}
}
