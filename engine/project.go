package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/fetch"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/marks"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
	"golang.org/x/sync/errgroup"
)

// StateDir is the project-local directory for caches, plugins and the run lock.
const StateDir = ".easel"

// Project is a loaded, evaluated configuration with its lockfile and
// providers, ready to plan and apply. Close it when done.
type Project struct {
	opts      Options
	dir       string
	Config    *schema.Config
	Evaluated *schema.Evaluated
	Lock      *lockfile.File
	// LockBytes are the lockfile's bytes as read (nil when there was none).
	lockBytes []byte
	// Schemas are the providers' schemas by provider name.
	Schemas map[string]*plugins.Schema

	graph  *graph
	byAddr map[string]*node
	stat   *statCache
	unlock func() error

	mu        sync.Mutex
	providers map[string]plugins.Provider // by name: the process used for schema, validation and estimates
	// started waits for the providers load started without waiting for
	// them (Options.PlanWhileProvidersStart), once, and returns their
	// start and configuration diagnostics; nil when load waited. Set
	// before Open returns, never after.
	started func() hcl.Diagnostics
	// stopping are the providers Apply stopped early, still winding down.
	stopping sync.WaitGroup
	lastPlan *planner
	urls     urlFetches // URL references fetched in this run

	loaded       bool
	loadReported bool        // Open returned the load's diagnostics
	cached       *planCache  // set when Open answered from the plan cache
	inputs       *inputFiles // the files this load read, for the plan cache
}

// Open loads the configuration in opts.Dir, the lockfile and the providers'
// schemas, evaluates everything and builds the image graph. Diagnostics
// describe every problem found; when they hold errors the Project must not
// be planned or applied, but Files still serves to render them.
//
// With opts.PlanCache, Open first checks the plan cache: when no input
// changed since a plan that found nothing to do, it loads nothing and only
// Plan without targets is answered (from the cache); Load loads on demand.
func Open(ctx context.Context, opts Options) (*Project, hcl.Diagnostics) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Log == nil {
		opts.Log = io.Discard
	}
	if opts.Fetcher == nil {
		opts.Fetcher = &fetch.Fetcher{}
	}
	dir, err := filepath.Abs(opts.Dir)
	if err != nil {
		return nil, errDiag("Invalid project directory", err.Error())
	}
	p := &Project{opts: opts, dir: dir, providers: map[string]plugins.Provider{}}
	if !opts.ReadOnly {
		if d := p.takeRunLock(ctx); d != nil {
			return nil, d
		}
		cleanStateTemps(dir, opts.Log)
		if err := recoverJournal(dir); err != nil {
			p.Close()
			return nil, errDiag("Cannot recover the previous run's results", err.Error())
		}
	}
	if opts.PlanCache {
		if c := readPlanCache(p); c != nil {
			p.cached = c
			return p, nil
		}
	}
	diags := p.Load(ctx)
	p.loadReported = true
	if diags.HasErrors() {
		p.Close()
	}
	return p, diags
}

// Load loads and evaluates the project if Open did not. It returns the
// load's diagnostics the first time and nothing after.
func (p *Project) Load(ctx context.Context) hcl.Diagnostics {
	if p.loaded {
		return nil
	}
	p.loaded = true
	p.cached = nil
	p.inputs = newInputFiles(p)
	return p.load(ctx)
}

// Loaded reports whether the configuration was loaded (it is not when Open
// answered from the plan cache).
func (p *Project) Loaded() bool { return p.loaded }

// Files returns the source files by the names diagnostics use, for
// rendering snippets.
func (p *Project) Files() map[string]*hcl.File {
	switch {
	case p.Evaluated != nil && p.Evaluated.Files != nil:
		return p.Evaluated.Files
	case p.Config != nil:
		return p.Config.Files
	case p.cached != nil:
		return p.cached.files(p.dir)
	}
	return nil
}

