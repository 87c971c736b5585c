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
		newFake: fromFlags(parseStabilityFlags, fakeapi.NewStability), record: stabilityRecord})
}

// stabilityRecord reads one request; its line is the status, endpoint,
// Accept, fields and the image sent.
func stabilityRecord(r fakeapi.StabilityReceived) record {
	parts := append([]string{strconv.Itoa(r.Status), r.Endpoint, "accept=" + r.Accept}, params(r.Fields)...)
	if r.Image != nil {
		parts = append(parts, "image="+upload(*r.Image))
	}
	return record{status: r.Status, line: strings.Join(parts, " ")}
}

func parseStabilityFlags(args []string, stderr io.Writer) (fakeapi.StabilityConfig, error) {
	var cfg fakeapi.StabilityConfig
	fs := flag.NewFlagSet("fakestab start", flag.ContinueOnError)
	faultFlags(fs, &cfg.APIKey, &cfg.Latency, &cfg.RateLimit, &cfg.ServerError, &cfg.Disconnect, &cfg.Garbage)
	fs.StringVar(&cfg.ModerationWord, "moderation-word", "", "refuse prompts with this word (403 content_moderation)")
	fs.StringVar(&cfg.FilterWord, "filter-word", "", "answer prompts with this word 200 with finish-reason CONTENT_FILTERED")
	fs.DurationVar(&cfg.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.BoolVar(&cfg.OutOfCredits, "out-of-credits", false, "answer every generation 402 payment_required")
	if err := parseFlags(fs, args, stderr); err != nil {
		return cfg, err
	}
	if cfg.Garbage.First > 0 {
		cfg.GarbageKind = fakeapi.GarbageNotImage
	}
	return cfg, nil
}
