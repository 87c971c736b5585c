package sdk

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"google.golang.org/grpc"

	pb "github.com/easelhq/easel/plugins/proto"
)

// Serve serves p to easel over the plugin protocol. A provider binary's
// main function calls it and returns when it returns: easel starts the
// binary, talks to it, and tells it when to exit. Run by hand, the binary
// says it is a plugin and exits.
func Serve(p Provider) {
	ServeOpts(p, ServeOptions{})
}

// ServeOptions change how ServeOpts serves a provider.
type ServeOptions struct {
	// Debug serves the provider in the foreground, for a debugger, instead
	// of waiting to be started by easel. It prints the
	// EASEL_REATTACH_PROVIDERS value that makes easel use this process, and
	// serves until Context ends (or an interrupt when Context is nil).
	Debug bool
	// Name is the provider's name in the printed reattach value. The
	// default comes from the binary's name, easel-provider-NAME.
	Name string
	// Context ends a debug-mode server; ignored otherwise.
	Context context.Context
	// DebugOut receives the debug-mode instructions; nil means os.Stdout.
	DebugOut io.Writer
	// TempDir is where reference bytes are spooled during Generate; ""
	// means the system's temporary directory.
	TempDir string
}

// ReattachEnv is the variable easel reads to reattach to debug-mode
// providers instead of starting them.
const ReattachEnv = "EASEL_REATTACH_PROVIDERS"

// ServeOpts is Serve with options, such as the debug mode.
func ServeOpts(p Provider, opts ServeOptions) {
	// The logger writes JSON to the real stderr, which easel reads into its
	// own log at the level of each line.
	logger := hclog.New(&hclog.LoggerOptions{Level: hclog.Trace, Output: os.Stderr, JSONFormat: true})
	srv := newServer(p, logger, opts.TempDir)
	cfg := &plugin.ServeConfig{
		HandshakeConfig: plugin.HandshakeConfig{
			ProtocolVersion:  pb.ProtocolVersion,
			MagicCookieKey:   pb.MagicCookieKey,
			MagicCookieValue: pb.MagicCookieValue,
		},
		Plugins: plugin.PluginSet{pb.PluginName: &grpcPlugin{srv: srv}},
		GRPCServer: func(o []grpc.ServerOption) *grpc.Server {
			o = append(o, grpc.MaxRecvMsgSize(pb.MaxMessageSize), grpc.MaxSendMsgSize(pb.MaxMessageSize))
			return grpc.NewServer(o...)
		},
		Logger:      logger,
		TLSProvider: hostTLS,
	}
	if opts.Debug {
		serveDebug(cfg, opts)
		return
	}
	plugin.Serve(cfg)
}

// grpcPlugin is the server half of go-plugin's GRPCPlugin.
type grpcPlugin struct {
	plugin.NetRPCUnsupportedPlugin
	srv *server
}

func (g *grpcPlugin) GRPCServer(_ *plugin.GRPCBroker, s *grpc.Server) error {
	pb.RegisterProviderServer(s, g.srv)
	return nil
}

func (g *grpcPlugin) GRPCClient(context.Context, *plugin.GRPCBroker, *grpc.ClientConn) (any, error) {
	return nil, fmt.Errorf("a provider is not a plugin client")
}

// serveDebug serves in go-plugin's test mode and prints how to reattach.
func serveDebug(cfg *plugin.ServeConfig, opts ServeOptions) {
	ctx := opts.Context
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
	}
	out := opts.DebugOut
	if out == nil {
		out = os.Stdout
	}
	name := opts.Name
	if name == "" {
		name = strings.TrimSuffix(strings.TrimPrefix(filepath.Base(os.Args[0]), "easel-provider-"), ".exe")
	}
	reattach := make(chan *plugin.ReattachConfig, 1)
	closed := make(chan struct{})
	cfg.Test = &plugin.ServeTestConfig{Context: ctx, ReattachConfigCh: reattach, CloseCh: closed}
	go plugin.Serve(cfg)
	select {
	case rc := <-reattach:
		printReattach(out, name, rc)
	case <-closed:
		return
	}
	<-closed
}

// reattachJSON is one entry of EASEL_REATTACH_PROVIDERS.
type reattachJSON struct {
	Protocol        string
	ProtocolVersion int
	Pid             int
	Test            bool
	Addr            struct{ Network, String string }
}

func printReattach(out io.Writer, name string, rc *plugin.ReattachConfig) {
	r := reattachJSON{Protocol: string(rc.Protocol), ProtocolVersion: rc.ProtocolVersion, Pid: rc.Pid, Test: rc.Test}
	r.Addr.Network, r.Addr.String = rc.Addr.Network(), rc.Addr.String()
	b, _ := json.Marshal(map[string]reattachJSON{name: r}) // plain strings and ints: cannot fail
	fmt.Fprintf(out, "Provider %q is serving in debug mode. Run easel with this in its environment:\n\n\t%s='%s'\n\n", name, ReattachEnv, b)
}