func (p *Project) load(ctx context.Context) hcl.Diagnostics {
	p.inputs.statConfig()
	// The lockfile and the stat cache do not depend on the configuration:
	// read them on another core while it parses.
	lockPath := filepath.Join(p.dir, lockfile.FileName)
	var lock *lockfile.File
	var ldiags hcl.Diagnostics
	var stat *statCache
	reads, _ := errgroup.WithContext(ctx)
	reads.Go(func() error {
		p.inputs.stat(lockPath)
		lock, ldiags = lockfile.Load(lockPath)
		stat = loadStatCache(filepath.Join(p.dir, StateDir, "statcache"))
		return nil
	})
	cfg, diags := schema.Load(p.dir)
	_ = reads.Wait()
	p.Config = cfg
	diags = append(diags, ldiags...)
	p.Lock = lock
	if cfg == nil || diags.HasErrors() {
		return diags
	}
	if ps, ok := p.opts.Providers.(PinSetter); ok {
		ps.SetPins(lockPins(lock))
	}
	// The providers start while what needs no schema is evaluated, and
	// everything when their schemas are known without them.
	started := make(chan startedProviders, 1)
	go func() { started <- p.startProviders(ctx, cfg.ProviderNames()) }()
	known := p.knownSchemas(cfg.ProviderNames())
	waitProviders := sync.OnceValue(func() hcl.Diagnostics {
		sp := <-started
		p.mu.Lock()
		p.providers = sp.providers
		p.mu.Unlock()
		if known == nil {
			p.Schemas = sp.schemas
		}
		return sp.diags
	})
	if known != nil {
		p.Schemas = known
	}
	in := schema.Inputs{Vars: p.opts.Vars, VarFiles: p.opts.VarFiles, Env: p.opts.Env, OnFileRead: p.inputs.stat}
	ev, ediags := cfg.EvaluateLater(in, func() map[string]*plugins.Schema {
		if known == nil {
			waitProviders()
		}
		return p.Schemas
	})
	p.Evaluated = ev
	evaluated := ev != nil && !ediags.HasErrors()
	ready := sync.OnceValue(func() hcl.Diagnostics {
		diags := waitProviders()
		if !evaluated || diags.HasErrors() {
			return diags
		}
		return append(diags, p.validateProviderConfigs(ctx)...)
	})
	if known != nil && evaluated && p.opts.PlanWhileProvidersStart {
		p.started = ready
	} else {
		diags = append(diags, ready()...)
	}
	diags = append(diags, ediags...)
	if ev == nil || diags.HasErrors() {
		return diags
	}
	g, gdiags := buildGraph(ev.Images)
	diags = append(diags, gdiags...)
	p.graph = g
	if g != nil {
		p.byAddr = g.byAddr
	}
	p.stat = stat
	return diags
}

// knownSchemas returns the schemas of the named providers when the
// provider source knows every one without starting it, and nil otherwise.
// The processes serve the same schemas (the host checks), so evaluating
// against these need not wait for them.
func (p *Project) knownSchemas(names []string) map[string]*plugins.Schema {
	sk, ok := p.opts.Providers.(SchemaKnower)
	if !ok {
		return nil
	}
	known := make(map[string]*plugins.Schema, len(names))
	for _, name := range names {
		s, ok := sk.KnownSchema(name)
		if !ok {
			return nil
		}
		known[name] = s
	}
	return known
}

// takeRunLock makes sure only one easel works in the directory at a time.
func (p *Project) takeRunLock(ctx context.Context) hcl.Diagnostics {
	path := filepath.Join(p.dir, StateDir, "run.lock")
	if err := mkdirState(p.dir); err != nil {
		return errDiag("Cannot create "+StateDir, err.Error())
	}
	wait := p.opts.LockWait > 0
	lctx := ctx
	if wait {
		var cancel context.CancelFunc
		lctx, cancel = context.WithTimeout(ctx, p.opts.LockWait)
		defer cancel()
	}
	unlock, err := fsx.Lock(lctx, path, wait)
	if err != nil {
		if errors.Is(err, fsx.ErrLocked) || errors.Is(err, context.DeadlineExceeded) {
			return errDiag("Another easel is running in this directory",
				"Only one plan or apply may run in a project at a time, so they do not race on outputs and the lockfile. Wait for the other run to finish, or pass -lock-timeout=60s to wait for it.")
		}
		return errDiag("Cannot take the run lock", err.Error())
	}
	p.unlock = unlock
	return nil
}

// startedProviders are the processes startProviders started, by name,
// with their schemas and the diagnostics of those that did not start.
type startedProviders struct {
	providers map[string]plugins.Provider
	schemas   map[string]*plugins.Schema
	diags     hcl.Diagnostics
}

// startProviders starts one process per provider name, in parallel, and
// reads their schemas.
func (p *Project) startProviders(ctx context.Context, names []string) startedProviders {
	sp := startedProviders{providers: map[string]plugins.Provider{}, schemas: map[string]*plugins.Schema{}}
	var mu sync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	for _, name := range names {
		g.Go(func() error {
			prov, sch, err := p.startOne(gctx, name)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				if p.declaresProvider(name) {
					sp.diags = append(sp.diags, providerStartDiag(p.Config, name, err))
				} else {
					fmt.Fprintf(p.opts.Log, "provider %s: %v\n", name, err)
				}
				return nil
			}
			sp.providers[name] = prov
			sp.schemas[name] = sch
			return nil
		})
	}
	_ = g.Wait()
	sort.SliceStable(sp.diags, func(i, j int) bool { return sp.diags[i].Summary < sp.diags[j].Summary })
	return sp
}

// providersStarted waits for the providers Open started without waiting
// for them (Options.PlanWhileProvidersStart) and returns their start and
// configuration diagnostics, for Plan to report.
func (p *Project) providersStarted() hcl.Diagnostics {
	if p.started == nil {
		return nil
	}
	return p.started()
}

