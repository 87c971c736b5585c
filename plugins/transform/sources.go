package transform

import (
	"context"
	"image"
	"sync"

	"github.com/easelhq/easel/plugins/sdk"
)

// sources shares decoded sources between Generate calls. The variants of a
// hero arrive one after another or in parallel, and decoding a 4096x4096
// PNG takes longer than scaling it; decoding it once also keeps parallel
// calls from holding one copy each. It remembers only the last source, so
// it holds at most one decoded image (256 MB for 8192x8192) while idle.
// Images are shared read-only.
type sources struct {
	mu   sync.Mutex
	last *decoded
}

// decoded is one source, decoded once; done is closed when img or err is set.
type decoded struct {
	sha  string
	done chan struct{}
	img  image.Image
	err  error
}

// get returns the decoded source of ref, decoding it unless the last call
// (finished or in flight) had the same bytes. A source without a hash is
// always decoded; a failed decode is not remembered.
func (s *sources) get(ctx context.Context, ref sdk.Reference) (image.Image, error) {
	if ref.SHA256 == "" {
		return decodeSource(ref)
	}
	s.mu.Lock()
	d := s.last
	if d != nil && d.sha == ref.SHA256 {
		s.mu.Unlock()
		return s.wait(ctx, d, ref)
	}
	d = &decoded{sha: ref.SHA256, done: make(chan struct{})}
	s.last = d
	s.mu.Unlock()
	d.img, d.err = decodeSource(ref)
	if d.err != nil {
		s.forget(d)
	}
	close(d.done)
	return d.img, d.err
}

// wait waits for another call's decode; if that failed, it decodes itself.
func (s *sources) wait(ctx context.Context, d *decoded, ref sdk.Reference) (image.Image, error) {
	select {
	case <-d.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if d.err != nil {
		return decodeSource(ref)
	}
	return d.img, nil
}

func (s *sources) forget(d *decoded) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.last == d {
		s.last = nil
	}
}
