// Package testcount counts, in tests, the calls that run at once: a fake
// provider or transport enters a Gauge when a call starts and leaves it
// when the call ends, and the test asserts on the peak. It is imported
// only from _test.go files.
package testcount

import "sync"

// Gauge counts the calls running now and the most that ever ran at once.
// The zero value is ready; it is safe for concurrent use.
type Gauge struct {
	mu        sync.Mutex
	now, peak int
}

// Enter counts a call in and returns how many run now, itself included.
func (g *Gauge) Enter() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.now++
	g.peak = max(g.peak, g.now)
	return g.now
}

// Leave counts a call out.
func (g *Gauge) Leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.now == 0 {
		panic("testcount: Leave without Enter")
	}
	g.now--
}

// Now is how many calls run now.
func (g *Gauge) Now() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.now
}

// Peak is the most calls that ever ran at once.
func (g *Gauge) Peak() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.peak
}
