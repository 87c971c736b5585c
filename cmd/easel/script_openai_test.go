package main

import (
	"flag"
	"image"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/rogpeppe/go-internal/testscript"
)

// fakeOpenAI is the "fakeopenai" script command (see fakeAPI; the base
// URL in $FAKEOPENAI_URL ends in /v1, for base_url). A zero fakeOpenAI is
// ready to use.
//
//	fakeopenai start [-key K] [-latency D] [-moderation-word W] [-rate-limit-first N]
//	                 [-retry-after D] [-server-error-first N] [-disconnect-first N]
//	                 [-garbage-first N] [-insufficient-quota] [-retired M,...] [-unverified M,...]
//	fakeopenai calls [-endpoint generations|edits] [-status CODE] N
//	fakeopenai received
type fakeOpenAI struct {
	scriptFakes[*fakeapi.OpenAI, fakeapi.Received]
}

func (f *fakeOpenAI) command(ts *testscript.TestScript, neg bool, args []string) {
	f.run(ts, neg, args, fakeAPI[*fakeapi.OpenAI, fakeapi.Received]{name: "fakeopenai", env: "FAKEOPENAI_URL", path: "/v1",
		newFake: fromFlags(parseFakeFlags, fakeapi.NewOpenAI), filter: "endpoint", filterValues: "generations|edits", record: openaiRecord})
}

func parseFakeFlags(args []string, stderr io.Writer) (fakeapi.Config, error) {
	var cfg fakeapi.Config
	fs := flag.NewFlagSet("fakeopenai start", flag.ContinueOnError)
	faultFlags(fs, &cfg.APIKey, &cfg.Latency, &cfg.RateLimit, &cfg.ServerError, &cfg.Disconnect, &cfg.Garbage)
	fs.StringVar(&cfg.ModerationWord, "moderation-word", "", "refuse prompts with this word")
	fs.DurationVar(&cfg.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.BoolVar(&cfg.InsufficientQuota, "insufficient-quota", false, "answer every request 429 insufficient_quota")
	retired := fs.String("retired", "", "comma-separated models answering 404 model_not_found")
	unverified := fs.String("unverified", "", "comma-separated models answering 403 organization not verified")
	if err := parseFlags(fs, args, stderr); err != nil {
		return cfg, err
	}
	cfg.RetiredModels = splitComma(*retired)
	cfg.UnverifiedModels = splitComma(*unverified)
	return cfg, nil
}

// openaiRecord reads one request; its line is
//
//	edits 200 gpt-image-2 prompt="..." images=image[0]:image/png:64x48,... mask=image/png:64x48 k=v ...
func openaiRecord(r fakeapi.Received) record {
	parts := []string{r.Endpoint, strconv.Itoa(r.Status), r.Model, "prompt=" + strconv.Quote(r.Prompt)}
	if len(r.Images) > 0 {
		parts = append(parts, "images="+uploads(r.Images))
	}
	if r.Mask != nil {
		parts = append(parts, "mask="+upload(*r.Mask))
	}
	return record{r.Endpoint, r.Status, strings.Join(append(parts, params(r.Params)...), " ")}
}

// hasalpha FILE: FILE decodes and has at least one pixel that is not fully
// opaque (a transparent background). With !, every pixel is opaque.
func cmdHasAlpha(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 1 {
		ts.Fatalf("usage: hasalpha FILE")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	img, _, err := imagefmt.Decode(f)
	if err != nil {
		ts.Fatalf("%s does not decode: %v", args[0], err)
	}
	if hasAlpha(img) == neg {
		ts.Fatalf("%s: transparent pixels: %v; want %v", args[0], !neg, neg)
	}
}

func hasAlpha(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if _, _, _, a := img.At(x, y).RGBA(); a < 0xffff {
				return true
			}
		}
	}
	return false
}
