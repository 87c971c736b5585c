package host

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	pb "github.com/easelhq/easel/plugins/proto"
	"github.com/easelhq/easel/plugins/sdk"
)

// builtinSchemas answers Options.BuiltinSchema as easel does, from the
// providers this test binary serves under each built-in name.
func builtinSchemas(name string) (*pb.Schema, error) {
	if name == "bare" {
		return sdk.WireSchema(bareProvider{})
	}
	return sdk.WireSchema(newFakeProvider())
}

func TestKnownSchemaIsWhatTheProcessServes(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	opts.BuiltinSchema = builtinSchemas
	h := newTestHost(t, opts)
	for _, name := range []string{"fake", "bare"} {
		known, ok := h.KnownSchema(name)
		if !ok {
			t.Fatalf("KnownSchema(%q): not known", name)
		}
		p := startProvider(t, h, name)
		// What the process sends, decoded on its own.
		resp, err := p.(*provider).rpc.GetSchema(testContext(t), &pb.GetSchema_Request{})
		if err != nil {
			t.Fatalf("%s: GetSchema: %v", name, err)
		}
		served, err := schemaFromProto(resp.Schema)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(served, known, ctyCmp); diff != "" {
			t.Errorf("%s: known schema differs from the served one (-served +known):\n%s", name, diff)
		}
		// GetSchema checks the served schema and hands back the one
		// decoded already.
		got, err := p.GetSchema(testContext(t))
		if err != nil || got != known {
			t.Errorf("%s: GetSchema = %p, %v; want the known schema %p", name, got, err, known)
		}
	}
}

// A provider that may run code other than this binary's has no known
// schema: evaluation waits for what its process serves.
func TestKnownSchemaOnlyForBuiltinsRunAsSuch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		provider string
		env      map[string]string
		noSource bool
	}{
		{name: "third-party provider", provider: "acme"},
		{name: "local build", provider: "fake", env: map[string]string{"EASEL_PROVIDER_PATH_FAKE": "/opt/fake"}},
		{name: "reattached", provider: "fake", env: map[string]string{ReattachEnv: `{"fake":{"Protocol":"grpc","ProtocolVersion":1,"Pid":1,"Addr":{"Network":"unix","String":"/tmp/x.sock"}}}`}},
		{name: "without BuiltinSchema", provider: "fake", noSource: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts, _ := testOptions(t, tc.env)
			if !tc.noSource {
				opts.BuiltinSchema = builtinSchemas
			}
			if s, ok := newTestHost(t, opts).KnownSchema(tc.provider); ok {
				t.Errorf("KnownSchema(%q) = %v, want not known", tc.provider, s)
			}
		})
	}
}

// If the binary serving a built-in no longer matches the one that gave
// its schema (easel replaced during a run), its GetSchema fails rather
// than let images evaluated against the wrong schema go on.
func TestKnownSchemaThatDiffersFailsGetSchema(t *testing.T) {
	t.Parallel()
	opts, _ := testOptions(t, nil)
	opts.BuiltinSchema = func(string) (*pb.Schema, error) { return sdk.WireSchema(bareProvider{}) }
	h := newTestHost(t, opts)
	if _, ok := h.KnownSchema("fake"); !ok {
		t.Fatal("KnownSchema(fake): not known")
	}
	_, err := startProvider(t, h, "fake").GetSchema(testContext(t))
	if err == nil || !strings.Contains(err.Error(), "other than the one built into this easel binary") {
		t.Fatalf("GetSchema = %v, want the schema mismatch", err)
	}
}
