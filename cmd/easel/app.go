package main

import (
	"context"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"golang.org/x/term"
)

// app is one invocation of easel: its streams, its environment and the
// global flags. Everything a command reads from outside comes through it.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            []string
	chdir          string // global -chdir
	intr           *interrupts
}

// getenv looks a variable up in the invocation's environment.
func (a *app) getenv(key string) string {
	v, _ := lookupEnv(a.env, key)
	return v
}

// dir is the project directory: -chdir, or the working directory.
func (a *app) dir() string {
	if a.chdir == "" {
		return "."
	}
	return a.chdir
}

// inDir resolves a path the user gave relative to the project directory,
// as if easel had changed into it first (Terraform's -chdir semantics).
func (a *app) inDir(path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(a.dir(), path)
}

// isTerminal reports whether a stream is an interactive terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(int(f.Fd()))
}

// colour reports whether output on w may use ANSI colours: only on a
// terminal, and never with NO_COLOR set or TERM=dumb.
func (a *app) colour(w io.Writer) bool {
	if _, set := lookupEnv(a.env, "NO_COLOR"); set {
		return false
	}
	return isTerminal(w) && a.getenv("TERM") != "dumb"
}

func lookupEnv(env []string, key string) (string, bool) {
	for i := len(env) - 1; i >= 0; i-- {
		if k, v, ok := strings.Cut(env[i], "="); ok && k == key {
			return v, true
		}
	}
	return "", false
}

// width is the terminal width of w, or 78 when it is not a terminal.
func width(w any) int {
	if f, ok := w.(interface{ Fd() uintptr }); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			return cols
		}
	}
	return 78
}

// interrupts dispatches Ctrl-C. By default the first interrupt cancels the
// run; apply installs its own handler (stop new work first, then cancel).
type interrupts struct {
	cancel context.CancelFunc

	mu      sync.Mutex
	count   int
	handler func(n int) // n is 1 for the first interrupt
}

// watchInterrupts returns a context cancelled by Ctrl-C (or SIGTERM) and a
// function that stops watching.
func watchInterrupts(parent context.Context) (context.Context, *interrupts, func()) {
	ctx, cancel := context.WithCancel(parent)
	in := &interrupts{cancel: cancel}
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case <-ch:
				in.fire()
			case <-done:
				return
			}
		}
	}()
	return ctx, in, func() {
		signal.Stop(ch)
		close(done)
		cancel()
	}
}

func (in *interrupts) fire() {
	in.mu.Lock()
	in.count++
	n, h := in.count, in.handler
	in.mu.Unlock()
	if h == nil {
		in.cancel()
		return
	}
	h(n)
}

// handle installs h for the following interrupts; nil restores the default.
func (in *interrupts) handle(h func(n int)) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.handler = h
}

// happened reports whether Ctrl-C was pressed.
func (in *interrupts) happened() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.count > 0
}
