package stability

import (
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/internal/vendorapi/vendortest"
	"github.com/easelhq/easel/plugins/sdk"
)

const testKey = "sk-stabTEST0123456789abcdefXYZ"

// testProvider is a provider on a fake clock with env as its environment.
func testProvider(env map[string]string) (*Provider, *vendortest.Clock) {
	c := vendortest.NewClock(vendortest.Day())
	return NewWithOptions(Options{Env: vendorapi.Env{Now: c.Now, Sleep: c.Sleep, Jitter: vendortest.NoJitter, Getenv: vendortest.Getenv(env)}}), c
}

// configured is a provider configured against a fake Stability API.
func configured(t testing.TB, cfg fakeapi.StabilityConfig, kv ...any) (*Provider, *fakeapi.Stability, *vendortest.Clock) {
	t.Helper()
	cfg.APIKey = testKey
	p, c := testProvider(map[string]string{KeyEnv: testKey})
	return p, vendortest.Serve(t, p, vendorapi.Attributes(defaults()), fakeapi.NewStability(cfg), vendortest.Pairs(kv...)), c
}

// newRequest builds an image request as easel does; "output" sets the
// output path and format.
func newRequest(t testing.TB, kv ...any) *sdk.Request {
	t.Helper()
	return vendortest.Request(t, imageAttrs(), kv...)
}

func providerConfig(kv ...any) sdk.Config {
	return vendortest.Config(vendorapi.Attributes(defaults()), vendortest.Pairs(kv...))
}

func imageBytes(t testing.TB, format string, w, h int) []byte {
	return vendortest.Image(t, format, w, h)
}

// fileRef is a file reference with its bytes and dimensions.
func fileRef(name, format string, data []byte) sdk.Reference {
	return vendortest.Measured(vendortest.FileRef(name, imagefmt.MediaType(format), data))
}

func withRefs(req *sdk.Request, refs ...sdk.Reference) *sdk.Request {
	return vendortest.WithRefs(req, refs...)
}

func planRef(name, mediaType string, size int64) sdk.Reference {
	return vendortest.PlanRef(name, mediaType, size)
}

func readAll(t testing.TB, r *sdk.Response) []byte { return vendortest.ReadImage(t, r) }
