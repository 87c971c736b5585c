// Command fakeapi serves the fake OpenAI Images API of internal/fakeapi for
// demos and benchmarks:
//
//	go run ./internal/fakeapi/cmd/fakeapi -addr 127.0.0.1:8080 -latency 200ms
//
// Point a provider at it with base_url = "http://127.0.0.1:8080/v1".
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakeapi:", err)
		os.Exit(1)
	}
}

// options are the command's flags.
type options struct {
	addr     string
	latency  string
	verbose  bool
	timeline string
	cpuprof  string
	cfg      fakeapi.Config
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("fakeapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&o.cfg.APIKey, "key", "", "API key the Authorization header must carry (empty: any)")
	fs.Uint64Var(&o.cfg.Seed, "seed", 1, "seed for latency, faults, request ids")
	fs.StringVar(&o.latency, "latency", "0s", "latency per generation: a duration (200ms) or a range (100ms-300ms)")
	fs.IntVar(&o.cfg.RateLimit.First, "rate-limit-first", 0, "answer the first N requests with 429 rate_limit_exceeded")
	fs.Float64Var(&o.cfg.RateLimit.Rate, "rate-limit", 0, "fraction of requests answered 429 rate_limit_exceeded")
	fs.DurationVar(&o.cfg.RetryAfter, "retry-after", time.Second, "Retry-After of 429 answers")
	fs.Float64Var(&o.cfg.ServerError.Rate, "server-errors", 0, "fraction of requests answered 500")
	fs.Float64Var(&o.cfg.Disconnect.Rate, "disconnects", 0, "fraction of requests whose connection is dropped")
	fs.Float64Var(&o.cfg.Garbage.Rate, "garbage", 0, "fraction of requests answered 200 with a broken image")
	fs.BoolVar(&o.cfg.InsufficientQuota, "insufficient-quota", false, "answer every request 429 insufficient_quota")
	fs.StringVar(&o.cfg.ModerationWord, "moderation-word", "", "refuse prompts containing this word (400 moderation_blocked)")
	unverified := fs.String("unverified", "", "comma-separated models answering 403 organization not verified")
	retired := fs.String("retired", "dall-e-2,dall-e-3,gpt-image-1", "comma-separated models answering 404 model_not_found (shut down)")
	fs.BoolVar(&o.verbose, "v", false, "log every request")
	fs.StringVar(&o.timeline, "timeline", "", "write one line per request to this file: start and end (Unix ns), status, path; for benchmarks")
	fs.StringVar(&o.cpuprof, "cpuprofile", "", "write a CPU profile of the whole run to this file; for benchmarks")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	o.cfg.UnverifiedModels = splitList(*unverified)
	o.cfg.RetiredModels = splitList(*retired)
	var err error
	o.cfg.Latency, o.cfg.LatencyMax, err = parseLatency(o.latency)
	return o, err
}

// parseLatency reads "200ms" or "100ms-300ms".
func parseLatency(s string) (lo, hi time.Duration, err error) {
	a, b, isRange := strings.Cut(s, "-")
	if lo, err = time.ParseDuration(a); err != nil {
		return 0, 0, fmt.Errorf("-latency %q: %w", s, err)
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = time.ParseDuration(b); err != nil || hi < lo {
		return 0, 0, fmt.Errorf("-latency %q: want MIN-MAX with MIN <= MAX", s)
	}
	return lo, hi, nil
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func run(ctx context.Context, args []string, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	if o.cpuprof != "" {
		f, err := os.Create(o.cpuprof)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	var h http.Handler = fakeapi.NewOpenAI(o.cfg)
	logger := log.New(stderr, "fakeapi: ", log.LstdFlags)
	if o.verbose {
		h = logRequests(h, logger)
	}
	if o.timeline != "" {
		tl, err := newTimeline(o.timeline)
		if err != nil {
			return err
		}
		defer tl.close()
		h = tl.wrap(h)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	logger.Printf("serving the OpenAI Images API on http://%s/v1", ln.Addr())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Unwrap lets http.ResponseController reach the connection for hijacking.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func logRequests(h http.Handler, logger *log.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		logger.Printf("%s %s %d %s %s", r.Method, r.URL.Path, sw.status, w.Header().Get("x-request-id"), time.Since(start).Round(time.Millisecond))
	})
}
