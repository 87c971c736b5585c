package fakeapi

import (
	"context"
	"math/rand/v2"
	"sync"
	"time"
)

// faultDice draws a fake's faults, latencies and ids from one seeded
// source, so a run is reproducible. It is safe for concurrent use.
type faultDice struct {
	mu   sync.Mutex
	rng  *rand.Rand
	seen map[string]int // requests that reached each fault, for Fault.First
}

// newFaultDice seeds a PCG source with seed and seed^stream: fakes keep
// their own stream so each one's draws stay what they were.
func newFaultDice(seed, stream uint64) *faultDice {
	return &faultDice{rng: rand.New(rand.NewPCG(seed, seed^stream)), seen: map[string]int{}}
}

// diceStream is the stream of the fakes other than OpenAI's.
const diceStream = 0xd1ce_0f_fa17

// draw reports whether a request that reached the named fault gets it.
func (d *faultDice) draw(name string, f Fault) bool {
	if f.First <= 0 && f.Rate <= 0 {
		return false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[name]++
	if d.seen[name] <= f.First {
		return true
	}
	return f.Rate > 0 && d.rng.Float64() < f.Rate
}

// intn returns a number in [0, n).
func (d *faultDice) intn(n int) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.rng.IntN(n)
}

// hex returns n random lower-case hex digits.
func (d *faultDice) hex(n int) string {
	const digits = "0123456789abcdef"
	d.mu.Lock()
	defer d.mu.Unlock()
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[d.rng.IntN(16)]
	}
	return string(b)
}

// latency draws a latency from [lo, hi] (lo when hi is not larger).
func (d *faultDice) latency(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return lo + time.Duration(d.rng.Int64N(int64(hi-lo+1)))
}

// wait sleeps a latency drawn from [lo, hi] (lo when hi is not larger);
// false if ctx ended first (the client went away).
func (d *faultDice) wait(ctx context.Context, lo, hi time.Duration) bool {
	delay := d.latency(lo, hi)
	if delay <= 0 {
		return true
	}
	t := time.NewTimer(delay)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// callLog keeps what a fake has seen: counters and the most recent
// records. It is safe for concurrent use.
type callLog[T any] struct {
	mu       sync.Mutex
	max      int
	requests int
	images   int
	byStatus map[int]int
	records  []T
}

func newCallLog[T any](max int) *callLog[T] {
	if max <= 0 {
		max = 1000
	}
	return &callLog[T]{max: max, byStatus: map[int]int{}}
}

// add records one answered request and the real images it returned.
func (l *callLog[T]) add(rec T, status, images int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.requests++
	l.images += images
	l.byStatus[status]++
	l.records = append(l.records, rec)
	if extra := len(l.records) - l.max; extra > 0 {
		l.records = append(l.records[:0:0], l.records[extra:]...)
	}
}

// stats returns the counters with requests as Generations.
func (l *callLog[T]) stats() Stats {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := Stats{Generations: l.requests, Images: l.images, ByStatus: map[int]int{}}
	for k, v := range l.byStatus {
		s.ByStatus[k] = v
	}
	return s
}

func (l *callLog[T]) received() []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.records...)
}
