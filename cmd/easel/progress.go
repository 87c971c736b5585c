package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/engine"
)

// progress shows an apply as it runs: on a terminal, a status line
// (done/total, running, failed, elapsed) redrawn in place below the
// finished images; otherwise one plain line per finished image; with
// -json, one JSON object per event.
type progress struct {
	w       io.Writer
	tty     bool
	asJSON  bool
	colour  bool
	total   int
	now     func() time.Time
	started time.Time

	mu        sync.Mutex
	running   map[string]bool
	finished  int
	failed    int
	skipped   map[string]bool // not attempted: an image they depend on failed
	unstarted map[string]bool // not started because of Ctrl-C
	cancel    bool            // Ctrl-C was pressed twice: running images are cancelled
	cancelled map[string]bool // failed because they were cancelled
	status    bool            // a status line is on screen

	tick chan struct{} // closed by end to stop the redraw loop
	wg   sync.WaitGroup
}

func (a *app) newProgress(plan *engine.Plan, asJSON bool) *progress {
	total := 0
	for _, c := range plan.Changes {
		if c.Action != engine.Drift && c.Action != engine.NoOp {
			total++
		}
	}
	return &progress{w: a.stdout, tty: !asJSON && isTerminal(a.stdout), asJSON: asJSON,
		colour: a.colour(a.stdout), total: total, now: time.Now, running: map[string]bool{}, skipped: map[string]bool{}, unstarted: map[string]bool{}, cancelled: map[string]bool{}}
}

// begin starts the clock and, on a terminal, the redraw loop.
func (p *progress) begin() {
	p.started = p.now()
	if !p.tty {
		return
	}
	p.tick = make(chan struct{})
	p.wg.Go(func() {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				p.mu.Lock()
				p.redraw()
				p.mu.Unlock()
			case <-p.tick:
				return
			}
		}
	})
}

// end stops the redraw loop and clears the status line.
func (p *progress) end() {
	if p.tick != nil {
		close(p.tick)
		p.wg.Wait()
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
}

// event is engine.ApplyOptions.OnEvent.
func (p *progress) event(ev engine.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	quiet := p.count(ev)
	switch {
	case p.asJSON:
		_ = json.NewEncoder(p.w).Encode(jsonEventOf(ev, p.finished, p.total))
		return
	case p.cancelled[ev.Address]:
		p.println(ev.Address + ": cancelled")
	case ev.Kind != engine.EventStart && !quiet:
		p.println(eventLine(ev, p.colour))
		if ev.Result != nil {
			for _, w := range ev.Result.Warnings {
				p.println(fmt.Sprintf("%s: warning: %s", ev.Address, w))
			}
		}
	}
	p.redraw()
}

// count updates the tallies for an event. It reports whether the event is
// summed up at the end rather than shown on a line of its own: the images
// not started after Ctrl-C.
func (p *progress) count(ev engine.Event) (quiet bool) {
	if ev.Kind == engine.EventStart {
		p.running[ev.Address] = true
		return false
	}
	delete(p.running, ev.Address)
	p.finished++
	switch {
	case ev.Kind == engine.EventFailed && p.cancel:
		p.cancelled[ev.Address] = true
	case ev.Kind == engine.EventFailed:
		p.failed++
	case ev.Kind == engine.EventSkipped && errors.Is(ev.Err, engine.ErrInterrupted):
		// By the engine's reason, not by our own notice of the stop: the
		// engine may see the signal and skip the rest before we do.
		p.unstarted[ev.Address] = true
		return true
	case ev.Kind == engine.EventSkipped:
		p.skipped[ev.Address] = true
	}
	return false
}

// outcome sorts out the images that did not succeed for another reason
// than their own failure: skipped because an image they depend on failed,
// not started after Ctrl-C, or cancelled by a second Ctrl-C.
func (p *progress) outcome() outcome {
	p.mu.Lock()
	defer p.mu.Unlock()
	return outcome{skipped: maps.Clone(p.skipped), unstarted: maps.Clone(p.unstarted), cancelled: maps.Clone(p.cancelled)}
}

type outcome struct {
	skipped, unstarted, cancelled map[string]bool
}

// interrupted tells the user what the first Ctrl-C does.
func (p *progress) interrupted() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.message(fmt.Sprintf("Interrupted: finishing %s; press Ctrl-C again to cancel them.",
		plural(len(p.running), "running image", "running images")))
}

func (p *progress) cancelling() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cancel = true
	p.message(fmt.Sprintf("Cancelling %s.", plural(len(p.running), "running image", "running images")))
}

func (p *progress) message(s string) {
	if p.asJSON {
		_ = json.NewEncoder(p.w).Encode(jsonInterrupt{Type: "interrupt", FormatVersion: jsonFormatVersion, Message: s})
		return
	}
	p.println(s)
	p.redraw()
}

// println prints a line above the status line.
func (p *progress) println(s string) {
	p.clear()
	fmt.Fprintln(p.w, s)
}

func (p *progress) clear() {
	if p.status {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.status = false
	}
}

func (p *progress) redraw() {
	if !p.tty {
		return
	}
	line := fmt.Sprintf("[%d/%d] %d running, %d failed, %s elapsed",
		p.finished, p.total, len(p.running), p.failed, formatElapsed(p.now().Sub(p.started)))
	fmt.Fprint(p.w, "\r\x1b[K"+paint(line, ansiBold, p.colour))
	p.status = true
}

// eventLine is one finished image in plain text:
// "image.hero: created (1536x1024, 48 KB, 0.4s)".
func eventLine(ev engine.Event, colour bool) string {
	switch ev.Kind {
	case engine.EventFailed:
		return fmt.Sprintf("%s: %s: %v", ev.Address, paint("failed", ansiRed, colour), ev.Err)
	case engine.EventSkipped:
		return fmt.Sprintf("%s: %v", ev.Address, ev.Err)
	}
	r := ev.Result
	switch ev.Action {
	case engine.Delete:
		return ev.Address + ": deleted"
	case engine.Move:
		return fmt.Sprintf("%s: moved to %s", ev.Address, r.Output)
	case engine.Restore:
		return fmt.Sprintf("%s: restored %s from the cache", ev.Address, r.Output)
	}
	var details []string
	if r != nil && r.Width > 0 {
		details = append(details, fmt.Sprintf("%dx%d", r.Width, r.Height))
	}
	if r != nil && r.Bytes > 0 {
		details = append(details, formatBytes(r.Bytes))
	}
	details = append(details, formatElapsed(ev.Elapsed))
	return fmt.Sprintf("%s: %s (%s)", ev.Address, pastTense(ev.Action), strings.Join(details, ", "))
}

func pastTense(a engine.Action) string {
	switch a {
	case engine.Create:
		return "created"
	case engine.Regenerate:
		return "regenerated"
	case engine.Move:
		return "moved"
	case engine.Restore:
		return "restored"
	case engine.Delete:
		return "deleted"
	}
	return string(a)
}

// formatBytes shows a size as "812 B", "1.2 KB", "48 KB" or "3.4 MB".
func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, suffix := float64(n)/unit, "KB"
	if f >= unit {
		f, suffix = f/unit, "MB"
	}
	if f < 10 {
		return fmt.Sprintf("%.1f %s", f, suffix)
	}
	return fmt.Sprintf("%.0f %s", f, suffix)
}

// formatElapsed shows a duration as "0.4s", "12s" or "2m05s".
func formatElapsed(d time.Duration) string {
	switch {
	case d < 10*time.Second:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Minute:
		return fmt.Sprintf("%.0fs", d.Seconds())
	}
	d = d.Round(time.Second)
	return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
}
