package main

import (
	"flag"
	"fmt"
	"image"
	"io"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/rogpeppe/go-internal/testscript"
)

// fakeOpenAIEnv is the script variable holding the running fake's base URL
// (ending in /v1), for base_url.
const fakeOpenAIEnv = "FAKEOPENAI_URL"

// fakeOpenAI runs one in-process fake OpenAI server per script. It belongs
// to one TestScripts run, not to the package.
type fakeOpenAI struct {
	mu      sync.Mutex
	servers map[*testscript.TestScript]*fakeapi.OpenAI
}

// command is the "fakeopenai" script command:
//
//	fakeopenai start [-key K] [-latency D] [-moderation-word W] [-rate-limit-first N]
//	                 [-retry-after D] [-server-error-first N] [-disconnect-first N]
//	                 [-garbage-first N] [-insufficient-quota] [-retired M,...] [-unverified M,...]
//	fakeopenai calls [-endpoint generations|edits] [-status CODE] N
//	fakeopenai received
//
// start serves a fake OpenAI Images API until the script ends and sets
// $FAKEOPENAI_URL; calls checks how many requests it answered (with that
// endpoint or status; status 0 is a dropped connection); received prints
// one line per request, oldest first, for stdout checks.
func (f *fakeOpenAI) command(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: fakeopenai start|calls|received ...")
	}
	switch args[0] {
	case "start":
		if neg {
			ts.Fatalf("fakeopenai start cannot be negated")
		}
		f.start(ts, args[1:])
	case "calls":
		f.calls(ts, neg, args[1:])
	case "received":
		f.received(ts)
	default:
		ts.Fatalf("fakeopenai: unknown subcommand %q", args[0])
	}
}

func (f *fakeOpenAI) start(ts *testscript.TestScript, args []string) {
	cfg, err := parseFakeFlags(args, ts.Stderr())
	if err != nil {
		ts.Fatalf("fakeopenai start: %v", err)
	}
	fake := fakeapi.NewOpenAI(cfg)
	srv := httptest.NewServer(fake)
	f.mu.Lock()
	if f.servers == nil {
		f.servers = map[*testscript.TestScript]*fakeapi.OpenAI{}
	}
	if _, ok := f.servers[ts]; ok {
		f.mu.Unlock()
		srv.Close()
		ts.Fatalf("fakeopenai start: a fake is already running in this script")
	}
	f.servers[ts] = fake
	f.mu.Unlock()
	ts.Defer(func() {
		srv.Close()
		f.mu.Lock()
		delete(f.servers, ts)
		f.mu.Unlock()
	})
	ts.Setenv(fakeOpenAIEnv, srv.URL+"/v1")
}

func parseFakeFlags(args []string, stderr io.Writer) (fakeapi.Config, error) {
	var cfg fakeapi.Config
	fs := flag.NewFlagSet("fakeopenai start", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&cfg.APIKey, "key", "", "the API key requests must carry (empty: any)")
	fs.DurationVar(&cfg.Latency, "latency", 0, "latency of every generation")
	fs.StringVar(&cfg.ModerationWord, "moderation-word", "", "refuse prompts with this word")
	fs.IntVar(&cfg.RateLimit.First, "rate-limit-first", 0, "answer the first N requests 429 rate_limit_exceeded")
	fs.DurationVar(&cfg.RetryAfter, "retry-after", time.Second, "Retry-After of the 429s")
	fs.IntVar(&cfg.ServerError.First, "server-error-first", 0, "answer the first N requests 500")
	fs.IntVar(&cfg.Disconnect.First, "disconnect-first", 0, "drop the connection of the first N requests")
	fs.IntVar(&cfg.Garbage.First, "garbage-first", 0, "answer the first N requests with a broken image")
	fs.BoolVar(&cfg.InsufficientQuota, "insufficient-quota", false, "answer every request 429 insufficient_quota")
	retired := fs.String("retired", "", "comma-separated models answering 404 model_not_found")
	unverified := fs.String("unverified", "", "comma-separated models answering 403 organization not verified")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	cfg.RetiredModels = splitComma(*retired)
	cfg.UnverifiedModels = splitComma(*unverified)
	return cfg, nil
}

func splitComma(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// running returns the script's fake, or fails the script.
func (f *fakeOpenAI) running(ts *testscript.TestScript) *fakeapi.OpenAI {
	f.mu.Lock()
	defer f.mu.Unlock()
	fake := f.servers[ts]
	if fake == nil {
		ts.Fatalf("no fake is running: use fakeopenai start first")
	}
	return fake
}

func (f *fakeOpenAI) calls(ts *testscript.TestScript, neg bool, args []string) {
	fs := flag.NewFlagSet("fakeopenai calls", flag.ContinueOnError)
	fs.SetOutput(ts.Stderr())
	endpoint := fs.String("endpoint", "", "count only generations or edits")
	status := fs.Int("status", -1, "count only answers with this HTTP status (0: dropped)")
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		ts.Fatalf("usage: fakeopenai calls [-endpoint generations|edits] [-status CODE] N")
	}
	want, err := strconv.Atoi(fs.Arg(0))
	ts.Check(err)
	got := 0
	for _, r := range f.running(ts).Received() {
		if (*endpoint == "" || r.Endpoint == *endpoint) && (*status < 0 || r.Status == *status) {
			got++
		}
	}
	if (got == want) == neg {
		ts.Fatalf("the fake answered %d matching requests; want %s%d", got, map[bool]string{true: "not "}[neg], want)
	}
}

// received prints each request as one line:
//
//	edits 200 gpt-image-2 prompt="..." images=image[0]:image/png:64x48,... mask=image/png:64x48 k=v ...
func (f *fakeOpenAI) received(ts *testscript.TestScript) {
	for _, r := range f.running(ts).Received() {
		parts := []string{r.Endpoint, strconv.Itoa(r.Status), r.Model, "prompt=" + strconv.Quote(r.Prompt)}
		if len(r.Images) > 0 {
			var imgs []string
			for _, u := range r.Images {
				imgs = append(imgs, fmt.Sprintf("%s:%s:%dx%d", u.Param, u.ContentType, u.Width, u.Height))
			}
			parts = append(parts, "images="+strings.Join(imgs, ","))
		}
		if m := r.Mask; m != nil {
			parts = append(parts, fmt.Sprintf("mask=%s:%dx%d", m.ContentType, m.Width, m.Height))
		}
		keys := make([]string, 0, len(r.Params))
		for k := range r.Params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			parts = append(parts, k+"="+r.Params[k])
		}
		fmt.Fprintln(ts.Stdout(), strings.Join(parts, " "))
	}
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
