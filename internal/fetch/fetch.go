package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/ctxtime"
)

const (
	// DefaultMaxBytes bounds one reference: 50 MiB, above any image an
	// image API accepts as input.
	DefaultMaxBytes = 50 << 20
	// DefaultTimeout bounds one URL, all tries included.
	DefaultTimeout = 2 * time.Minute
	maxRedirects   = 5
	maxTries       = 3
)

// Fetcher downloads URL references. The zero value is ready to use.
type Fetcher struct {
	// Transport makes the requests; nil means a clone of
	// http.DefaultTransport (system roots, proxy from the environment).
	Transport http.RoundTripper
	// MaxBytes bounds one download; zero means DefaultMaxBytes.
	MaxBytes int64
	// Timeout bounds one URL; zero means DefaultTimeout.
	Timeout time.Duration
	// UserAgent is sent with every request; empty means "easel".
	UserAgent string
	// Sleep waits between tries; nil means a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error

	trOnce sync.Once
	tr     http.RoundTripper
}

// Error is a failed fetch. Its text names the URL without its query.
type Error struct {
	URL    string // scheme, host and path only
	Reason string
	// Status is the HTTP status of the last answer; zero when none came.
	Status int
}

func (e *Error) Error() string { return "fetching " + e.URL + ": " + e.Reason }

// Fetch writes the body of rawURL to w and returns how many bytes it wrote.
// It refuses anything but https, credentials in the URL, a redirect to
// either, an answer other than 200, a body that declares itself text and a
// body over the size limit. Network failures, 429 and 5xx answers are tried
// again while nothing has been written to w, after the wait an answer's
// Retry-After asks for when it is longer than the backoff; a wait past
// the time left for the URL gives up at once.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string, w io.Writer) (int64, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, &Error{URL: "the reference URL", Reason: "not a valid URL"}
	}
	if err := checkURL(u); err != nil {
		return 0, &Error{URL: shown(u), Reason: err.Error()}
	}
	ctx, cancel := context.WithTimeout(ctx, f.timeout())
	defer cancel()
	client := &http.Client{Transport: f.transport(), CheckRedirect: checkRedirect}
	var last *Error
	for try := 1; try <= maxTries; try++ {
		n, retry, after, err := f.once(ctx, client, u, w)
		if err == nil {
			return n, nil
		}
		last = err
		if !retry || n > 0 || try == maxTries {
			break
		}
		wait := max(time.Duration(try)*time.Second, after)
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < wait {
			last.Reason += fmt.Sprintf(" (gave up: the server asks to wait %s, past the %s allowed for a reference)", wait.Round(time.Second), f.timeout())
			break
		}
		if err := f.sleep(ctx, wait); err != nil {
			last.Reason += " (gave up: " + err.Error() + ")"
			break
		}
	}
	return 0, last
}

// once makes one GET; retry says whether another try may help, and after
// how long the answer asks to wait before it (Retry-After, 0 for none).
func (f *Fetcher) once(ctx context.Context, client *http.Client, u *url.URL, w io.Writer) (n int64, retry bool, after time.Duration, err *Error) {
	fail := func(status int, format string, args ...any) *Error {
		return &Error{URL: shown(u), Status: status, Reason: fmt.Sprintf(format, args...)}
	}
	req, rerr := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if rerr != nil {
		return 0, false, 0, fail(0, "%v", rerr)
	}
	req.Header.Set("User-Agent", f.userAgent())
	req.Header.Set("Accept", "image/png, image/jpeg, image/webp, image/*;q=0.8")
	resp, rerr := client.Do(req)
	if rerr != nil {
		return 0, ctx.Err() == nil && !isPolicy(rerr) && !noSuchHost(rerr), 0, fail(0, "%s", transportReason(rerr))
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return 0, true, ctxtime.RetryAfter(resp.Header, time.Now()), fail(resp.StatusCode, "HTTP %s", resp.Status)
	case resp.StatusCode != http.StatusOK:
		return 0, false, 0, fail(resp.StatusCode, "HTTP %s", resp.Status)
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); strings.HasPrefix(mt, "text/") || mt == "application/json" {
		return 0, false, 0, fail(resp.StatusCode, "the server answered %s, not an image", mt)
	}
	limit := f.maxBytes()
	if resp.ContentLength > limit {
		return 0, false, 0, fail(resp.StatusCode, "the file is %s, over the %s limit for a reference", mib(resp.ContentLength), mib(limit))
	}
	n, cerr := io.Copy(w, io.LimitReader(resp.Body, limit+1))
	switch {
	case n > limit:
		return n, false, 0, fail(resp.StatusCode, "the file is over the %s limit for a reference", mib(limit))
	case cerr != nil:
		return n, ctx.Err() == nil, 0, fail(resp.StatusCode, "reading the body: %s", transportReason(cerr))
	case resp.ContentLength >= 0 && n != resp.ContentLength:
		return n, true, 0, fail(resp.StatusCode, "the body ended after %d of %d bytes", n, resp.ContentLength)
	}
	return n, false, 0, nil
}

// errPolicy marks a redirect this package refuses; trying again cannot help.
var errPolicy = errors.New("refused")

func checkURL(u *url.URL) error {
	switch {
	case u.Scheme != "https":
		return fmt.Errorf("only https:// URLs can be fetched, not %s://: %w", u.Scheme, errPolicy)
	case u.User != nil:
		return fmt.Errorf("the URL carries credentials (user:password@), which easel never sends: %w", errPolicy)
	case u.Host == "":
		return fmt.Errorf("the URL has no host: %w", errPolicy)
	}
	return nil
}

func checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return fmt.Errorf("more than %d redirects: %w", maxRedirects, errPolicy)
	}
	if err := checkURL(req.URL); err != nil {
		return fmt.Errorf("redirected to %s: %w", shown(req.URL), err)
	}
	req.Header.Del("Authorization")
	req.Header.Del("Cookie")
	return nil
}

func isPolicy(err error) bool { return errors.Is(err, errPolicy) }

// noSuchHost reports a name the resolver says does not exist: a typo in
// the URL, which trying again does not mend.
func noSuchHost(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) && dns.IsNotFound
}

// transportReason is a network error without the URL (and its query) that
// net/http puts in front of it.
func transportReason(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer in time"
	}
	return strings.TrimSuffix(err.Error(), ": "+errPolicy.Error())
}

// Redact is rawURL fit for an error text or a log: its scheme, host and
// path, with "?…" for a query it leaves out.
func Redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "the reference URL"
	}
	return shown(u)
}

// shown is a URL fit for an error text: scheme, host and path.
func shown(u *url.URL) string {
	s := url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}
	out := s.String()
	if u.RawQuery != "" {
		out += "?…"
	}
	return out
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// transport is Transport, or one clone of the default shared by every
// fetch so connections to the same host are reused.
func (f *Fetcher) transport() http.RoundTripper {
	f.trOnce.Do(func() {
		f.tr = f.Transport
		if f.tr == nil {
			f.tr = http.DefaultTransport.(*http.Transport).Clone()
		}
	})
	return f.tr
}

func (f *Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultMaxBytes
}

func (f *Fetcher) timeout() time.Duration {
	if f.Timeout > 0 {
		return f.Timeout
	}
	return DefaultTimeout
}

func (f *Fetcher) userAgent() string {
	if f.UserAgent != "" {
		return f.UserAgent
	}
	return "easel"
}

func (f *Fetcher) sleep(ctx context.Context, d time.Duration) error {
	if f.Sleep != nil {
		return f.Sleep(ctx, d)
	}
	return ctxtime.Sleep(ctx, d)
}
