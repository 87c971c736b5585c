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

// fakeGemini is the "fakegemini" script command:
//
//	fakegemini start [-key K] [-latency D] [-safety-word W] [-safety-reason R] [-block-word W]
//	                 [-rate-limit-first N] [-retry-delay D] [-overloaded-first N]
//	                 [-server-error-first N] [-disconnect-first N] [-garbage-first N]
//	                 [-output-mime image/png|image/jpeg] [-retired M,...]
//	fakegemini calls [-status CODE] N
//	fakegemini received
//
// start serves a fake Gemini API until the script ends and sets
// $FAKEGEMINI_URL; calls checks how many requests it answered; received
// prints one line per request, oldest first, for stdout checks.
type fakeGemini struct {
	scriptFakes[*fakeapi.Gemini]
}

func newFakeGemini() *fakeGemini {
	return &fakeGemini{scriptFakes[*fakeapi.Gemini]{name: "fakegemini", env: "FAKEGEMINI_URL"}}
}

func (f *fakeGemini) command(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fakegemini start|calls|received ...")
	}
	switch args[0] {
	case "start":
		cfg, err := parseGeminiFlags(args[1:], ts.Stderr())
		if neg || err != nil {
			ts.Fatalf("fakegemini start: %v", err)
		}
		f.start(ts, fakeapi.NewGemini(cfg))
	case "calls":
		countCalls(ts, neg, "fakegemini", args[1:], f.running(ts).Received(),
			func(fakeapi.GeminiReceived) string { return "POST" }, func(r fakeapi.GeminiReceived) int { return r.Status })
	case "received":
		for _, r := range f.running(ts).Received() {
			fmt.Fprintln(ts.Stdout(), geminiLine(r))
		}
	default:
		ts.Fatalf("fakegemini: unknown subcommand %q", args[0])
	}
}

// geminiLine is one request: status, model, prompt, inline images, the
// image options, and where the key came from.
func geminiLine(r fakeapi.GeminiReceived) string {
	parts := []string{strconv.Itoa(r.Status), r.Model, "prompt=" + strconv.Quote(r.Prompt)}
	for _, u := range r.Images {
		parts = append(parts, fmt.Sprintf("image=%s:%dx%d", u.ContentType, u.Width, u.Height))
	}
	opts := map[string]string{"modalities": strings.Join(r.ResponseModalities, ","), "aspectRatio": r.AspectRatio,
		"imageSize": r.ImageSize, "personGeneration": r.PersonGeneration, "thinkingLevel": r.ThinkingLevel}
	for k, v := range opts {
		if v == "" {
			delete(opts, k)
		}
	}
	parts = append(parts, params(opts)...)
	if r.KeyInURL {
		parts = append(parts, "KEY-IN-URL")
	}
	return strings.Join(parts, " ")
}

func parseGeminiFlags(args []string, stderr io.Writer) (fakeapi.GeminiConfig, error) {
	var cfg fakeapi.GeminiConfig
	fs := flag.NewFlagSet("fakegemini start", flag.ContinueOnError)
	fs.StringVar(&cfg.APIKey, "key", "", "the API key requests must carry (empty: any)")
	fs.DurationVar(&cfg.Latency, "latency", 0, "latency of every generation")
	fs.StringVar(&cfg.SafetyWord, "safety-word", "", "answer prompts with this word 200 with a refusing finish reason")
	fs.StringVar(&cfg.SafetyReason, "safety-reason", "", "the finish reason of refusals (default IMAGE_SAFETY)")
	fs.StringVar(&cfg.BlockWord, "block-word", "", "block prompts with this word (promptFeedback.blockReason)")
	fs.IntVar(&cfg.RateLimit.First, "rate-limit-first", 0, "answer the first N requests 429 RESOURCE_EXHAUSTED")
	fs.DurationVar(&cfg.RetryDelay, "retry-delay", time.Second, "RetryInfo retryDelay of the 429s")
	fs.IntVar(&cfg.Overloaded.First, "overloaded-first", 0, "answer the first N generations 503 UNAVAILABLE")
	fs.IntVar(&cfg.ServerError.First, "server-error-first", 0, "answer the first N generations 500 INTERNAL")
	fs.IntVar(&cfg.Disconnect.First, "disconnect-first", 0, "drop the connection of the first N generations")
	fs.IntVar(&cfg.Garbage.First, "garbage-first", 0, "answer the first N generations with a truncated image")
	fs.StringVar(&cfg.OutputMIME, "output-mime", "image/png", "the image type the fake answers with")
	retired := fs.String("retired", "", "comma-separated models answering 404 NOT_FOUND")
	if err := parseFlags(fs, args, stderr); err != nil {
		return cfg, err
	}
	if cfg.Garbage.First > 0 {
		cfg.GarbageKind = fakeapi.GarbageTruncated
	}
	cfg.RetiredModels = splitComma(*retired)
	return cfg, nil
}
