package main

import (
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/rogpeppe/go-internal/testscript"
)

// fakeStability is the "fakestab" script command (see fakeAPI):
//
//	fakestab start [-key K] [-latency D] [-moderation-word W] [-filter-word W]
//	               [-rate-limit-first N] [-retry-after D] [-server-error-first N]
//	               [-disconnect-first N] [-garbage-first N] [-out-of-credits]
//	fakestab calls [-status CODE] N
//	fakestab received
type fakeStability struct {
	scriptFakes[*fakeapi.Stability, fakeapi.StabilityReceived]
}

func newFakeStability() *fakeStability { return &fakeStability{} }

func (f *fakeStability) command(ts *testscript.TestScript, neg bool, args []string) {
	f.run(ts, neg, args, fakeAPI[*fakeapi.Stability, fakeapi.StabilityReceived]{name: "fakestab", env: "FAKESTABILITY_URL",
		newFake: fromFlags(parseStabilityFlags, fakeapi.NewStability),
		status:  func(r fakeapi.StabilityReceived) int { return r.Status }, line: stabilityLine})
}

// stabilityLine is one request: status, endpoint, Accept, the fields and
// the image sent.
func stabilityLine(r fakeapi.StabilityReceived) string {
	parts := append([]string{strconv.Itoa(r.Status), r.Endpoint, "accept=" + r.Accept}, params(r.Fields)...)
	if r.Image != nil {
		parts = append(parts, "image="+upload(*r.Image))
	}
	return strings.Join(parts, " ")
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
