package host

import (
	"bytes"
	"context"
	"io"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-hclog"
	"github.com/zclconf/go-cty/cty"

	"github.com/easelhq/easel/plugins"
)

// testTimeout bounds every call, so a bug shows as a failure, not a hang.
const testTimeout = 60 * time.Second

// syncBuffer is a log sink safe for the provider's goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testOptions are Options for a host whose built-ins "fake" and "bare" are
// served by this test binary; env is its whole environment.
func testOptions(t testing.TB, env map[string]string) (Options, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	return Options{
		ProjectDir: t.TempDir(),
		Executable: os.Args[0],
		Builtins:   []string{"fake", "bare"},
		Getenv:     func(k string) string { return env[k] },
		Env:        []string{serveEnv + "=1"},
		Logger:     hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Trace}),
	}, logs
}

func newTestHost(t testing.TB, opts Options) *Host {
	t.Helper()
	h := New(opts)
	t.Cleanup(h.Close)
	return h
}

func testContext(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
	t.Cleanup(cancel)
	return ctx
}

func startProvider(t testing.TB, h *Host, name string) plugins.Provider {
	t.Helper()
	p, err := h.Start(testContext(t), name)
	if err != nil {
		t.Fatalf("Start(%q): %v", name, err)
	}
	return p
}

// startFake starts the "fake" built-in on a fresh host.
func startFake(t *testing.T) (plugins.Provider, *syncBuffer) {
	t.Helper()
	opts, logs := testOptions(t, nil)
	return startProvider(t, newTestHost(t, opts), "fake"), logs
}

// ctyCmp compares cty values and types by their Go syntax, which is exact.
var ctyCmp = cmp.Options{
	cmp.Comparer(func(a, b cty.Value) bool { return a.GoString() == b.GoString() }),
	cmp.Comparer(func(a, b cty.Type) bool { return a.GoString() == b.GoString() }),
	cmp.Comparer(func(a, b cty.Path) bool { return a.Equals(b) }),
}

func attrs(kv map[string]cty.Value) cty.Value { return cty.ObjectVal(kv) }

func imageReq(addr string, kv map[string]cty.Value, refs ...plugins.Reference) *plugins.ImageRequest {
	return &plugins.ImageRequest{Address: addr, Attrs: attrs(kv), References: refs,
		OutputPath: "assets/" + addr + ".png", Format: "png", SpecHash: "sha256:abc"}
}

func ptr[T any](v T) *T { return &v }

func itoa(i int) string { return strconv.Itoa(i) }

// discard is an io.Writer that drops everything.
type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func openBytes(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}
