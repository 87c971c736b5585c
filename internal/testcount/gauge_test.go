package testcount

import (
	"sync"
	"testing"
)

// Calls that overlap are counted together; the peak stays after they end.
func TestGaugePeak(t *testing.T) {
	var g Gauge
	inside := make(chan struct{})
	release := make(chan struct{})
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			g.Enter()
			defer g.Leave()
			inside <- struct{}{}
			<-release
		})
	}
	for range 3 {
		<-inside
	}
	if n := g.Now(); n != 3 {
		t.Errorf("%d calls running, want 3", n)
	}
	close(release)
	wg.Wait()
	if g.Now() != 0 || g.Peak() != 3 {
		t.Errorf("after the calls: %d running, peak %d; want 0 and 3", g.Now(), g.Peak())
	}
	if n := g.Enter(); n != 1 {
		t.Errorf("Enter counted %d running, want 1", n)
	}
	if g.Peak() != 3 {
		t.Errorf("peak %d after a lone call, want 3", g.Peak())
	}
}

func TestLeaveWithoutEnterPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Leave without Enter did not panic")
		}
	}()
	var g Gauge
	g.Leave()
}
