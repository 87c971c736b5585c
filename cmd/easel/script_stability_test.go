package main

import (
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/rogpeppe/go-internal/testscript"
)

// fakeStability is the "fakestab" script command:
//
//	fakestab start [-key K] [-latency D] [-moderation-word W] [-filter-word W]
//	               [-rate-limit-first N] [-retry-after D] [-server-error-first N]
//	               [-disconnect-first N] [-garbage-first N] [-out-of-credits]
//	fakestab calls [-status CODE] N
//	fakestab received
//
// start serves a fake Stability API until the script ends and sets
// $FAKESTABILITY_URL; calls checks how many requests it answered; received
// prints one line per request, oldest first, for stdout checks.
type fakeStability struct {
	scriptFakes[*fakeapi.Stability]
}

func newFakeStability() *fakeStability {
	return &fakeStability{scriptFakes[*fakeapi.Stability]{name: "fakestab", env: "FAKESTABILITY_URL"}}
}

func (f *fakeStability) command(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fakestab start|calls|received ...")
	}
	switch args[0] {
	case "start":
		cfg, err := parseStabilityFlags(args[1:], ts.Stderr())
		if neg || err != nil {
			ts.Fatalf("fakestab start: %v", err)
		}
		f.start(ts, fakeapi.NewStability(cfg))
	case "calls":
		countCalls(ts, neg, "fakestab", args[1:], f.running(ts).Received(),
			func(fakeapi.StabilityReceived) string { return "POST" }, func(r fakeapi.StabilityReceived) int { return r.Status })
	case "received":
		for _, r := range f.running(ts).Received() {
			parts := []string{strconv.Itoa(r.Status), r.Endpoint, "accept=" + r.Accept}
			parts = append(parts, params(r.Fields)...)
			if u := r.Image; u != nil {
				parts = append(parts, fmt.Sprintf("image=%s:%dx%d", u.ContentType, u.Width, u.Height))
			}
			fmt.Fprintln(ts.Stdout(), strings.Join(parts, " "))
		}
	default:
		ts.Fatalf("fakestab: unknown subcommand %q", args[0])
	}
}

func parseStabilityFlags(args []string, stderr io.Writer) (fakeapi.StabilityConfig, error) {
	var cfg fakeapi.StabilityConfig
	fs := flag.NewFlagSet("fakestab start", flag.ContinueOnError)
	fs.StringVar(&cfg.APIKey, "key", "", "the API key requests must carry (empty: any)")
	fs.DurationVar(&cfg.Latency, "latency", 0, "latency of every generation")
	fs.StringVar(&cfg.ModerationWord, "moderation-word", "", "refuse prompts with this word (403 content_moderation)")
	fs.StringVar(&cfg.FilterWord, "filter-word", "", "answer prompts with this word 200 with finish-reason CONTENT_FILTERED")
	fs.IntVar(&cfg.RateLimit.First, "rate-limit-first", 0, "answer the first N requests 429")
	fs.DurationVar(&cfg.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.IntVar(&cfg.ServerError.First, "server-error-first", 0, "answer the first N generations 500")
	fs.IntVar(&cfg.Disconnect.First, "disconnect-first", 0, "drop the connection of the first N generations")
	fs.IntVar(&cfg.Garbage.First, "garbage-first", 0, "answer the first N generations with bytes that are no image")
	fs.BoolVar(&cfg.OutOfCredits, "out-of-credits", false, "answer every generation 402 payment_required")
	if err := parseFlags(fs, args, stderr); err != nil {
		return cfg, err
	}
	if cfg.Garbage.First > 0 {
		cfg.GarbageKind = fakeapi.GarbageNotImage
	}
	return cfg, nil
}
