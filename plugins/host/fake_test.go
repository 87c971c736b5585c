package host

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/zclconf/go-cty/cty"

	"github.com/easelhq/easel/plugins/sdk"
)

// serveEnv makes the test binary serve a fake provider instead of running
// tests: the host re-executes it as "BINARY __provider NAME" (a built-in)
// or through an easel-provider-NAME symlink (a third-party binary).
const serveEnv = "EASEL_TEST_SERVE"

func TestMain(m *testing.M) {
	if os.Getenv(serveEnv) != "" {
		serveFake()
		return
	}
	if os.Getenv(holdEnv) != "" {
		holdProvider()
		return
	}
	os.Exit(m.Run())
}

func serveFake() {
	name := strings.TrimPrefix(filepath.Base(os.Args[0]), BinaryPrefix)
	if len(os.Args) == 3 && os.Args[1] == BuiltinArg {
		name = os.Args[2]
	}
	switch name {
	case "bare":
		sdk.Serve(bareProvider{})
	default:
		sdk.Serve(newFakeProvider())
	}
}

// fakeProvider implements every optional SDK interface. The image
// attribute "mode" picks what Generate does.
type fakeProvider struct {
	logger  hclog.Logger
	waiting chan struct{} // receives when a "wait" generation is in flight

	mu     sync.Mutex
	apiKey string
}

func newFakeProvider() *fakeProvider {
	return &fakeProvider{
		// Created before Serve, so it writes to the process's real stderr.
		logger:  hclog.New(&hclog.LoggerOptions{Output: os.Stderr, JSONFormat: true, Level: hclog.Trace}),
		waiting: make(chan struct{}, 16),
	}
}

var (
	_ sdk.Validator       = (*fakeProvider)(nil)
	_ sdk.Estimator       = (*fakeProvider)(nil)
	_ sdk.ConfigValidator = (*fakeProvider)(nil)
)

func fakeSchema() sdk.Schema {
	return sdk.Schema{
		HashVersion:        3,
		Version:            "1.2.3",
		URLReferencesByURL: true,
		Provider: []sdk.Attribute{
			{Name: "api_key", Type: cty.String, Sensitive: true, Description: "The API key."},
			{Name: "endpoint", Type: cty.String, Default: cty.StringVal("https://fake.invalid/v1")},
			{Name: "max_concurrency", Type: cty.Number, Default: cty.NumberIntVal(4)},
			{Name: "timeout", Type: cty.Number, NoHash: true},
		},
		Image: []sdk.Attribute{
			sdk.PromptAttr(true),
			sdk.ModelAttr("fake-1"),
			sdk.SizeAttr("1024x1024"),
			{Name: "mode", Type: cty.String, Default: cty.StringVal("echo")},
			{Name: "image_path", Type: cty.String},
			{Name: "seed", Type: cty.Number},
			{Name: "transparent", Type: cty.Bool, Default: cty.False},
			{Name: "styles", Type: cty.List(cty.String), Default: cty.ListValEmpty(cty.String)},
			{Name: "labels", Type: cty.Map(cty.String)},
			{Name: "colors", Type: cty.Set(cty.String)},
			{Name: "pair", Type: cty.Tuple([]cty.Type{cty.String, cty.Number})},
			{Name: "crop", Type: cty.Object(map[string]cty.Type{"x": cty.Number, "y": cty.Number}),
				Default: cty.ObjectVal(map[string]cty.Value{"x": cty.Zero, "y": cty.NumberFloatVal(0.5)})},
			{Name: "extra", Type: cty.DynamicPseudoType},
			{Name: "retries", Type: cty.Number, NoHash: true, Default: cty.NumberIntVal(2)},
		},
		Models: []sdk.Model{
			{ID: "fake-1", Description: "The fake model.", Sizes: []string{"1024x1024", "4096x4096"},
				Qualities: []string{"low", "high"}, Formats: []string{"png"}, Price: "$0.01 per image",
				Status: "active", Source: "https://fake.invalid/pricing", AsOf: "2026-01-02"},
			{ID: "fake-0", SizeRule: "any multiple of 64", Status: "deprecated", Date: "2026-06-30",
				Replacement: "fake-1", Source: "https://fake.invalid/deprecations", AsOf: "2026-01-02"},
		},
	}
}

func (f *fakeProvider) Schema() sdk.Schema { return fakeSchema() }

func (f *fakeProvider) ValidateConfig(_ context.Context, c sdk.Config) sdk.Diagnostics {
	if strings.HasPrefix(c.String("endpoint"), "http://") {
		return sdk.Diagnostics{sdk.Errorf("endpoint", "Insecure endpoint", "Use https.")}
	}
	return nil
}

