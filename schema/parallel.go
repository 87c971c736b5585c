package schema

import (
	"runtime"
	"sync/atomic"

	"golang.org/x/sync/errgroup"
)

// parallelChunk is how many consecutive indexes a worker takes at a time:
// an image evaluates in tens of microseconds, too little for one each.
const parallelChunk = 64

// forEachIndex calls f for every index in [0, n) on every core and returns
// when all calls have. f must be safe for concurrent use; callers write
// results to their own slot of a slice, so order stays the caller's.
func forEachIndex(n int, f func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), (n+parallelChunk-1)/parallelChunk)
	if workers <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var g errgroup.Group
	for range workers {
		g.Go(func() error {
			for {
				start := int(next.Add(parallelChunk)) - parallelChunk
				if start >= n {
					return nil
				}
				for i := start; i < min(start+parallelChunk, n); i++ {
					f(i)
				}
			}
		})
	}
	_ = g.Wait()
}
