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

// fakeOakgen is the "fakeoakgen" script command (see fakeAPI):
//
//	fakeoakgen start [-key K] [-latency D] [-moderation-word W] [-rate-limit-first N]
//	                 [-retry-after D] [-server-error-first N] [-disconnect-first N]
//	                 [-garbage-first N] [-out-of-credits] [-response url|b64|data-url]
//	                 [-async-polls N] [-reference-field F] [-reachable URL,...]
//	fakeoakgen calls [-method POST|GET] [-status CODE] N
//	fakeoakgen received
type fakeOakgen struct {
	scriptFakes[*fakeapi.Oakgen, fakeapi.OakgenReceived]
}

func newFakeOakgen() *fakeOakgen { return &fakeOakgen{} }

func (f *fakeOakgen) command(ts *testscript.TestScript, neg bool, args []string) {
	f.run(ts, neg, args, fakeAPI[*fakeapi.Oakgen, fakeapi.OakgenReceived]{name: "fakeoakgen", env: "FAKEOAKGEN_URL",
		newFake: fromFlags(parseOakgenFlags, fakeapi.NewOakgen), filter: "method", filterValues: "POST|GET", record: oakgenRecord})
}

// oakgenRecord reads one request; its line is
// "POST 200 gpt-image-1 prompt=... refs=... k=v" or "GET 200".
func oakgenRecord(r fakeapi.OakgenReceived) record {
	parts := []string{r.Method, strconv.Itoa(r.Status)}
	if r.Method == "POST" {
		parts = append(parts, r.Model, "prompt="+strconv.Quote(r.Prompt))
	}
	if len(r.References) > 0 {
		parts = append(parts, "refs="+strings.Join(r.References, ","))
	}
	return record{r.Method, r.Status, strings.Join(append(parts, params(r.Params)...), " ")}
}

func parseOakgenFlags(args []string, stderr io.Writer) (fakeapi.OakgenConfig, error) {
	var cfg fakeapi.OakgenConfig
	fs := flag.NewFlagSet("fakeoakgen start", flag.ContinueOnError)
	faultFlags(fs, &cfg.APIKey, &cfg.Latency, &cfg.RateLimit, &cfg.ServerError, &cfg.Disconnect, &cfg.Garbage)
	fs.StringVar(&cfg.ModerationWord, "moderation-word", "", "refuse prompts with this word")
	fs.DurationVar(&cfg.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.BoolVar(&cfg.OutOfCredits, "out-of-credits", false, "answer every generation 402")
	response := fs.String("response", "url", "how the image comes back: url, b64 or data-url")
	fs.IntVar(&cfg.AsyncPolls, "async-polls", 0, "answer 202 with a job that is processing for N polls")
	fs.StringVar(&cfg.ReferenceField, "reference-field", "", "JSON field of reference URLs (default image_urls)")
	reachable := fs.String("reachable", "", "comma-separated reference URLs the fake can download (empty: any)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return cfg, err
	}
	shapes := map[string]fakeapi.OakgenResponse{"url": fakeapi.OakgenURL, "b64": fakeapi.OakgenBase64, "data-url": fakeapi.OakgenDataURL}
	shape, ok := shapes[*response]
	if !ok {
		return cfg, fmt.Errorf("-response %q: want url, b64 or data-url", *response)
	}
	cfg.Response = shape
	cfg.ReachableReferences = splitComma(*reachable)
	return cfg, nil
}
