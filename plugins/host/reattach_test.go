package host

import (
	"bufio"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/zclconf/go-cty/cty"

	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/plugins/sdk"
)

// A provider served in debug mode prints EASEL_REATTACH_PROVIDERS; easel
// then uses that process instead of starting one, and leaves it running.
func TestReattachToDebugProvider(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(testContext(t))
	pr, pw := io.Pipe()
	served := make(chan struct{})
	go func() {
		defer close(served)
		sdk.ServeOpts(newFakeProvider(), sdk.ServeOptions{Debug: true, Name: "fake", Context: ctx, DebugOut: pw})
	}()
	defer func() { cancel(); <-served }()
	reattach := readReattach(t, pr)
	go io.Copy(io.Discard, pr)

	for run := range 2 { // the process outlives an easel run
		opts, _ := testOptions(t, map[string]string{ReattachEnv: reattach})
		opts.Builtins = nil // the name resolves only through the reattach variable
		h := New(opts)
		p := startProvider(t, h, "fake")
		s, err := p.GetSchema(testContext(t))
		if err != nil || s.Version != "1.2.3" {
			t.Fatalf("run %d: GetSchema = %+v, %v", run, s, err)
		}
		ref := plugins.Reference{Kind: plugins.ReferenceFile, Name: "a.png", Size: 5, Open: openBytes([]byte("hello"))}
		res, err := p.Generate(testContext(t), imageReq("image.a", map[string]cty.Value{"mode": cty.StringVal("echo")}, ref), discard{})
		if err != nil || !strings.HasPrefix(res.Metadata["ref0"], "file a.png 5 2cf24dba") {
			t.Fatalf("run %d: Generate = %+v, %v", run, res, err)
		}
		h.Close()
	}
}

// readReattach returns the quoted value of the EASEL_REATTACH_PROVIDERS
// line the debug server prints.
func readReattach(t *testing.T, r io.Reader) string {
	t.Helper()
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if v, ok := strings.CutPrefix(line, ReattachEnv+"='"); ok {
			return strings.TrimSuffix(v, "'")
		}
	}
	t.Fatalf("no %s line in the debug output (%v)", ReattachEnv, sc.Err())
	return ""
}
