package host

import (
	"errors"

	"google.golang.org/protobuf/proto"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

// KnownSchema returns the schema of a built-in provider without starting
// its process: easel serves its built-ins from its own binary, so it
// knows their schemas already, and the engine can evaluate while the
// process starts. ok is false for a provider that may run other code (a
// third-party binary, a local build named by EASEL_PROVIDER_PATH_*, a
// reattached process) and without Options.BuiltinSchema. The process's
// own schema is still read when it starts: GetSchema fails if it differs.
func (h *Host) KnownSchema(name string) (*plugins.Schema, bool) {
	if h.opts.BuiltinSchema == nil || !h.runsBuiltin(name) {
		return nil, false
	}
	if rc, err := h.reattachConfig(name); rc != nil || err != nil {
		return nil, false
	}
	wire, err := h.opts.BuiltinSchema(name)
	if err != nil {
		return nil, false
	}
	s, err := schemaFromProto(wire)
	if err != nil {
		return nil, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.known == nil {
		h.known = map[string]knownSchema{}
	}
	h.known[name] = knownSchema{wire: wire, schema: s}
	return s, true
}

// knownSchema is a schema KnownSchema gave out: as the process would send
// it, and decoded.
type knownSchema struct {
	wire   *pb.Schema
	schema *plugins.Schema
}

// checkKnown compares the schema a provider serves with the one
// KnownSchema gave out for it. When they are the same it returns the one
// already decoded (nil when none was given out). It fails when they
// differ: the binary on disk is no longer the one running (easel was
// replaced during the run), and what was evaluated against the old schema
// cannot be trusted.
func (h *Host) checkKnown(name string, served *pb.Schema) (*plugins.Schema, error) {
	h.mu.Lock()
	k, ok := h.known[name]
	h.mu.Unlock()
	switch {
	case !ok:
		return nil, nil
	case proto.Equal(k.wire, served):
		return k.schema, nil
	}
	return nil, errSchemaChanged
}

var errSchemaChanged = errors.New("it serves a schema other than the one built into this easel binary; was easel replaced while it ran? Run the command again")