func (p *Project) startOne(ctx context.Context, name string) (plugins.Provider, *plugins.Schema, error) {
	if p.opts.Providers == nil {
		return nil, nil, fmt.Errorf("no provider source configured")
	}
	prov, err := p.opts.Providers.Start(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	sch, err := prov.GetSchema(ctx)
	if err != nil {
		prov.Close()
		return nil, nil, fmt.Errorf("reading the schema of provider %q: %w", name, err)
	}
	return prov, sch, nil
}

// declaresProvider reports whether the configuration names the provider in
// required_providers or a provider block: then a failure to start it is
// reported as such. A name used only by images and unknown to the host is
// more likely a typo, which evaluation reports with a suggestion.
func (p *Project) declaresProvider(name string) bool {
	if _, ok := p.Config.RequiredProviders[name]; ok {
		return true
	}
	for _, pb := range p.Config.Providers {
		if pb.Name == name {
			return true
		}
	}
	return name == schema.DefaultProvider
}

// providerStartDiag points at where the config names the provider.
func providerStartDiag(cfg *schema.Config, name string, err error) *hcl.Diagnostic {
	d := &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  fmt.Sprintf("Provider %q could not be started", name),
		Detail:   err.Error(),
	}
	if rng, ok := providerRange(cfg, name); ok {
		d.Subject = &rng
	}
	return d
}

func providerRange(cfg *schema.Config, name string) (hcl.Range, bool) {
	if rp, ok := cfg.RequiredProviders[name]; ok {
		return rp.DeclRange, true
	}
	if pb, ok := cfg.Providers[name]; ok {
		return pb.DeclRange, true
	}
	for _, img := range cfg.Images {
		if providerName(img.ProviderKey) == name {
			return img.ProviderRange, true
		}
	}
	return hcl.Range{}, false
}

// validateProviderConfigs checks every provider block offline.
func (p *Project) validateProviderConfigs(ctx context.Context) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, pi := range p.Evaluated.Providers {
		prov := p.providers[pi.Name]
		if prov == nil {
			continue
		}
		pd := prov.ValidateConfig(ctx, marks.Strip(pi.Config))
		diags = append(diags, mapDiagnostics(pd, pi.AttrRanges, pi.DeclRange)...)
	}
	return diags
}

// Provider returns the started provider process for a provider name.
func (p *Project) Provider(name string) plugins.Provider {
	p.providersStarted() // p.providers is complete after it
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.providers[name]
}

// CloseProviders stops every provider process, in parallel, and keeps the
// run lock. Apply's caller calls it as soon as Apply returns, so the
// processes wind down while it writes its records.
func (p *Project) CloseProviders() {
	p.providersStarted() // p.providers is complete after it
	p.mu.Lock()
	provs := p.providers
	p.providers = map[string]plugins.Provider{}
	p.mu.Unlock()
	closeAll(slices.Collect(maps.Values(provs)))
	p.stopping.Wait()
}

// stopProvider stops prov in the background; CloseProviders waits for it.
func (p *Project) stopProvider(prov plugins.Provider) {
	p.stopping.Go(func() { prov.Close() })
}

// takeProvider removes the named provider from the Project and returns it.
func (p *Project) takeProvider(name string) plugins.Provider {
	p.providersStarted() // p.providers is complete after it
	p.mu.Lock()
	defer p.mu.Unlock()
	prov := p.providers[name]
	delete(p.providers, name)
	return prov
}

// closeAll stops providers in parallel: each waits for its process to
// exit.
func closeAll(provs []plugins.Provider) {
	var wg sync.WaitGroup
	for _, prov := range provs {
		wg.Go(func() { prov.Close() })
	}
	wg.Wait()
}

// Close stops every provider and releases the run lock.
func (p *Project) Close() error {
	p.CloseProviders()
	if p.unlock != nil {
		err := p.unlock()
		p.unlock = nil
		return err
	}
	return nil
}

// Dir is the project directory, absolute.
func (p *Project) Dir() string { return p.dir }

// lockSum is the sha256 of the lockfile's bytes on disk ("" when absent).
func (p *Project) lockSum() string {
	sum, _, err := fsx.HashFile(filepath.Join(p.dir, lockfile.FileName))
	if err != nil {
		return ""
	}
	return sum
}

// cleanStateTemps removes temporary files a killed run may have left
// beside the lockfile, in .easel/ and in the output cache (objects and the
// spec index). The run lock is held.
func cleanStateTemps(dir string, log io.Writer) {
	cache := filepath.Join(dir, StateDir, "cache")
	for _, d := range []string{dir, filepath.Join(dir, StateDir), filepath.Join(cache, "objects"), filepath.Join(cache, "specs")} {
		if err := fsx.CleanTemps(d); err != nil {
			fmt.Fprintln(log, "warning:", err)
		}
	}
}

func lockPins(lock *lockfile.File) map[string]string {
	pins := map[string]string{}
	for _, pv := range lock.Providers {
		if pv.Checksum != "" {
			pins[pv.Name] = pv.Checksum
		}
	}
	return pins
}
