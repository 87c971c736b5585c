package host

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"slices"
	"sync"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

// Options configure a Host. Everything the host reads from its environment
// comes in here, so tests can replace it.
type Options struct {
	// ProjectDir is the project directory; .easel/plugins/ is searched in it.
	ProjectDir string
	// Executable is the easel binary. Built-in providers run as
	// "Executable __provider NAME".
	Executable string
	// Builtins are the names of the providers served by Executable itself.
	Builtins []string
	// BuiltinSchema returns the schema a built-in provider's process sends
	// (sdk.WireSchema of the provider Executable serves under that name).
	// With it, KnownSchema answers for built-ins without starting them.
	BuiltinSchema func(name string) (*pb.Schema, error)
	// Getenv looks up environment variables (PATH, EASEL_PROVIDER_PATH_*,
	// EASEL_REATTACH_PROVIDERS). Nil means no environment.
	Getenv func(string) string
	// Env is added to the environment of provider processes, after easel's
	// own environment.
	Env []string
	// Logger receives the host's log and everything provider processes
	// write to stderr. Nil discards it.
	Logger hclog.Logger
	// ReapInBackground makes Close return as soon as a built-in provider
	// has acknowledged Stop, when the process dies with easel anyway
	// (Linux): its exit, 5 to 15 ms on a busy machine, is awaited in the
	// background, and a command that exits right after closing the host
	// does not wait for it. Close still waits for a third-party provider,
	// whose binary its user may replace as soon as easel exits (a running
	// binary cannot be written), and elsewhere than Linux.
	ReapInBackground bool
	// Pins maps a third-party provider name to the checksum the lockfile
	// pins for its binary ("sha256:<hex>"). A third-party provider without
	// a pin, or whose binary does not match it, is refused.
	Pins map[string]string
}

// Host starts provider processes and keeps track of them until Close.
type Host struct {
	opts   Options
	logger hclog.Logger

	mu        sync.Mutex
	closed    bool
	providers map[*provider]struct{}
	starting  sync.WaitGroup
	// known are the built-in schemas KnownSchema gave out, by provider
	// name, which their processes must serve unchanged.
	known map[string]knownSchema
}

// SetPins replaces the checksums pinned for third-party providers. The
// engine calls it with the lockfile's pins once it has read the lockfile,
// so that nothing parses the lockfile twice, or at all on a cached plan.
func (h *Host) SetPins(pins map[string]string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.opts.Pins = pins
}

// New returns a Host; it starts nothing until Start.
func New(opts Options) *Host {
	logger := opts.Logger
	if logger == nil {
		logger = hclog.NewNullLogger()
	}
	if opts.Getenv == nil {
		opts.Getenv = func(string) string { return "" }
	}
	return &Host{opts: opts, logger: logger, providers: map[*provider]struct{}{}}
}

// ErrClosed is returned by Start after Close.
var ErrClosed = errors.New("provider host is closed")

// Start launches the named provider's process (or reattaches to a
// debugger-run one) and returns it, ready for GetSchema. Each call starts a
// new process: one per provider instance. A third-party provider runs only
// when its binary matches the checksum pinned in Options.Pins.
func (h *Host) Start(ctx context.Context, name string) (plugins.Provider, error) {
	if err := validName(name); err != nil {
		return nil, err
	}
	cfg, builtin, err := h.clientConfig(name)
	if err != nil {
		return nil, err
	}
	return h.launch(ctx, name, cfg, builtin)
}

// clientConfig decides how the named provider runs: reattached, a
// developer override, a built-in (builtin: this very binary), or a
// verified third-party binary.
func (h *Host) clientConfig(name string) (cfg *plugin.ClientConfig, builtin bool, err error) {
	reattach, err := h.reattachConfig(name)
	if err != nil {
		return nil, false, err
	}
	if reattach != nil {
		h.logger.Warn("reattaching to a provider started outside easel", "provider", name, "pid", reattach.Pid)
		return h.baseConfig(name, &plugin.ClientConfig{Reattach: reattach}), false, nil
	}
	cmd, builtin, err := h.command(name)
	if err != nil {
		return nil, false, err
	}
	cmd.Env = append(cmd.Environ(), h.opts.Env...)
	cfg = &plugin.ClientConfig{Cmd: cmd, SkipHostEnv: true}
	if err := secure(cfg, builtin); err != nil {
		return nil, false, fmt.Errorf("starting provider %q: %w", name, err)
	}
	return h.baseConfig(name, cfg), builtin, nil
}

// command returns the unstarted process for the named provider, and
// whether it is this very binary serving a built-in.
func (h *Host) command(name string) (cmd *exec.Cmd, builtin bool, err error) {
	if path := h.opts.Getenv(overrideEnv(name)); path != "" {
		h.logger.Warn("using a local provider build; its checksum is not verified",
			"provider", name, "path", path, "variable", overrideEnv(name))
		return exec.Command(path), false, nil
	}
	if h.runsBuiltin(name) {
		if h.opts.Executable == "" {
			return nil, false, fmt.Errorf("starting built-in provider %q: the easel executable is unknown", name)
		}
		return exec.Command(h.opts.Executable, BuiltinArg, name), true, nil
	}
	path, sum, err := h.Discover(name)
	if err != nil {
		return nil, false, err
	}
	if err := h.checkPin(name, path, sum); err != nil {
		return nil, false, err
	}
	return exec.Command(path), false, nil
}

// runsBuiltin reports whether the named provider is served by Executable
// itself: a built-in that EASEL_PROVIDER_PATH_* does not point elsewhere.
// A reattach variable comes before both (clientConfig).
func (h *Host) runsBuiltin(name string) bool {
	return slices.Contains(h.opts.Builtins, name) && h.opts.Getenv(overrideEnv(name)) == ""
}

// BuiltinArg is the first argument the easel binary is re-executed with to
// serve a built-in provider: "easel __provider NAME".
const BuiltinArg = "__provider"

// Close stops every provider still running: each is asked to stop and is
// killed if it does not exit within a few seconds. Start fails after Close.
func (h *Host) Close() {
	h.mu.Lock()
	h.closed = true
	ps := make([]*provider, 0, len(h.providers))
	for p := range h.providers {
		ps = append(ps, p)
	}
	h.mu.Unlock()
	h.starting.Wait()
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Go(func() { _ = p.Close() })
	}
	wg.Wait()
}

func (h *Host) add(p *provider) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return ErrClosed
	}
	h.providers[p] = struct{}{}
	return nil
}

func (h *Host) remove(p *provider) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.providers, p)
}
