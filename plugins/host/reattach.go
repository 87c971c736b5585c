package host

import (
	"encoding/json"
	"fmt"
	"net"

	"github.com/hashicorp/go-plugin"
)

// ReattachEnv names the variable listing providers to reattach to instead
// of starting: a JSON object from provider name to the entry a provider
// prints when served in debug mode (sdk.ServeOptions.Debug), such as
//
//	{"fake":{"Protocol":"grpc","ProtocolVersion":1,"Pid":42,"Test":true,
//	         "Addr":{"Network":"unix","String":"/tmp/plugin123"}}}
const ReattachEnv = "EASEL_REATTACH_PROVIDERS"

// reattachEntry is one entry of EASEL_REATTACH_PROVIDERS, shaped like
// Terraform's TF_REATTACH_PROVIDERS.
type reattachEntry struct {
	Protocol        string
	ProtocolVersion int
	Pid             int
	Test            bool
	Addr            reattachAddr
}

// reattachAddr is a network address in reattachEntry.
type reattachAddr struct {
	Network string
	String  string
}

// reattachConfig returns the go-plugin reattach configuration for name, or
// nil when the provider is not listed in EASEL_REATTACH_PROVIDERS.
func (h *Host) reattachConfig(name string) (*plugin.ReattachConfig, error) {
	raw := h.opts.Getenv(ReattachEnv)
	if raw == "" {
		return nil, nil
	}
	var all map[string]reattachEntry
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return nil, fmt.Errorf("parsing %s: %w", ReattachEnv, err)
	}
	rc, ok := all[name]
	if !ok {
		return nil, nil
	}
	addr, err := parseAddr(rc.Addr)
	if err != nil {
		return nil, fmt.Errorf("%s: provider %q: %w", ReattachEnv, name, err)
	}
	if rc.Protocol != "" && rc.Protocol != string(plugin.ProtocolGRPC) {
		return nil, fmt.Errorf("%s: provider %q: protocol %q is not supported, only grpc", ReattachEnv, name, rc.Protocol)
	}
	return &plugin.ReattachConfig{
		Protocol: plugin.ProtocolGRPC, ProtocolVersion: rc.ProtocolVersion,
		Addr: addr, Pid: rc.Pid, Test: rc.Test,
	}, nil
}

func parseAddr(a reattachAddr) (net.Addr, error) {
	switch a.Network {
	case "unix":
		return &net.UnixAddr{Net: "unix", Name: a.String}, nil
	case "tcp":
		addr, err := net.ResolveTCPAddr("tcp", a.String)
		if err != nil {
			return nil, fmt.Errorf("address %q: %w", a.String, err)
		}
		return addr, nil
	default:
		return nil, fmt.Errorf("unsupported network %q (want unix or tcp)", a.Network)
	}
}
