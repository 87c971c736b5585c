package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

// scriptFakes runs at most one in-process fake vendor API of one kind per
// script, for the fakeoakgen and fakebfl commands. It belongs to one
// TestScripts run, not to the package.
type scriptFakes[T http.Handler] struct {
	name string // the command's name, for messages
	env  string // the script variable that receives the base URL

	mu    sync.Mutex
	fakes map[*testscript.TestScript]T
}

// start serves fake until the script ends and sets the script variable to
// its base URL.
func (s *scriptFakes[T]) start(ts *testscript.TestScript, fake T) {
	srv := httptest.NewServer(fake)
	s.mu.Lock()
	if s.fakes == nil {
		s.fakes = map[*testscript.TestScript]T{}
	}
	if _, ok := s.fakes[ts]; ok {
		s.mu.Unlock()
		srv.Close()
		ts.Fatalf("%s start: a fake is already running in this script", s.name)
	}
	s.fakes[ts] = fake
	s.mu.Unlock()
	ts.Defer(func() {
		srv.Close()
		s.mu.Lock()
		delete(s.fakes, ts)
		s.mu.Unlock()
	})
	ts.Setenv(s.env, srv.URL)
}

// running returns the script's fake, or fails the script.
func (s *scriptFakes[T]) running(ts *testscript.TestScript) T {
	s.mu.Lock()
	defer s.mu.Unlock()
	fake, ok := s.fakes[ts]
	if !ok {
		ts.Fatalf("no fake is running: use %s start first", s.name)
	}
	return fake
}

// countCalls is the "calls" subcommand: [-method M] [-status CODE] N
// checks how many recorded requests match.
func countCalls[R any](ts *testscript.TestScript, neg bool, name string, args []string, records []R, method func(R) string, status func(R) int) {
	fs := flag.NewFlagSet(name+" calls", flag.ContinueOnError)
	fs.SetOutput(ts.Stderr())
	m := fs.String("method", "", "count only requests with this method (POST: submissions, GET: polls)")
	st := fs.Int("status", -1, "count only answers with this HTTP status (0: dropped)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: %s calls [-method POST|GET] [-status CODE] N", name)
	}
	want, err := strconv.Atoi(fs.Arg(0))
	ts.Check(err)
	got := 0
	for _, r := range records {
		if (*m == "" || method(r) == *m) && (*st < 0 || status(r) == *st) {
			got++
		}
	}
	if (got == want) == neg {
		ts.Fatalf("the fake answered %d matching requests; want %s%d", got, map[bool]string{true: "not "}[neg], want)
	}
}

// params formats k=v pairs sorted by key.
func params(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		out = append(out, k+"="+m[k])
	}
	return out
}

// parseFlags parses a start subcommand's flags, reporting to stderr; it
// takes no arguments.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}
