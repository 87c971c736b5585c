package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/easelhq/easel/internal/fetch"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
	"golang.org/x/sync/errgroup"
)

// URLFetcher downloads the bytes of an https:// reference into w and says
// how many it wrote. internal/fetch.Fetcher is the real one.
type URLFetcher interface {
	Fetch(ctx context.Context, url string, w io.Writer) (int64, error)
}

// refreshParallelism bounds the fetches of one refresh.
const refreshParallelism = 8

// fetchedURL is a URL reference's content as fetched in this run, kept in
// the output cache's objects by its sha256.
type fetchedURL struct {
	sum           string
	size          int64
	mediaType     string
	width, height int
	path          string
}

// urlFetches fetches each URL at most once per Project: a refresh in plan
// and the generations of apply share what it fetched, and images that
// name the same URL wait for one download.
type urlFetches struct {
	mu    sync.Mutex
	calls map[string]*urlCall
}

type urlCall struct {
	done chan struct{}
	res  fetchedURL
	err  error
}

// fetchURL returns the URL's content, downloading it on first use.
func (p *Project) fetchURL(ctx context.Context, url string) (fetchedURL, error) {
	p.urls.mu.Lock()
	if p.urls.calls == nil {
		p.urls.calls = map[string]*urlCall{}
	}
	c := p.urls.calls[url]
	if c == nil {
		c = &urlCall{done: make(chan struct{})}
		p.urls.calls[url] = c
		p.urls.mu.Unlock()
		c.res, c.err = p.download(ctx, url)
		if c.err != nil && ctx.Err() != nil {
			p.forgetURL(url) // cancelled, not failed: a later call may try again
		}
		close(c.done)
		return c.res, c.err
	}
	p.urls.mu.Unlock()
	select {
	case <-c.done:
		return c.res, c.err
	case <-ctx.Done():
		return fetchedURL{}, ctx.Err()
	}
}

func (p *Project) forgetURL(url string) {
	p.urls.mu.Lock()
	delete(p.urls.calls, url)
	p.urls.mu.Unlock()
}

// fetched returns the URL's content if this run fetched it already.
func (p *Project) fetched(url string) (fetchedURL, bool) {
	p.urls.mu.Lock()
	c := p.urls.calls[url]
	p.urls.mu.Unlock()
	if c == nil {
		return fetchedURL{}, false
	}
	select {
	case <-c.done:
		return c.res, c.err == nil
	default:
		return fetchedURL{}, false
	}
}

// download streams the URL into the output cache, hashing as it goes, and
// keeps it only if it is a PNG, JPEG or WebP image.
func (p *Project) download(ctx context.Context, url string) (fetchedURL, error) {
	cache := newOutputCache(p.dir)
	w, err := cache.create()
	if err != nil {
		return fetchedURL{}, err
	}
	sink := newOutputSink(w)
	if _, err := p.opts.Fetcher.Fetch(ctx, url, sink); err != nil {
		w.abort()
		return fetchedURL{}, err
	}
	img, err := sink.image()
	if err != nil {
		w.abort()
		return fetchedURL{}, fmt.Errorf("fetching %s: the file is not a PNG, JPEG, WebP, GIF or SVG image (%v)", fetch.Redact(url), err)
	}
	if err := w.commit(img.sum, false); err != nil {
		return fetchedURL{}, err
	}
	return fetchedURL{sum: img.sum, size: img.size, mediaType: imagefmt.MediaType(img.format),
		width: img.width, height: img.height, path: cache.path(img.sum)}, nil
}

// refresh fetches every URL reference of the selected images, a few at a
// time; each failure is a diagnostic on the reference.
func (pl *planner) refresh(ctx context.Context, selected map[*node]bool) {
	type use struct {
		url string
		rng hcl.Range
	}
	seen := map[string]bool{}
	var uses []use
	for _, n := range pl.p.graph.nodes {
		if selected != nil && !selected[n] {
			continue
		}
		for _, r := range n.inst.References {
			if r.Kind == schema.RefURL && !seen[r.Value] {
				seen[r.Value] = true
				uses = append(uses, use{r.Value, r.Range})
			}
		}
	}
	diags := make([]*hcl.Diagnostic, len(uses))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(refreshParallelism)
	for i, u := range uses {
		g.Go(func() error {
			if _, err := pl.p.fetchURL(gctx, u.url); err != nil {
				diags[i] = &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Cannot fetch a reference URL",
					Detail:  err.Error() + ". Check that the URL is public and reachable, or plan without -refresh to use the content hash the lockfile pins.",
					Subject: u.rng.Ptr()}
			}
			return nil
		})
	}
	_ = g.Wait()
	for _, d := range diags {
		if d != nil {
			pl.diags = append(pl.diags, d)
		}
	}
}

// openObject opens a cached object for a provider.
func openObject(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}