func (f *fakeProvider) Configure(_ context.Context, c sdk.Config) sdk.Diagnostics {
	key := c.String("api_key")
	if key == "" {
		return sdk.Diagnostics{sdk.Errorf("api_key", "Missing API key", "Set api_key.")}
	}
	f.mu.Lock()
	f.apiKey = key
	f.mu.Unlock()
	f.logger.Info("fake provider configured", "endpoint", c.String("endpoint"), "key_length", len(key))
	return nil
}

func (f *fakeProvider) ValidateImage(_ context.Context, r *sdk.Request) sdk.Diagnostics {
	var diags sdk.Diagnostics
	if size := r.String("size"); size != "1024x1024" && size != "4096x4096" {
		diags = append(diags, sdk.Errorf("size", "Unsupported size for fake-1", "%q is not one of 1024x1024, 4096x4096.", size))
	}
	if strings.Contains(r.String("prompt"), "please") {
		diags = append(diags, sdk.Warnf("prompt", "Polite prompt", "The model ignores courtesy."))
	}
	for _, ref := range r.References {
		if _, err := ref.Open(); !errors.Is(err, sdk.ErrNoBytes) {
			diags = append(diags, sdk.Errorf("", "Reference bytes at plan time", "%s: %v", ref.Name, err))
		}
	}
	return diags
}

func (f *fakeProvider) EstimateCost(_ context.Context, r *sdk.Request) sdk.Estimate {
	if r.String("model") != "fake-1" {
		return sdk.Estimate{Detail: "unknown model " + r.String("model")}
	}
	return sdk.Estimate{USD: sdk.USD(0.01 * float64(1+len(r.References))), Credits: sdk.USD(1), Detail: r.Address}
}

func (f *fakeProvider) Generate(ctx context.Context, r *sdk.Request) (*sdk.Response, error) {
	switch mode := r.String("mode"); mode {
	case "echo":
		return f.echo(r)
	case "panic":
		panic("the fake provider panics")
	case "exit":
		<-f.waiting // another image is in flight in this process
		os.Exit(3)
	case "wait":
		f.waiting <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	case "hang":
		select {} // ignores ctx, like a provider stuck in a call without one
	case "refuse":
		return nil, &sdk.Error{Kind: sdk.ErrRefused, Message: "the prompt was refused", Hint: "Rephrase it.",
			Categories: []string{"violence"}, MayHaveBilled: true}
	case "fail":
		return nil, errors.New("the vendor returned 500")
	default:
		return nil, fmt.Errorf("unknown mode %q", mode)
	}
	return nil, nil
}

// echo reports what it received in the metadata: the size and sha256 of
// every reference's bytes. Its image is the file named by image_path, or a
// small PNG.
func (f *fakeProvider) echo(r *sdk.Request) (*sdk.Response, error) {
	meta := map[string]string{"address": r.Address, "spec_hash": r.SpecHash, "format": r.Format, "output": r.OutputPath}
	for i, ref := range r.References {
		sum, n, err := hashReference(ref)
		if err != nil {
			return nil, err
		}
		meta["ref"+strconv.Itoa(i)] = fmt.Sprintf("%s %s %d %s", ref.Kind, ref.Name, n, sum)
	}
	f.mu.Lock()
	meta["configured"] = strconv.FormatBool(f.apiKey != "")
	f.mu.Unlock()
	resp := &sdk.Response{MediaType: "image/png", CostUSD: sdk.USD(0.04), Metadata: meta, BilledRetries: 1,
		Warnings: sdk.Diagnostics{sdk.Warnf("seed", "Seed ignored", "fake-1 has no seed.")}}
	if path := r.String("image_path"); path != "" {
		img, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		resp.Image = img
		return resp, nil
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		return nil, err
	}
	resp.Image = &buf
	return resp, nil
}

func hashReference(ref sdk.Reference) (string, int64, error) {
	rc, err := ref.Open()
	if err != nil {
		if errors.Is(err, sdk.ErrNoBytes) {
			return "no-bytes", 0, nil
		}
		return "", 0, err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// bareProvider implements none of the optional interfaces.
type bareProvider struct{}

func (bareProvider) Schema() sdk.Schema {
	return sdk.Schema{HashVersion: 1, Image: []sdk.Attribute{sdk.PromptAttr(true)}}
}

func (bareProvider) Configure(context.Context, sdk.Config) sdk.Diagnostics { return nil }

func (bareProvider) Generate(context.Context, *sdk.Request) (*sdk.Response, error) {
	var buf bytes.Buffer
	img := image.NewGray(image.Rect(0, 0, 2, 2))
	img.Set(1, 1, color.White)
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return &sdk.Response{Image: &buf}, nil
}
