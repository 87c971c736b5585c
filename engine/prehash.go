package engine

import (
	"context"
	"runtime"
	"sync/atomic"

	"github.com/easelhq/easel/schema"
	"golang.org/x/sync/errgroup"
)

// A plan reads every reference and output of every image. The planner
// walks images in dependency order, one at a time, but the files can be
// statted and hashed in any order: prehash does that up front on every
// core, and the walk then finds each answer in fileSums. A file named by
// thousands of images (a shared brand reference) is statted once per plan.

// hashed is what hashing one file gave.
type hashed struct {
	sum  string
	size int64
	err  error
}

// prehash hashes, through the stat cache and in parallel, the file
// references and outputs (current and locked) of nodes.
func (pl *planner) prehash(ctx context.Context, nodes []*node) {
	paths := pl.planFiles(nodes)
	sums := make([]hashed, len(paths))
	var next atomic.Int64
	g, ctx := errgroup.WithContext(ctx)
	for range min(hashWorkers(), len(paths)) {
		g.Go(func() error {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(paths) {
					return nil
				}
				s := &sums[i]
				s.sum, s.size, s.err = pl.p.stat.hash(paths[i])
			}
			return ctx.Err()
		})
	}
	if g.Wait() != nil {
		return // cancelled: the walk hashes what it needs itself
	}
	for i, p := range paths {
		pl.sums[p] = sums[i]
	}
}

// hashWorkers is how many files are hashed at once: hashing is CPU bound
// for large files and stat-bound for small ones, so a few more than cores.
func hashWorkers() int {
	return 2 * runtime.GOMAXPROCS(0)
}

// planFiles lists, without duplicates, the absolute paths of the file
// references and outputs a plan of nodes reads.
func (pl *planner) planFiles(nodes []*node) []string {
	seen := make(map[string]bool, len(nodes)+1)
	var paths []string
	add := func(rel string) {
		abs := pl.p.abs(rel)
		if !seen[abs] {
			seen[abs] = true
			paths = append(paths, abs)
		}
	}
	for _, n := range nodes {
		for _, ref := range n.inst.References {
			if ref.Kind == schema.RefFile {
				add(ref.Value)
			}
		}
		// Outputs are read only for images in the lockfile: a new image is
		// created without looking at its path.
		if le := pl.p.Lock.Image(n.addr()); le != nil {
			add(n.inst.Output)
			if le.Output != "" {
				add(le.Output)
			}
		}
	}
	return paths
}

// hash is the stat cache's answer for path, asked once per plan.
func (pl *planner) hash(path string) (string, int64, error) {
	if s, ok := pl.sums[path]; ok {
		return s.sum, s.size, s.err
	}
	sum, size, err := pl.p.stat.hash(path)
	pl.sums[path] = hashed{sum, size, err}
	return sum, size, err
}
