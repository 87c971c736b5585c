package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/rogpeppe/go-internal/testscript"
)

// fakeServer is a fake vendor API of internal/fakeapi: it serves HTTP and
// records each request it answered.
type fakeServer[R any] interface {
	http.Handler
	Received() []R
}

// fakeAPI tells the script command of one fake vendor API what is the
// vendor's own:
//
//	NAME start FLAGS...
//	NAME calls [-FILTER VALUE] [-status CODE] N
//	NAME received
//
// start serves a fake until the script ends and sets the variable env to
// its base URL; calls checks how many requests it answered (with that
// filter value or status; status 0 is a dropped connection); received
// prints one line per request, oldest first, for stdout checks.
type fakeAPI[F fakeServer[R], R any] struct {
	name string // the command, "fakeoakgen"
	env  string // the script variable set to the base URL
	path string // added to the server's URL in env ("/v1"), if any
	// newFake makes the fake from start's flags (see fromFlags).
	newFake func(args []string, stderr io.Writer) (F, error)
	// filter names calls' filter flag ("method") and filterValues its
	// values for the usage ("POST|GET"); an API with one kind of request
	// has none.
	filter, filterValues string
	// record reads one request.
	record func(R) record
}

// record is what the calls and received subcommands read of a request.
type record struct {
	filter string // the value of calls' filter flag (a method, an endpoint)
	status int    // 0: a dropped connection
	line   string // received's line
}

// fromFlags makes a start subcommand's fake: parse reads the flags into
// a config, newFake is the vendor's fakeapi constructor.
func fromFlags[C any, F any](parse func([]string, io.Writer) (C, error), newFake func(C) F) func([]string, io.Writer) (F, error) {
	return func(args []string, stderr io.Writer) (F, error) {
		cfg, err := parse(args, stderr)
		if err != nil {
			var zero F
			return zero, err
		}
		return newFake(cfg), nil
	}
}

// scriptFakes runs at most one fake of a vendor API per script. It
// belongs to one TestScripts run, not to the package; a zero scriptFakes
// is ready to use.
type scriptFakes[F fakeServer[R], R any] struct {
	mu    sync.Mutex
	fakes map[*testscript.TestScript]F
}

// run is api's script command.
func (s *scriptFakes[F, R]) run(ts *testscript.TestScript, neg bool, args []string, api fakeAPI[F, R]) {
	if len(args) == 0 {
		ts.Fatalf("usage: %s start|calls|received ...", api.name)
	}
	switch args[0] {
	case "start":
		if neg {
			ts.Fatalf("%s start cannot be negated", api.name)
		}
		fake, err := api.newFake(args[1:], ts.Stderr())
		if err != nil {
			ts.Fatalf("%s start: %v", api.name, err)
		}
		s.start(ts, api, fake)
	case "calls":
		countCalls(ts, neg, api, args[1:], s.running(ts, api.name).Received())
	case "received":
		for _, r := range s.running(ts, api.name).Received() {
			fmt.Fprintln(ts.Stdout(), api.record(r).line)
		}
	default:
		ts.Fatalf("%s: unknown subcommand %q", api.name, args[0])
	}
}

// start serves fake until the script ends and sets api.env to its base
// URL.
func (s *scriptFakes[F, R]) start(ts *testscript.TestScript, api fakeAPI[F, R], fake F) {
	srv := httptest.NewServer(fake)
	s.mu.Lock()
	if s.fakes == nil {
		s.fakes = map[*testscript.TestScript]F{}
	}
	if _, ok := s.fakes[ts]; ok {
		s.mu.Unlock()
		srv.Close()
		ts.Fatalf("%s start: a fake is already running in this script", api.name)
	}
	s.fakes[ts] = fake
	s.mu.Unlock()
	ts.Defer(func() {
		srv.Close()
		s.mu.Lock()
		delete(s.fakes, ts)
		s.mu.Unlock()
	})
	ts.Setenv(api.env, srv.URL+api.path)
}

// running returns the script's fake, or fails the script.
func (s *scriptFakes[F, R]) running(ts *testscript.TestScript, name string) F {
	s.mu.Lock()
	defer s.mu.Unlock()
	fake, ok := s.fakes[ts]
	if !ok {
		ts.Fatalf("no fake is running: use %s start first", name)
	}
	return fake
}

// countCalls is the "calls" subcommand: [-FILTER VALUE] [-status CODE] N
// checks how many recorded requests match.
func countCalls[F fakeServer[R], R any](ts *testscript.TestScript, neg bool, api fakeAPI[F, R], args []string, records []R) {
	fs := flag.NewFlagSet(api.name+" calls", flag.ContinueOnError)
	fs.SetOutput(ts.Stderr())
	usage := fmt.Sprintf("usage: %s calls [-status CODE] N", api.name)
	want := new(string)
	if api.filter != "" {
		want = fs.String(api.filter, "", "count only requests with this "+api.filter+" ("+api.filterValues+")")
		usage = fmt.Sprintf("usage: %s calls [-%s %s] [-status CODE] N", api.name, api.filter, api.filterValues)
	}
	st := fs.Int("status", -1, "count only answers with this HTTP status (0: dropped)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("%s", usage)
	}
	n, err := strconv.Atoi(fs.Arg(0))
	ts.Check(err)
	got := 0
	for _, r := range records {
		if rec := api.record(r); (*want == "" || rec.filter == *want) && (*st < 0 || rec.status == *st) {
			got++
		}
	}
	if (got == n) == neg {
		ts.Fatalf("the fake answered %d matching requests; want %s%d", got, map[bool]string{true: "not "}[neg], n)
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

// upload formats an uploaded image as type:WxH.
func upload(u fakeapi.Upload) string {
	return fmt.Sprintf("%s:%dx%d", u.ContentType, u.Width, u.Height)
}

// uploads formats uploaded images as param:type:WxH, comma-separated.
func uploads(us []fakeapi.Upload) string {
	out := make([]string, len(us))
	for i, u := range us {
		out[i] = u.Param + ":" + upload(u)
	}
	return strings.Join(out, ",")
}

// faultFlags adds the start flags every fake takes to fs, bound to the
// config's fields: -key, -latency, -rate-limit-first, -server-error-first,
// -disconnect-first and -garbage-first.
func faultFlags(fs *flag.FlagSet, key *string, latency *time.Duration, rateLimit, serverError, disconnect, garbage *fakeapi.Fault) {
	fs.StringVar(key, "key", "", "the API key requests must carry (empty: any)")
	fs.DurationVar(latency, "latency", 0, "latency of every generation")
	fs.IntVar(&rateLimit.First, "rate-limit-first", 0, "answer the first N requests 429")
	fs.IntVar(&serverError.First, "server-error-first", 0, "answer the first N generations 500")
	fs.IntVar(&disconnect.First, "disconnect-first", 0, "drop the connection of the first N generations")
	fs.IntVar(&garbage.First, "garbage-first", 0, "answer the first N generations with a broken image")
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

// splitComma splits a comma-separated flag value, dropping empty items.
func splitComma(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
