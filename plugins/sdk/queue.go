package sdk

import (
	"context"
	"slices"
	"sync"
)

// callQueue runs the Generate calls that carry slots (ImageRequest.slots)
// at most that many at once, the others waiting in arrival order. easel
// sends a few calls more than it lets run, so that when one call ends the
// next starts at once, in this process, instead of after the answer has
// crossed to easel and been written, and the next request has crossed
// back: at high parallelism that turnaround kept slots idle for
// milliseconds per image.
type callQueue struct {
	mu        sync.Mutex
	running   int
	waiting   []*queuedCall   // in arrival order
	withdrawn map[string]bool // batches whose unstarted calls are withdrawn
}

// queuedCall is a call waiting for a slot. ready receives true when the
// call is handed a slot, false when it is withdrawn.
type queuedCall struct {
	slots int
	batch string
	ready chan bool
}

// errWithdrawn ends a call withdrawn before it started.
var errWithdrawn = &Error{Kind: "withdrawn", Message: "withdrawn by easel before it started; nothing was sent to the vendor"}

// wait returns once the call holds one of slots (nil: release it with
// done), or its batch is withdrawn (errWithdrawn), or ctx ends (its
// error).
func (q *callQueue) wait(ctx context.Context, slots int, batch string) error {
	q.mu.Lock()
	switch {
	case q.withdrawn[batch]:
		q.mu.Unlock()
		return errWithdrawn
	case len(q.waiting) == 0 && q.running < slots:
		q.running++
		q.mu.Unlock()
		return nil
	}
	c := &queuedCall{slots: slots, batch: batch, ready: make(chan bool, 1)}
	q.waiting = append(q.waiting, c)
	q.mu.Unlock()
	select {
	case started := <-c.ready:
		if !started {
			return errWithdrawn
		}
		return nil
	case <-ctx.Done():
	}
	q.mu.Lock()
	i := slices.Index(q.waiting, c)
	if i >= 0 {
		q.waiting = slices.Delete(q.waiting, i, i+1)
	}
	q.mu.Unlock()
	if i < 0 && <-c.ready {
		q.done() // handed a slot as ctx ended: pass it on
	}
	return ctx.Err()
}

// done releases a slot, starting the calls waiting first while their
// slots allow.
func (q *callQueue) done() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.running--
	for len(q.waiting) > 0 && q.running < q.waiting[0].slots {
		q.running++
		q.waiting[0].ready <- true
		q.waiting = q.waiting[1:]
	}
}

// withdraw ends the batch's waiting calls, and any that arrive later, and
// reports how many were waiting.
func (q *callQueue) withdraw(batch string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.withdrawn == nil {
		q.withdrawn = map[string]bool{}
	}
	q.withdrawn[batch] = true
	n := 0
	q.waiting = slices.DeleteFunc(q.waiting, func(c *queuedCall) bool {
		if c.batch != batch {
			return false
		}
		c.ready <- false
		n++
		return true
	})
	return n
}
