package vendorapi

import (
	"context"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/ctxtime"
	"github.com/easelhq/easel/plugins/sdk"
)

// maxDownloadTries bounds attempts at one result URL; a download is a GET
// of a finished image, free to repeat.
const maxDownloadTries = 3

// Download fetches an image from a result URL (a signed link the vendor
// returned) and checks it against want. It sends header (nil: none) and
// never the API key unless header holds it: the link may point at a CDN.
// Network failures, 429 and 5xx are retried, after the wait an answer's
// Retry-After asks for (up to Policy.MaxRetryAfter; a longer one ends the
// download); a 403, 404 or 410 (an expired link) is not. The error is an *sdk.Error marked MayHaveBilled: the image
// was made, and losing it is the vendor's bill.
func (c *Client) Download(ctx context.Context, rawURL string, header http.Header, want Want) (Image, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Image{}, c.downloadError("the result URL %q is not an http(s) URL", c.Redact(rawURL))
	}
	var lastErr error
	for try := 1; try <= maxDownloadTries; try++ {
		img, retry, after, err := c.downloadOnce(ctx, rawURL, header, want)
		if err == nil || !retry || after > c.Policy.MaxRetryAfter {
			return img, err
		}
		lastErr = err
		if ctx.Err() != nil {
			return Image{}, ctx.Err()
		}
		if try < maxDownloadTries {
			if err := c.Env.Sleep(ctx, c.backoff(try, after)); err != nil {
				return Image{}, err
			}
		}
	}
	return Image{}, lastErr
}

// downloadOnce makes one GET; retry says whether another try may help, and
// after how long the answer asks to wait before it (Retry-After).
func (c *Client) downloadOnce(ctx context.Context, rawURL string, header http.Header, want Want) (Image, bool, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return Image{}, false, 0, c.downloadError("bad result URL: %v", err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		if ctx.Err() != nil {
			return Image{}, false, 0, ctx.Err()
		}
		return Image{}, true, 0, c.downloadError("downloading the image: %v", err)
	}
	switch {
	case resp.Status == http.StatusTooManyRequests || resp.Status >= 500:
		return Image{}, true, ctxtime.RetryAfter(resp.Header, c.Env.Now()), c.downloadError("downloading the image: HTTP %d", resp.Status)
	case resp.Status == http.StatusForbidden || resp.Status == http.StatusNotFound || resp.Status == http.StatusGone:
		return Image{}, false, 0, c.downloadError("downloading the image: HTTP %d (the result link has expired or is wrong)", resp.Status)
	case resp.Status != http.StatusOK:
		return Image{}, false, 0, c.downloadError("downloading the image: HTTP %d: %s", resp.Status, Excerpt(resp.Body))
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "text/html" || mt == "application/json" || strings.HasPrefix(mt, "text/") {
		return Image{}, false, 0, c.downloadError("the result URL answered %s, not an image: %s", mt, Excerpt(resp.Body))
	}
	img, err := CheckImage(resp.Body, want)
	if err != nil {
		return Image{}, false, 0, c.downloadError("the downloaded file: %v", err)
	}
	return img, false, 0, nil
}

func (c *Client) downloadError(format string, args ...any) error {
	return &sdk.Error{Kind: sdk.ErrFailed, MayHaveBilled: true, Message: c.Vendor + ": " + c.Redact(fmt.Sprintf(format, args...))}
}
