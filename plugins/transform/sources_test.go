package transform

import (
	"bytes"
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
)

// counted is a source reference that counts how often its bytes are read.
type counted struct {
	opens atomic.Int32
	fail  atomic.Bool // the next open's bytes break off with an error
	data  []byte
	sha   string
}

func (c *counted) ref() sdk.Reference {
	return sdk.NewReference("image", "image.hero", c.sha, "image/png", int64(len(c.data)), func() (io.ReadCloser, error) {
		c.opens.Add(1)
		if c.fail.Swap(false) {
			return io.NopCloser(io.MultiReader(bytes.NewReader(c.data[:100]), &failing{errors.New("connection reset")})), nil
		}
		return io.NopCloser(bytes.NewReader(c.data)), nil
	})
}

func newCounted(t *testing.T, sha string) *counted {
	return &counted{data: encode(t, thirds(90, 60), imagefmt.PNG), sha: sha}
}

func TestSourceDecodedOnce(t *testing.T) {
	p := New()
	a, b := newCounted(t, "aaaa"), newCounted(t, "bbbb")
	run := func(c *counted) {
		t.Helper()
		if _, err := p.Generate(context.Background(), newRequest("out.png", attrs("resize", "30x30"), c.ref())); err != nil {
			t.Fatal(err)
		}
	}
	run(a)
	run(a)
	run(a)
	if n := a.opens.Load(); n != 1 {
		t.Errorf("three variants of one source read it %d times, want once", n)
	}
	run(b)
	run(a)
	if na, nb := a.opens.Load(), b.opens.Load(); na != 2 || nb != 1 {
		t.Errorf("after another source, reads = %d and %d; want 2 and 1 (only the last source is kept)", na, nb)
	}
}

func TestSourceSharedByParallelCalls(t *testing.T) {
	p := New()
	c := newCounted(t, "cccc")
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = p.Generate(context.Background(), newRequest("out.webp", attrs("resize", "20x20"), c.ref()))
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if n := c.opens.Load(); n != 1 {
		t.Errorf("8 parallel variants read the source %d times, want once", n)
	}
}

func TestSourceFailureIsNotKept(t *testing.T) {
	p := New()
	c := newCounted(t, "dddd")
	c.fail.Store(true)
	req := newRequest("out.png", attrs("resize", "20x20"), c.ref())
	if _, err := p.Generate(context.Background(), req); err == nil {
		t.Fatal("a source whose bytes break off decoded")
	}
	if _, err := p.Generate(context.Background(), req); err != nil {
		t.Errorf("retry after a failed read: %v", err)
	}
	if n := c.opens.Load(); n != 2 {
		t.Errorf("source read %d times, want 2", n)
	}
}

func TestSourceWithoutHashIsNotKept(t *testing.T) {
	p := New()
	c := newCounted(t, "")
	for range 2 {
		if _, err := p.Generate(context.Background(), newRequest("out.png", attrs(), c.ref())); err != nil {
			t.Fatal(err)
		}
	}
	if n := c.opens.Load(); n != 2 {
		t.Errorf("a source without a hash was read %d times, want every time", n)
	}
}
