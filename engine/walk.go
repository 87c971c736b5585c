package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
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
	g := &errgroup.Group{}
	g.SetLimit(a.opts.Parallelism)
	done := make(chan *node, len(work))
	ready := readyNodes(work, waiting)
	remaining := len(work)
	for remaining > 0 {
		for len(ready) > 0 && !interrupted {
			n := ready[0]
			ready = ready[1:]
			if a.stopped(ctx) {
				interrupted = true
				break
			}
			c := work[n]
			if !a.reserve(c) {
				a.skipTree(n, work, "", &remaining)
				continue
			}
			if !a.tryGo(ctx, g, done, n, c) {
				a.unreserve(c)
				ready = append([]*node{n}, ready...)
				break
			}
		}
		if interrupted || remaining == 0 {
			break
		}
		var n *node
		select {
		case n = <-done:
		case <-a.stopChan():
			interrupted = true
			continue
		}
		remaining--
		ready = append(ready, a.release(n, work, waiting, &remaining, done)...)
		sortNodes(ready)
	}
	_ = g.Wait()
	close(done)
	if interrupted {
		a.skipUnstarted(work, &skipError{why: "apply was interrupted before it started", reason: ErrInterrupted})
	}
	return interrupted
}

// tryGo starts a generation if the group has room, without blocking (a
// blocked coordinator could not collect finished work).
func (a *applier) tryGo(ctx context.Context, g *errgroup.Group, done chan<- *node, n *node, c *Change) bool {
	return g.TryGo(func() error {
		a.generate(ctx, n, c)
		done <- n
		return nil
	})
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

func readyNodes(work map[*node]*Change, waiting map[*node]int) []*node {
	var ready []*node
	for n := range work {
		if waiting[n] == 0 {
			ready = append(ready, n)
		}
	}
	sortNodes(ready)
	return ready
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

func (a *applier) unreserve(c *Change) {
	if a.opts.MaxCostUSD <= 0 {
		return
	}
	a.mu.Lock()
	a.committed -= estimateOf(c)
	a.mu.Unlock()
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
