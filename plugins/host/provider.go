package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

// stopTimeout is how long Close waits for a provider to acknowledge Stop
// before killing its process.
const stopTimeout = 3 * time.Second

// errExited is the cause of every failure after a provider process died.
var errExited = errors.New("the provider process exited unexpectedly")

// provider is one provider process, seen through plugins.Provider.
type provider struct {
	name       string
	host       *Host
	client     *plugin.Client
	rpc        pb.ProviderClient
	reattached bool
	// reapLater lets Close leave the process's exit to the background, once
	// it acknowledged Stop (Options.ReapInBackground); gone releases the
	// thread that started it, once the process is gone.
	reapLater bool
	gone      func()
	logger    hclog.Logger
	// values encodes image attributes, writing each attribute type as
	// JSON once rather than once per image.
	values pb.Codec
	// urlsByURL is the served schema's url_references_by_url: a URL
	// reference's bytes are not streamed to Generate.
	urlsByURL atomic.Bool

	mu   sync.Mutex
	dead error // set once the process is known to be gone

	closing   atomic.Bool
	closeOnce sync.Once
}

var _ plugins.Provider = (*provider)(nil)

func (p *provider) GetSchema(ctx context.Context) (*plugins.Schema, error) {
	if err := p.alive(); err != nil {
		return nil, err
	}
	resp, err := p.rpc.GetSchema(ctx, &pb.GetSchema_Request{})
	if err != nil {
		return nil, p.callError(ctx, "getting schema", err)
	}
	p.urlsByURL.Store(resp.Schema.GetUrlReferencesByUrl())
	if !p.reattached {
		known, err := p.host.checkKnown(p.name, resp.Schema)
		if err != nil {
			return nil, fmt.Errorf("provider %q: %w", p.name, err)
		}
		if known != nil {
			return known, nil // the same schema, decoded once
		}
	}
	s, err := schemaFromProto(resp.Schema)
	if err != nil {
		return nil, fmt.Errorf("provider %q: schema: %w", p.name, err)
	}
	return s, nil
}

func (p *provider) ValidateConfig(ctx context.Context, config cty.Value) plugins.Diagnostics {
	return p.configCall(ctx, "validating configuration", config, func(req *pb.DynamicValue) ([]*pb.Diagnostic, error) {
		resp, err := p.rpc.ValidateConfig(ctx, &pb.ValidateConfig_Request{Config: req})
		return resp.GetDiagnostics(), err
	})
}

func (p *provider) Configure(ctx context.Context, config cty.Value) plugins.Diagnostics {
	return p.configCall(ctx, "configuring", config, func(req *pb.DynamicValue) ([]*pb.Diagnostic, error) {
		resp, err := p.rpc.Configure(ctx, &pb.Configure_Request{Config: req})
		return resp.GetDiagnostics(), err
	})
}

// configCall encodes a provider block and turns any failure into an error
// diagnostic. The value itself never appears in a message or log.
func (p *provider) configCall(ctx context.Context, what string, config cty.Value, call func(*pb.DynamicValue) ([]*pb.Diagnostic, error)) plugins.Diagnostics {
	if err := p.alive(); err != nil {
		return errorDiags(what, err)
	}
	dv, err := pb.EncodeValue(config)
	if err != nil {
		return errorDiags(what, fmt.Errorf("provider %q: %w", p.name, err))
	}
	diags, err := call(dv)
	if err != nil {
		return errorDiags(what, p.callError(ctx, what, err))
	}
	return diagsFromProto(diags)
}

func errorDiags(what string, err error) plugins.Diagnostics {
	return plugins.Diagnostics{{Severity: plugins.SeverityError, Summary: "Provider failed " + what, Detail: err.Error()}}
}

// Close asks the provider to stop and ends its process, killing it if it
// does not acknowledge Stop within stopTimeout. A reattached provider is
// left running. Close is safe to call more than once.
func (p *provider) Close() error {
	p.closeOnce.Do(func() {
		p.closing.Store(true)
		p.host.remove(p)
		stopped := false
		if p.alive() == nil {
			// Close has no context of its own: bound it here.
			ctx, cancel := context.WithTimeout(context.Background(), stopTimeout)
			_, err := p.rpc.Stop(ctx, &pb.Stop_Request{})
			cancel()
			stopped = err == nil
			if err != nil && !p.reattached {
				p.logger.Warn("provider did not stop; killing it", "error", err)
				p.killProcess()
			}
		}
		if p.reattached {
			p.disconnect()
		}
		// A provider that acknowledged Stop exits by itself, and this one
		// dies with easel anyway (Options.ReapInBackground).
		if stopped && p.reapLater {
			go func() {
				p.client.Kill()
				p.gone()
			}()
			return
		}
		p.client.Kill()
		p.gone()
	})
	return nil
}

// disconnect closes the connection to a reattached provider without
// asking it to shut down (go-plugin's Kill would): it serves on.
func (p *provider) disconnect() {
	if c, err := p.client.Client(); err == nil {
		if gc, ok := c.(*plugin.GRPCClient); ok {
			_ = gc.Conn.Close()
		}
	}
}

// killProcess kills the process at once, for a provider that is hung.
func (p *provider) killProcess() {
	rc := p.client.ReattachConfig()
	if rc == nil || rc.Pid <= 0 {
		return
	}
	if proc, err := os.FindProcess(rc.Pid); err == nil {
		_ = proc.Kill()
	}
}

// alive fails fast once the process is known to be gone.
func (p *provider) alive() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.dead == nil && p.client.Exited() {
		p.dead = errExited
	}
	if p.dead != nil {
		return fmt.Errorf("provider %q is not running: %w", p.name, p.dead)
	}
	return nil
}

// errClosed is the cause of calls cut short by Close.
var errClosed = errors.New("the provider was shut down")

// callError explains a failed RPC: the caller's context ending, Close, the
// process dying, or an error reported by the provider.
func (p *provider) callError(ctx context.Context, what string, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("provider %q: %s: %w", p.name, what, context.Cause(ctx))
	case pastDeadline(ctx):
		// gRPC can report the cancelled stream a moment before the
		// context itself says its deadline passed.
		return fmt.Errorf("provider %q: %s: %w", p.name, what, context.DeadlineExceeded)
	case p.closing.Load():
		return fmt.Errorf("provider %q: %s: %w", p.name, what, errClosed)
	case p.lost(err):
		return fmt.Errorf("provider %q: %s: %w", p.name, what, errExited)
	}
	if s, ok := status.FromError(err); ok {
		return fmt.Errorf("provider %q: %s: %s", p.name, what, s.Message())
	}
	return fmt.Errorf("provider %q: %s: %w", p.name, what, err)
}

// lost reports whether err means the connection to the process is gone,
// and if so marks the provider dead so later calls fail fast.
func (p *provider) lost(err error) bool {
	if status.Code(err) != codes.Unavailable && !p.client.Exited() {
		return false
	}
	p.mu.Lock()
	if p.dead == nil {
		p.dead = errExited
		p.logger.Error("provider process exited unexpectedly")
	}
	p.mu.Unlock()
	if !p.reattached {
		p.killProcess() // a broken connection to a live process is no better
	}
	return true
}

func pastDeadline(ctx context.Context) bool {
	dl, ok := ctx.Deadline()
	return ok && !time.Now().Before(dl)
}
