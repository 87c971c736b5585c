package host

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

// handshake must match the one in plugins/sdk.
var handshake = plugin.HandshakeConfig{
	ProtocolVersion:  pb.ProtocolVersion,
	MagicCookieKey:   pb.MagicCookieKey,
	MagicCookieValue: pb.MagicCookieValue,
}

// defaultStartTimeout bounds how long a provider may take to start when the
// caller's context has no deadline.
const defaultStartTimeout = time.Minute

// grpcPlugin is the client half of go-plugin's GRPCPlugin.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
}

func (grpcPlugin) GRPCServer(*plugin.GRPCBroker, *grpc.Server) error {
	return fmt.Errorf("easel does not serve providers")
}

func (grpcPlugin) GRPCClient(_ context.Context, _ *plugin.GRPCBroker, conn *grpc.ClientConn) (any, error) {
	return pb.NewProviderClient(conn), nil
}

// baseConfig fills in what every provider client shares.
func (h *Host) baseConfig(name string, cfg *plugin.ClientConfig) *plugin.ClientConfig {
	cfg.HandshakeConfig = handshake
	cfg.Plugins = plugin.PluginSet{pb.PluginName: grpcPlugin{}}
	cfg.AllowedProtocols = []plugin.Protocol{plugin.ProtocolGRPC}
	cfg.Logger = h.providerLogger(name)
	cfg.SyncStdout = newLogWriter(cfg.Logger, "stdout")
	cfg.SyncStderr = newLogWriter(cfg.Logger, "stderr")
	cfg.GRPCDialOptions = []grpc.DialOption{grpc.WithDefaultCallOptions(
		grpc.MaxCallRecvMsgSize(pb.MaxMessageSize), grpc.MaxCallSendMsgSize(pb.MaxMessageSize))}
	return cfg
}

// providerLogger is where go-plugin and the provider's stderr log to.
// go-plugin logs provider stderr lines at their own level (JSON hclog) or
// at debug (plain text); it never logs RPC payloads.
func (h *Host) providerLogger(name string) hclog.Logger {
	return h.logger.Named("provider").With("provider", name)
}

// launch starts the process described by cfg, connects to it and registers
// it with the host. Files handed to the process (its TLS material) are
// closed on easel's side once it has started.
func (h *Host) launch(ctx context.Context, name string, cfg *plugin.ClientConfig, builtin bool) (plugins.Provider, error) {
	var handed []*os.File
	if cfg.Cmd != nil {
		handed = cfg.Cmd.ExtraFiles
	}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		closeFiles(handed)
		return nil, ErrClosed
	}
	h.starting.Add(1)
	h.mu.Unlock()
	defer h.starting.Done()

	cfg.StartTimeout = defaultStartTimeout
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < cfg.StartTimeout {
		cfg.StartTimeout = max(time.Until(dl), time.Millisecond)
	}
	dies := cfg.Cmd != nil && dieWithEasel(cfg.Cmd)
	gone := make(chan struct{})
	released := sync.OnceFunc(func() { close(gone) }) // once the process is gone
	client := plugin.NewClient(cfg)
	rpc, err := h.connect(ctx, client, handed, dies, gone)
	if err != nil {
		released()
		return nil, fmt.Errorf("starting provider %q: %w", name, err)
	}
	p := &provider{name: name, host: h, client: client, rpc: rpc,
		reattached: cfg.Reattach != nil, reapLater: dies && builtin && h.opts.ReapInBackground, gone: released,
		logger: h.providerLogger(name)}
	if err := h.add(p); err != nil {
		client.Kill()
		released()
		return nil, err
	}
	return p, nil
}

// connect starts the client and dispenses the provider, giving up when ctx
// ends. A start abandoned that way is killed once go-plugin lets go of it.
// The handed files are closed once the start is over, either way.
func (h *Host) connect(ctx context.Context, client *plugin.Client, handed []*os.File, dies bool, gone <-chan struct{}) (pb.ProviderClient, error) {
	type result struct {
		rpc pb.ProviderClient
		err error
	}
	ch := make(chan result)
	abandon := make(chan struct{})
	h.starting.Add(1)
	go func() {
		if dies {
			// The process dies with the thread that starts it: this one,
			// held until the process is gone (Go ends a thread only when
			// the goroutine locked to it returns).
			runtime.LockOSThread()
			defer func() { <-gone }()
		}
		defer h.starting.Done()
		rpc, err := dispense(client)
		closeFiles(handed)
		select {
		case ch <- result{rpc, err}:
		case <-abandon:
			client.Kill()
		}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			client.Kill()
		}
		return r.rpc, r.err
	case <-ctx.Done():
		close(abandon)
		return nil, ctx.Err()
	}
}

func dispense(client *plugin.Client) (pb.ProviderClient, error) {
	rpcClient, err := client.Client()
	if err != nil {
		return nil, err
	}
	raw, err := rpcClient.Dispense(pb.PluginName)
	if err != nil {
		return nil, err
	}
	rpc, ok := raw.(pb.ProviderClient)
	if !ok {
		return nil, fmt.Errorf("unexpected plugin client type %T", raw)
	}
	return rpc, nil
}

func closeFiles(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
