package engine

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// knowingSource knows the fake's schema without starting it, as the host
// knows its built-ins'. Start waits for release, then fails with err or
// starts provider.
type knowingSource struct {
	provider plugins.Provider
	release  chan struct{}
	err      error
}

func (s *knowingSource) KnownSchema(name string) (*plugins.Schema, bool) {
	if name != "fake" {
		return nil, false
	}
	sch, err := s.provider.GetSchema(context.Background())
	return sch, err == nil
}

func (s *knowingSource) Start(ctx context.Context, name string) (plugins.Provider, error) {
	select {
	case <-s.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if s.err != nil {
		return nil, s.err
	}
	return s.provider, nil
}

// badKey is the fake with a provider block it always rejects; it counts
// the checks asked of it.
type badKey struct {
	*fakeProvider
	checks *atomic.Int32
}

func (badKey) ValidateConfig(context.Context, cty.Value) plugins.Diagnostics {
	return plugins.Diagnostics{{Severity: plugins.SeverityError, Summary: "Invalid API key", Path: cty.GetAttrPath("api_key")}}
}

func (b badKey) CheckImages(ctx context.Context, reqs []*plugins.ImageRequest) ([]plugins.Diagnostics, []plugins.Estimate, error) {
	b.checks.Add(1)
	return b.fakeProvider.CheckImages(ctx, reqs)
}

const providerBlockConfig = `
provider "fake" {
  api_key = "k-not-a-secret"
}

image "mascot" {
  provider = fake
  prompt   = "An otter"
  size     = "32x32"
  output   = "out/mascot.png"
}
`

// openWithin runs Open and fails the test if it does not return within a
// generous bound: it must not wait for a provider that has not started.
func openWithin(t *testing.T, opts Options) (*Project, hcl.Diagnostics) {
	t.Helper()
	type opened struct {
		p     *Project
		diags hcl.Diagnostics
	}
	done := make(chan opened, 1)
	go func() {
		p, diags := Open(context.Background(), opts)
		done <- opened{p, diags}
	}()
	select {
	case o := <-done:
		if o.p != nil {
			t.Cleanup(func() { o.p.Close() })
		}
		return o.p, o.diags
	case <-time.After(20 * time.Second):
		t.Fatal("Open waited for a provider whose schema it knew")
		return nil, nil
	}
}

func TestPlanWhileProvidersStart(t *testing.T) {
	t.Parallel()
	dir := writeFiles(t, "", map[string]string{"main.easel.hcl": providerBlockConfig})
	fake := newFakeProvider()
	src := &knowingSource{provider: fake, release: make(chan struct{})}
	p, diags := openWithin(t, Options{Dir: dir, Providers: src, PlanWhileProvidersStart: true})
	if diags.HasErrors() {
		t.Fatalf("Open: %s", diags.Error())
	}
	if p.Evaluated == nil || len(p.Evaluated.Images) != 1 {
		t.Fatalf("Open returned before evaluating: %+v", p.Evaluated)
	}
	close(src.release)
	plan, diags := p.Plan(context.Background(), PlanOptions{})
	if diags.HasErrors() {
		t.Fatalf("Plan: %s", diags.Error())
	}
	if len(plan.Changes) != 1 || plan.Changes[0].Estimate.USD == nil || *plan.Changes[0].Estimate.USD != 0.04 {
		t.Fatalf("Plan did not check and price the image through the started provider: %+v", plan.Changes)
	}
}

func TestProviderFailuresWhilePlanning(t *testing.T) {
	t.Parallel()
	checks := &atomic.Int32{}
	for _, tc := range []struct {
		name     string
		provider plugins.Provider
		err      error
		want     string
		line     int // where it points: the block, or the attribute
	}{
		{"start", newFakeProvider(), errors.New("exec: no such file"), `Provider "fake" could not be started`, 2},
		{"configuration", badKey{newFakeProvider(), checks}, nil, "Invalid API key", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := writeFiles(t, "", map[string]string{"main.easel.hcl": providerBlockConfig})
			release := make(chan struct{})
			close(release)

			// Opened for a plan, the project reports the failure from Plan,
			// with its range, and checks nothing.
			src := &knowingSource{provider: tc.provider, release: release, err: tc.err}
			p, diags := openWithin(t, Options{Dir: dir, Providers: src, PlanWhileProvidersStart: true})
			if diags.HasErrors() {
				t.Fatalf("Open: %s", diags.Error())
			}
			_, diags = p.Plan(context.Background(), PlanOptions{})
			assertProviderDiag(t, "Plan", diags, tc.want, tc.line)
			_, diags = p.Plan(context.Background(), PlanOptions{})
			assertProviderDiag(t, "a second Plan", diags, tc.want, tc.line)
			if n := checks.Load(); n != 0 {
				t.Errorf("Plan checked images %d times through a provider that failed", n)
			}
			p.Close()

			// Opened without planning next, Open reports it, as before.
			p, diags = openWithin(t, Options{Dir: dir, Providers: src})
			assertProviderDiag(t, "Open", diags, tc.want, tc.line)
		})
	}
}

func assertProviderDiag(t *testing.T, from string, diags hcl.Diagnostics, want string, line int) {
	t.Helper()
	for _, d := range diags {
		if d.Severity == hcl.DiagError && strings.Contains(d.Summary, want) {
			if d.Subject == nil || d.Subject.Start.Line != line {
				t.Errorf("%s: %q points at %v, want line %d", from, want, d.Subject, line)
			}
			return
		}
	}
	t.Errorf("%s: no error %q in: %s", from, want, diags.Error())
}
