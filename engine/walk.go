package engine

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// walk generates every create and regenerate change, starting an image only
// when the images it depends on are done, at most Parallelism at a time.
// It reports whether it was stopped before finishing.
func (a *applier) walk(ctx context.Context, plan *Plan) (interrupted bool) {
	work := map[*node]*Change{}
	for _, c := range plan.Changes {
		if c.Action.Generates() {
			work[a.p.byAddr[c.Address]] = c
		}
	}
	if len(work) == 0 {
		return false
	}
	waiting := map[*node]int{} // unfinished dependencies within this run
	for n := range work {
		for _, d := range n.deps {
			if work[d] != nil {
				waiting[n]++
			}
		}
	}
	// The group has no limit: the coordinator counts the slots itself. An
	// image frees its slots once its provider calls are over (freed) and is
	// done once its output and lockfile entry are persisted (done), so the
	// next call does not wait on the disk. At most persistLimit images are
	// started and not done, so a slow disk bounds the open files.
	g := &errgroup.Group{}
	freed := make(chan *node, len(work))
	done := make(chan *node, len(work))
	ready := readyNodes(work, waiting)
	remaining, running, started := len(work), 0, 0
	persistLimit := 2 * a.opts.Parallelism
	slots := map[*node]int{} // the slots each running image holds
	a.queued = a.queueDepth(work)
	if a.opts.StopIdleProviders {
		a.pending = map[string]int{}
		for _, c := range work {
			a.pending[c.Provider]++
		}
	}
	for remaining > 0 {
		for ready.Len() > 0 && running < a.opts.Parallelism+a.queued && started < persistLimit && !interrupted {
			n := heap.Pop(ready).(*node)
			if a.stopped(ctx) {
				interrupted = true
				break
			}
			c := work[n]
			if !a.reserve(c) {
				a.skipTree(n, work, "", &remaining)
				continue
			}
			slots[n] = a.slotsFor(c, a.opts.Parallelism-running)
			running += slots[n]
			started++
			a.start(ctx, g, freed, done, n, c, slots[n])
		}
		if interrupted || remaining == 0 {
			break
		}
		var n *node
		select {
		case n = <-freed:
			running -= slots[n]
			delete(slots, n)
			a.callsOver(work[n])
			continue
		case n = <-done:
		case <-a.stopChan():
			interrupted = true
			continue
		}
		started--
		remaining--
		for _, u := range a.release(n, work, waiting, &remaining, done) {
			heap.Push(ready, u)
		}
	}
	if interrupted {
		a.withdraw(ctx)
	}
	_ = g.Wait()
	close(done)
	if interrupted {
		a.skipUnstarted(work, notStarted)
	}
	return interrupted
}

// slotsFor is how many of the free slots an image takes: one, or for an
// image with candidates one per candidate while slots are free, so its
// candidates are generated side by side without passing Parallelism.
func (a *applier) slotsFor(c *Change, free int) int {
	return max(1, min(c.Candidates, free))
}

// start runs a generation in the group. It sends n on freed once its
// provider calls are over (at the latest when it ends), then on done; both
// are buffered for every image, so neither send blocks.
func (a *applier) start(ctx context.Context, g *errgroup.Group, freed, done chan<- *node, n *node, c *Change, slots int) {
	g.Go(func() error {
		free := sync.OnceFunc(func() { freed <- n })
		a.generate(ctx, n, c, slots, free)
		free()
		done <- n
		return nil
	})
}

// callsOver counts an image whose provider calls are over, or which will
// make none, and stops the provider once none of its images has calls to
// make (StopIdleProviders).
func (a *applier) callsOver(c *Change) {
	if a.pending == nil {
		return
	}
	a.pending[c.Provider]--
	if a.pending[c.Provider] == 0 {
		a.stopIdle(c.Provider)
	}
}

// stopIdle stops the process of a provider key with no call left to make:
// the instance's own process, or for a provider's default key the
// Project's. Nothing is left to withdraw from it either.
func (a *applier) stopIdle(key string) {
	a.mu.Lock()
	inst := a.instances[key]
	if inst != nil && inst.prov != nil && inst.prov == a.queuedTo {
		a.withdrawn = true
	}
	a.mu.Unlock()
	switch {
	case inst != nil && inst.own:
		a.p.stopProvider(inst.prov)
	case key == providerName(key):
		if prov := a.p.takeProvider(key); prov != nil {
			a.p.stopProvider(prov)
		}
	}
}

