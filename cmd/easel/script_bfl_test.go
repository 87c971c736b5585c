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

// fakeBFL is the "fakebfl" script command (see fakeAPI; calls counts
// POST submissions and GET polls):
//
//	fakebfl start [-key K] [-latency D] [-pending-polls N] [-never-ready] [-moderation-word W]
//	              [-content-moderation-word W] [-rate-limit-first N] [-retry-after D]
//	              [-server-error-first N] [-disconnect-first N] [-task-error-first N]
//	              [-poll-error-first N] [-garbage-first N] [-out-of-credits] [-result-ttl D]
//	fakebfl calls [-method POST|GET] [-status CODE] N
//	fakebfl received
type fakeBFL struct {
	scriptFakes[*fakeapi.BFL, fakeapi.BFLReceived]
}

func newFakeBFL() *fakeBFL { return &fakeBFL{} }

func (f *fakeBFL) command(ts *testscript.TestScript, neg bool, args []string) {
	f.run(ts, neg, args, fakeAPI[*fakeapi.BFL, fakeapi.BFLReceived]{name: "fakebfl", env: "FAKEBFL_URL",
		newFake: fromFlags(parseBFLFlags, fakeapi.NewBFL), filter: "method", filterValues: "POST|GET", record: bflRecord})
}

// bflRecord reads one request; its line is
// "POST 200 flux-2-pro prompt=... images=input_image:image/png:64x64 k=v"
// or "GET 200 flux-2-pro Ready".
func bflRecord(r fakeapi.BFLReceived) record {
	parts := []string{r.Method, strconv.Itoa(r.Status), r.Model}
	if r.Method != "POST" {
		return record{r.Method, r.Status, strings.Join(append(parts, r.TaskStatus), " ")}
	}
	parts = append(parts, "prompt="+strconv.Quote(r.Prompt))
	if len(r.Images) > 0 {
		parts = append(parts, "images="+uploads(r.Images))
	}
	return record{r.Method, r.Status, strings.Join(append(parts, params(r.Params)...), " ")}
}

func parseBFLFlags(args []string, stderr io.Writer) (fakeapi.BFLConfig, error) {
	var cfg fakeapi.BFLConfig
	fs := flag.NewFlagSet("fakebfl start", flag.ContinueOnError)
	faultFlags(fs, &cfg.APIKey, &cfg.Latency, &cfg.RateLimit, &cfg.ServerError, &cfg.Disconnect, &cfg.Garbage)
	fs.IntVar(&cfg.PendingPolls, "pending-polls", 1, "polls that answer Pending before a task ends")
	fs.BoolVar(&cfg.NeverReady, "never-ready", false, "keep every task Pending")
	fs.StringVar(&cfg.ModerationWord, "moderation-word", "", "end tasks whose prompt has this word in Request Moderated")
	fs.StringVar(&cfg.ContentModerationWord, "content-moderation-word", "", "end them in Content Moderated")
	fs.DurationVar(&cfg.RetryAfter, "retry-after", time.Second, "retry_after of the 429s")
	fs.IntVar(&cfg.TaskError.First, "task-error-first", 0, "end the first N tasks in Error")
	fs.IntVar(&cfg.PollError.First, "poll-error-first", 0, "answer the first N polls 502")
	fs.BoolVar(&cfg.OutOfCredits, "out-of-credits", false, "answer every submission 402")
	fs.DurationVar(&cfg.ResultTTL, "result-ttl", 10*time.Minute, "how long result links work")
	if err := parseFlags(fs, args, stderr); err != nil {
		return cfg, err
	}
	cfg.GarbageKind = fakeapi.GarbageWrongSize
	return cfg, nil
}
