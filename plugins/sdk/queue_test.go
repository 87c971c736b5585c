package sdk

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/easelhq/easel/internal/testcount"
	"github.com/easelhq/easel/internal/testwait"
	pb "github.com/easelhq/easel/plugins/proto"
)

// queuedRun is one Generate call with slots, run in the background.
type queuedRun struct {
	stream *fakeStream
	done   chan error
}

func startQueued(ctx context.Context, srv *server, name string, slots int32, batch string) *queuedRun {
	h := header()
	h.GetHeader().Address = name
	h.GetHeader().Slots, h.GetHeader().Batch = slots, batch
	r := &queuedRun{stream: &fakeStream{ctx: ctx, in: []*pb.Generate_ClientMessage{h, end}}, done: make(chan error, 1)}
	go func() { r.done <- srv.Generate(r.stream) }()
	return r
}

func (r *queuedRun) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-r.done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("a Generate call never ended")
		return nil
	}
}

// waiting is how many calls wait for a slot.
func (s *server) waiting() int {
	s.queue.mu.Lock()
	defer s.queue.mu.Unlock()
	return len(s.queue.waiting)
}

// blockingProvider records the order calls reach it and holds each until
// released.
type blockingProvider struct {
	mu      sync.Mutex
	order   []string
	running testcount.Gauge
	release chan struct{}
	img     []byte
}

func (b *blockingProvider) generate(ctx context.Context, r *Request) (*Response, error) {
	b.mu.Lock()
	b.order = append(b.order, r.Address)
	b.mu.Unlock()
	b.running.Enter()
	defer b.running.Leave()
	select {
	case <-b.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return &Response{Image: bytes.NewReader(b.img)}, nil
}

func (b *blockingProvider) reached() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.order...)
}

// Calls with slots run at most that many at once and start in the order
// they arrived, each told it started before anything else; the image and
// result follow as for any call.
func TestQueuedCallsRunInOrderWithinSlots(t *testing.T) {
	bp := &blockingProvider{release: make(chan struct{}), img: pngBytes(t, 4, 4)}
	srv, _ := newTestServer(t, bp.generate)
	var runs []*queuedRun
	for i := range 5 {
		runs = append(runs, startQueued(t.Context(), srv, fmt.Sprintf("image.q%d", i), 2, "b1"))
		// One at a time, so the arrival order is known.
		testwait.Until(t, "the call to arrive", func() bool { return len(bp.reached())+srv.waiting() == i+1 })
	}
	// One at a time, so each freed slot goes to the next waiting call.
	for i := range 3 {
		bp.release <- struct{}{}
		testwait.Until(t, "the next call to start", func() bool { return len(bp.reached()) == 3+i })
	}
	bp.release <- struct{}{}
	bp.release <- struct{}{}
	for i, r := range runs {
		if err := r.wait(t); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		sent := r.stream.sent
		if len(sent) < 3 || sent[0].GetStarted() == nil || sent[len(sent)-1].GetResult() == nil {
			t.Fatalf("call %d sent %v; want started, the image, the result", i, sent)
		}
	}
	want := []string{"image.q0", "image.q1", "image.q2", "image.q3", "image.q4"}
	if got := bp.reached(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("calls reached the provider in the order %v, want %v", got, want)
	}
	if peak := bp.running.Peak(); peak != 2 {
		t.Errorf("%d calls ran at once with 2 slots", peak)
	}
}

// Withdraw ends a batch's waiting calls, and those arriving later, as
// "withdrawn" without running them; calls running and other batches go on.
func TestWithdrawEndsOnlyTheBatchsWaitingCalls(t *testing.T) {
	bp := &blockingProvider{release: make(chan struct{}), img: pngBytes(t, 4, 4)}
	srv, _ := newTestServer(t, bp.generate)
	running := startQueued(t.Context(), srv, "image.running", 1, "b1")
	testwait.Until(t, "the first call to run", func() bool { return len(bp.reached()) == 1 })
	waiting := startQueued(t.Context(), srv, "image.waiting", 1, "b1")
	other := startQueued(t.Context(), srv, "image.other", 1, "b2")
	testwait.Until(t, "two calls to wait", func() bool { return srv.waiting() == 2 })
	resp, err := srv.Withdraw(t.Context(), &pb.Withdraw_Request{Batch: "b1"})
	if err != nil || resp.Withdrawn != 1 {
		t.Fatalf("Withdraw: %v, %d withdrawn; want 1", err, resp.GetWithdrawn())
	}
	late := startQueued(t.Context(), srv, "image.late", 1, "b1")
	for name, r := range map[string]*queuedRun{"waiting": waiting, "late": late} {
		if err := r.wait(t); err != nil {
			t.Fatal(err)
		}
		if len(r.stream.sent) != 1 || r.stream.sent[0].GetError().GetKind() != "withdrawn" {
			t.Errorf("%s call sent %v; want only a withdrawn error", name, r.stream.sent)
		}
	}
	bp.release <- struct{}{}
	bp.release <- struct{}{}
	for _, r := range []*queuedRun{running, other} {
		if err := r.wait(t); err != nil || r.stream.sent[len(r.stream.sent)-1].GetResult() == nil {
			t.Fatalf("a call not withdrawn: %v, sent %v", err, r.stream.sent)
		}
	}
	if got := bp.reached(); fmt.Sprint(got) != "[image.running image.other]" {
		t.Errorf("calls that reached the provider: %v", got)
	}
}

// A waiting call whose stream is cancelled leaves the queue without
// taking a slot from the calls behind it.
func TestCancelledWaitingCallLeavesTheQueue(t *testing.T) {
	bp := &blockingProvider{release: make(chan struct{}), img: pngBytes(t, 4, 4)}
	srv, _ := newTestServer(t, bp.generate)
	first := startQueued(t.Context(), srv, "image.first", 1, "b")
	testwait.Until(t, "the first call to run", func() bool { return len(bp.reached()) == 1 })
	ctx, cancel := context.WithCancel(t.Context())
	cancelled := startQueued(ctx, srv, "image.cancelled", 1, "b")
	testwait.Until(t, "a call to wait", func() bool { return srv.waiting() == 1 })
	cancel()
	if err := cancelled.wait(t); status.Code(err) != codes.Canceled || len(cancelled.stream.sent) != 0 {
		t.Fatalf("cancelled waiting call: %v, sent %v; want Canceled and nothing sent", err, cancelled.stream.sent)
	}
	last := startQueued(t.Context(), srv, "image.last", 1, "b")
	testwait.Until(t, "the last call to wait", func() bool { return srv.waiting() == 1 })
	bp.release <- struct{}{}
	bp.release <- struct{}{}
	for _, r := range []*queuedRun{first, last} {
		if err := r.wait(t); err != nil {
			t.Fatal(err)
		}
	}
	if got := bp.reached(); fmt.Sprint(got) != "[image.first image.last]" {
		t.Errorf("calls that reached the provider: %v", got)
	}
}