// release handles a finished node: its users become ready, or are skipped
// (transitively) when it failed.
func (a *applier) release(n *node, work map[*node]*Change, waiting map[*node]int, remaining *int, done chan<- *node) []*node {
	var ready []*node
	failed := a.result(n.addr()).Err != nil
	for _, u := range n.users {
		if work[u] == nil || a.result(u.addr()) != nil {
			continue
		}
		if failed {
			a.skipTree(u, work, n.addr(), remaining)
			continue
		}
		waiting[u]--
		if waiting[u] == 0 {
			ready = append(ready, u)
		}
	}
	return ready
}

// skipTree marks an image and everything downstream of it as skipped. An
// empty cause means the image itself would exceed the budget.
func (a *applier) skipTree(n *node, work map[*node]*Change, cause string, remaining *int) {
	if work[n] == nil || a.result(n.addr()) != nil {
		return
	}
	err := &skipError{why: "depends on " + cause + ", which did not succeed", reason: ErrUpstreamFailed}
	if cause == "" {
		err = &skipError{why: fmt.Sprintf("its estimate would take the spend past the budget of $%.2f", a.opts.MaxCostUSD), reason: ErrBudget}
		cause = n.addr()
	}
	a.finish(work[n], &Result{Output: work[n].Output, Err: err})
	a.callsOver(work[n])
	*remaining--
	for _, u := range n.users {
		a.skipTree(u, work, cause, remaining)
	}
}

func (a *applier) skipUnstarted(work map[*node]*Change, why *skipError) {
	nodes := make([]*node, 0, len(work))
	for n := range work {
		nodes = append(nodes, n)
	}
	sortNodes(nodes)
	for _, n := range nodes {
		if a.result(n.addr()) == nil {
			a.finish(work[n], &Result{Output: work[n].Output, Err: why})
		}
	}
}

// readyNodes returns the images with no unfinished dependencies, as a
// queue that hands them out in address order.
func readyNodes(work map[*node]*Change, waiting map[*node]int) *nodeQueue {
	q := &nodeQueue{}
	for n := range work {
		if waiting[n] == 0 {
			*q = append(*q, n)
		}
	}
	heap.Init(q)
	return q
}

// nodeQueue is a min-heap of nodes by address: ready work starts in a
// stable order, and pushing back or adding is O(log n) however many
// images are ready (sorting the whole list per completion was quadratic).
type nodeQueue []*node

func (q nodeQueue) Len() int           { return len(q) }
func (q nodeQueue) Less(i, j int) bool { return q[i].addr() < q[j].addr() }
func (q nodeQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *nodeQueue) Push(x any)        { *q = append(*q, x.(*node)) }
func (q *nodeQueue) Pop() any {
	old := *q
	n := old[len(old)-1]
	*q = old[:len(old)-1]
	return n
}

func sortNodes(ns []*node) {
	sort.Slice(ns, func(i, j int) bool { return ns[i].addr() < ns[j].addr() })
}

func (a *applier) stopped(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	select {
	case <-a.stopChan():
		return true
	default:
		return false
	}
}

func (a *applier) stopChan() <-chan struct{} {
	if a.opts.Stop == nil {
		return nil
	}
	return a.opts.Stop
}

func elapsedSince(t time.Time) time.Duration { return time.Since(t).Round(time.Millisecond) }

// reserve books an image's estimate against the budget; false means it
// would exceed it.
func (a *applier) reserve(c *Change) bool {
	if a.opts.MaxCostUSD <= 0 {
		return true
	}
	est := estimateOf(c)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.spent+a.committed+est > a.opts.MaxCostUSD+1e-9 {
		return false
	}
	a.committed += est
	return true
}

// unreserve returns the estimate booked for an image that did not start
// after all.
func (a *applier) unreserve(c *Change) {
	if a.opts.MaxCostUSD <= 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.committed -= estimateOf(c)
}

// spend moves a finished image from booked to spent: its actual cost, or
// its estimate when the provider did not report one.
func (a *applier) spend(c *Change, r *Result) {
	if a.opts.MaxCostUSD <= 0 || !c.Action.Generates() || errors.Is(r.Err, ErrSkipped) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.committed -= estimateOf(c)
	switch {
	case r.CostUSD != nil:
		a.spent += *r.CostUSD
	case r.Err == nil || r.BilledRetries > 0:
		a.spent += estimateOf(c)
	}
}

func estimateOf(c *Change) float64 {
	if c.Estimate.USD == nil {
		return 0
	}
	return *c.Estimate.USD
}
