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

// fakeGemini is the "fakegemini" script command (see fakeAPI):
//
//	fakegemini start [-key K] [-latency D] [-safety-word W] [-safety-reason R] [-block-word W]
//	                 [-rate-limit-first N] [-retry-delay D] [-overloaded-first N]
//	                 [-server-error-first N] [-disconnect-first N] [-garbage-first N]
//	                 [-output-mime image/png|image/jpeg] [-retired M,...]
//	fakegemini calls [-status CODE] N
//	fakegemini received
type fakeGemini struct {
	scriptFakes[*fakeapi.Gemini, fakeapi.GeminiReceived]
}

func newFakeGemini() *fakeGemini { return &fakeGemini{} }

func (f *fakeGemini) command(ts *testscript.TestScript, neg bool, args []string) {
	f.run(ts, neg, args, fakeAPI[*fakeapi.Gemini, fakeapi.GeminiReceived]{name: "fakegemini", env: "FAKEGEMINI_URL",
		newFake: fromFlags(parseGeminiFlags, fakeapi.NewGemini), record: geminiRecord})
}

// geminiRecord reads one request; its line is the status, model, prompt,
// inline images, image options, and where the key came from.
func geminiRecord(r fakeapi.GeminiReceived) record {
	parts := []string{strconv.Itoa(r.Status), r.Model, "prompt=" + strconv.Quote(r.Prompt)}
	for _, u := range r.Images {
		parts = append(parts, "image="+upload(u))
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
	return record{status: r.Status, line: strings.Join(parts, " ")}
}

func parseGeminiFlags(args []string, stderr io.Writer) (fakeapi.GeminiConfig, error) {
	var cfg fakeapi.GeminiConfig
	fs := flag.NewFlagSet("fakegemini start", flag.ContinueOnError)
	faultFlags(fs, &cfg.APIKey, &cfg.Latency, &cfg.RateLimit, &cfg.ServerError, &cfg.Disconnect, &cfg.Garbage)
	fs.StringVar(&cfg.SafetyWord, "safety-word", "", "answer prompts with this word 200 with a refusing finish reason")
	fs.StringVar(&cfg.SafetyReason, "safety-reason", "", "the finish reason of refusals (default IMAGE_SAFETY)")
	fs.StringVar(&cfg.BlockWord, "block-word", "", "block prompts with this word (promptFeedback.blockReason)")
	fs.DurationVar(&cfg.RetryDelay, "retry-delay", time.Second, "RetryInfo retryDelay of the 429s")
	fs.IntVar(&cfg.Overloaded.First, "overloaded-first", 0, "answer the first N generations 503 UNAVAILABLE")
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
