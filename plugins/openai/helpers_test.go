package openai

import (
	"context"
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/vendorapi/vendortest"
	"github.com/easelhq/easel/plugins/sdk"
)

const testKey = "sk-proj-TESTKEY0123456789abcdefXYZ"

// today is the date the tests run the lifecycle at.
var today = vendortest.Day()

// newRequest builds an image request the way easel does (see
// vendortest.Request); "output" sets the output path and so the format.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	return vendortest.Request(t, imageAttrs(), kv...)
}

func withRefs(req *sdk.Request, refs ...sdk.Reference) *sdk.Request {
	return vendortest.WithRefs(req, refs...)
}

// providerConfig builds a provider block's value with defaults applied.
func providerConfig(kv ...any) sdk.Config {
	return vendortest.Config(providerAttrs(), vendortest.Pairs(kv...))
}

func imageBytes(t testing.TB, format string, w, h int) []byte {
	return vendortest.Image(t, format, w, h)
}
func pngBytes(t testing.TB, w, h int) []byte  { return vendortest.Image(t, "png", w, h) }
func jpegBytes(t testing.TB, w, h int) []byte { return vendortest.Image(t, "jpeg", w, h) }

func fileRef(name, mediaType string, data []byte) sdk.Reference {
	return vendortest.FileRef(name, mediaType, data)
}

func imageRef(address string, data []byte) sdk.Reference { return vendortest.ImageRef(address, data) }

func planRef(name, mediaType string, size int64) sdk.Reference {
	return vendortest.PlanRef(name, mediaType, size)
}

func sized(r sdk.Reference, w, h int) sdk.Reference { return vendortest.Sized(r, w, h) }

// withMask hands req the mask file the way easel does for the mask
// attribute.
func withMask(req *sdk.Request, mask sdk.Reference) *sdk.Request {
	req.SetFile("mask", mask)
	return req
}

// harness is a provider configured against a fake OpenAI server, on a
// fake clock.
type harness struct {
	p     *Provider
	fake  *fakeapi.OpenAI
	clock *vendortest.Clock
}

// newHarness starts a fake with cfg (its key set to testKey) and a
// provider configured against it; settings add provider attributes.
func newHarness(t testing.TB, cfg fakeapi.Config, settings ...any) *harness {
	t.Helper()
	cfg.APIKey = testKey
	h := &harness{clock: vendortest.NewClock(today)}
	h.p = NewWithOptions(Options{Getenv: vendortest.Getenv(map[string]string{"OPENAI_API_KEY": testKey}),
		Now: h.clock.Now, Sleep: h.clock.Sleep, Jitter: func() float64 { return 0.5 }})
	h.fake = vendortest.Serve(t, h.p, providerAttrs(), fakeapi.NewOpenAI(cfg), vendortest.Pairs(settings...))
	return h
}

// generate runs Generate and reads the image.
func (h *harness) generate(t testing.TB, req *sdk.Request) (*sdk.Response, []byte, error) {
	t.Helper()
	resp, err := h.p.Generate(context.Background(), req)
	if err != nil {
		return nil, nil, err
	}
	return resp, vendortest.ReadImage(t, resp), nil
}
