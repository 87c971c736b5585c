package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/easelhq/easel/internal/testwait"
	"github.com/easelhq/easel/plugins"
)

// distinctImages is n images on the fake provider, each with its own
// prompt, so none reuses another's output.
func distinctImages(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "image \"i%02d\" {\n  provider = fake\n  prompt = \"picture %d\"\n  size = \"4x4\"\n  output = \"o/%02d.png\"\n}\n", i, i, i)
	}
	return b.String()
}

// A provider that queues calls is handed up to half of Parallelism more
// calls than it may run, so the next starts as soon as one ends; no more
// than Parallelism ever run, and each image starts (its event) once,
// when its call leaves the queue.
func TestQueuedCallsStartAheadWithinParallelism(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": distinctImages(24)})
	fake := newFakeProvider()
	fake.queues = true
	fake.onCall = func(*plugins.ImageRequest) { time.Sleep(10 * time.Millisecond) }
	p, pl := plan(t, dir, fake, PlanOptions{})
	var mu sync.Mutex
	events := map[string][]EventKind{}
	res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 4, OnEvent: func(ev Event) {
		mu.Lock()
		events[ev.Address] = append(events[ev.Address], ev.Kind)
		mu.Unlock()
	}})
	if err != nil || res.Done != 24 || fake.callCount() != 24 {
		t.Fatalf("apply: %v, done %d of 24 with %d calls", err, res.Done, fake.callCount())
	}
	if peak := fake.running.Peak(); peak > 4 {
		t.Errorf("%d calls ran at once at parallelism 4", peak)
	}
	if held := fake.held.Peak(); held <= 4 || held > 6 {
		t.Errorf("the provider held at most %d calls at once; want 5 or 6 (4 running, up to 2 waiting)", held)
	}
	for addr, kinds := range events {
		if len(kinds) != 2 || kinds[0] != EventStart || kinds[1] != EventDone {
			t.Errorf("%s: events %v, want [start done]", addr, kinds)
		}
	}
}

// A stop withdraws the calls waiting in the provider's queue: they never
// run, and end as not started, like the images never handed out.
func TestStopWithdrawsQueuedCalls(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": distinctImages(8)})
	fake := newFakeProvider()
	fake.queues = true
	release := make(chan struct{})
	fake.onCall = func(*plugins.ImageRequest) { <-release }
	p, pl := plan(t, dir, fake, PlanOptions{})
	stop := make(chan struct{})
	done := make(chan *ApplyResult, 1)
	go func() {
		res, err := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 2, Stop: stop, MaxCostUSD: 1})
		if err != nil {
			t.Error(err)
		}
		done <- res
	}()
	testwait.Until(t, "two calls running and one waiting", func() bool { return fake.held.Now() == 3 })
	close(stop)
	testwait.Until(t, "the waiting call withdrawn", func() bool { return fake.held.Now() == 2 })
	close(release)
	res := <-done
	if res.Done != 2 || res.Skipped != 6 || !res.Interrupted {
		t.Fatalf("done %d, skipped %d, interrupted %v; want 2 done and 6 not started", res.Done, res.Skipped, res.Interrupted)
	}
	if n := fake.callCount(); n != 2 {
		t.Errorf("%d calls ran; want the 2 running at the stop", n)
	}
	for _, r := range res.Results {
		if r.Err != nil && !errors.Is(r.Err, ErrInterrupted) {
			t.Errorf("%s: %v; want not started", r.Address, r.Err)
		}
	}
}

// A provider out of quota has its waiting calls withdrawn: they are
// skipped as "provider stopped", not sent to fail one by one.
func TestQuotaWithdrawsQueuedCalls(t *testing.T) {
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": distinctImages(6)})
	fake := newFakeProvider()
	fake.queues = true
	gate := make(chan struct{})
	fake.onCall = func(*plugins.ImageRequest) { <-gate }
	for _, a := range []string{"i00", "i01", "i02", "i03", "i04", "i05"} {
		fake.failFor["image."+a] = &plugins.GenerateError{Kind: plugins.ErrQuota, Message: "out of credits"}
	}
	p, pl := plan(t, dir, fake, PlanOptions{})
	done := make(chan *ApplyResult, 1)
	go func() {
		res, _ := p.Apply(context.Background(), pl, ApplyOptions{Parallelism: 2})
		done <- res
	}()
	testwait.Until(t, "two calls running and one waiting", func() bool { return fake.held.Now() == 3 })
	close(gate)
	res := <-done
	calls := fake.callCount()
	// A slot freed by the first failure may pass to the waiting call
	// before easel hears of the quota, as it would without a queue.
	if calls < 2 || calls > 3 {
		t.Fatalf("%d calls ran; want the 2 running, and at most the 1 waiting", calls)
	}
	stopped := 0
	for _, r := range res.Results {
		if errors.Is(r.Err, ErrProviderStopped) {
			stopped++
		}
	}
	if res.Failed != calls || stopped != 6-calls {
		t.Fatalf("failed %d, skipped as provider stopped %d; want %d and %d", res.Failed, stopped, calls, 6-calls)
	}
}
