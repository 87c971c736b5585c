package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/easelhq/easel/engine"
)

// TestInterruptedSkipsCountAsNotStarted checks that images the engine
// skips because of Ctrl-C are summed up as not started even when the
// engine reports them before the display has noticed the interrupt.
func TestInterruptedSkipsCountAsNotStarted(t *testing.T) {
	p := &progress{running: map[string]bool{}, skipped: map[string]bool{}, unstarted: map[string]bool{}, cancelled: map[string]bool{}}
	interrupted := fmt.Errorf("skipped: %w", engine.ErrInterrupted)
	if quiet := p.count(engine.Event{Kind: engine.EventSkipped, Address: "image.a", Err: interrupted}); !quiet {
		t.Error("an image not started after Ctrl-C got a line of its own")
	}
	p.count(engine.Event{Kind: engine.EventSkipped, Address: "image.b", Err: errors.New("skipped: image.a failed")})
	if !p.unstarted["image.a"] || p.skipped["image.a"] || !p.skipped["image.b"] {
		t.Errorf("unstarted %v, skipped %v; want image.a not started and image.b skipped", p.unstarted, p.skipped)
	}
}
