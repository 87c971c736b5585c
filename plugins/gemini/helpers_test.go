package gemini

import (
	"testing"

	"github.com/easelhq/easel/internal/fakeapi"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/internal/vendorapi/vendortest"
	"github.com/easelhq/easel/plugins/sdk"
)

const testKey = "AIzaSyTEST-0123456789abcdefghijklmnopq"

// today is the day the lifecycle is checked at.
var today = vendortest.Day()

// testProvider is a provider on a fake clock with env as its environment.
func testProvider(env map[string]string) (*Provider, *vendortest.Clock) {
	c := vendortest.NewClock(today)
	return NewWithOptions(Options{Env: vendorapi.Env{Now: c.Now, Sleep: c.Sleep, Jitter: vendortest.NoJitter, Getenv: vendortest.Getenv(env)}}), c
}

// configured is a provider configured against a fake Gemini.
func configured(t testing.TB, cfg fakeapi.GeminiConfig, kv ...any) (*Provider, *fakeapi.Gemini, *vendortest.Clock) {
	t.Helper()
	cfg.APIKey = testKey
	p, c := testProvider(map[string]string{KeyEnv: testKey})
	return p, vendortest.Serve(t, p, providerAttrs(), fakeapi.NewGemini(cfg), vendortest.Pairs(kv...)), c
}

// newRequest builds an image request as easel does; "output" sets the
// output path and format.
func newRequest(t testing.TB, kv ...string) *sdk.Request {
	t.Helper()
	args := make([]any, len(kv))
	for i, s := range kv {
		args[i] = s
	}
	return vendortest.Request(t, imageAttrs(), args...)
}

func providerConfig(kv ...any) sdk.Config {
	return vendortest.Config(providerAttrs(), vendortest.Pairs(kv...))
}

func imageBytes(t testing.TB, format string, w, h int) []byte {
	return vendortest.Image(t, format, w, h)
}

// fileRef is a file reference with its bytes.
func fileRef(name, format string, data []byte) sdk.Reference {
	return vendortest.FileRef(name, imagefmt.MediaType(format), data)
}

func planRef(name, mediaType string, size int64) sdk.Reference {
	return vendortest.PlanRef(name, mediaType, size)
}

func readAll(t testing.TB, r *sdk.Response) []byte { return vendortest.ReadImage(t, r) }
