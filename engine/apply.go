package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins"
)

// ErrStalePlan is returned by Apply for a plan that no longer matches the
// configuration, the inputs or the lockfile.
var ErrStalePlan = errors.New("the saved plan is stale")

// applier holds the state of one Apply call.
type applier struct {
	p     *Project
	pl    *planner
	opts  ApplyOptions
	lock  *lockSaver
	cache *outputCache

	evMu sync.Mutex // serialises OnEvent

	mu        sync.Mutex
	spent     float64 // budget: actual costs of finished images
	committed float64 // budget: estimates of running images
	results   map[string]*Result
	instances map[string]*providerInstance // by provider key
	// outputs are the configured output paths, which retire never removes.
	outputs map[string]bool

	// queued is how many calls beyond Parallelism the provider is handed
	// to hold (see queue.go); 0 when it is not. batch names them.
	queued int
	batch  string
	// queuedTo is the provider handed calls with slots: one, as only an
	// apply whose images all go to one provider key queues. Once
	// withdrawn is set, no call with slots is sent.
	queuedTo  plugins.Provider
	withdrawn bool

	// dirs holds, per output directory, whether it takes new files: each
	// is checked once per apply (writable).
	dirs sync.Map // string -> func() error
	// creating lets one image's files be created at a time (prepared).
	creating chan struct{}

	// pending counts, by provider key, the images whose calls are not
	// over (StopIdleProviders); only the walk's coordinator touches it.
	pending map[string]int
}

// Apply carries out a plan made by this Project's latest Plan call. Each
// success is written atomically and persisted in the lockfile at once;
// a failure skips the images that depend on it and nothing else.
func (p *Project) Apply(ctx context.Context, plan *Plan, opts ApplyOptions) (*ApplyResult, error) {
	p.mu.Lock()
	pl := p.lastPlan
	p.mu.Unlock()
	if !plan.HasChanges() {
		return &ApplyResult{}, nil
	}
	if pl == nil || p.opts.ReadOnly {
		return nil, errors.New("apply needs a plan made by the same project, opened for writing")
	}
	if opts.Parallelism <= 0 {
		opts.Parallelism = 10
	}
	if opts.ImageTimeout <= 0 {
		opts.ImageTimeout = 10 * time.Minute
	}
	dropPlanCache(p.dir)
	saver, err := newLockSaver(p.dir, filepath.Join(p.dir, lockfile.FileName), p.Lock)
	if err != nil {
		return nil, err
	}
	a := &applier{p: p, pl: pl, opts: opts, cache: pl.cache, lock: saver,
		results:   map[string]*Result{},
		instances: map[string]*providerInstance{},
		outputs:   p.outputs(),
		batch:     newBatch(),
		creating:  make(chan struct{}, 1)}
	defer a.closeInstances()
	for _, name := range fsxTempDirs(plan) {
		_ = fsx.CleanTemps(filepath.Join(p.dir, name))
	}
	a.indexLocked(plan)
	a.runLocal(plan)
	interrupted := a.walk(ctx, plan)
	a.recordProviders(plan)
	// The lockfile and the stat cache are separate files: written side by
	// side, each with its fsync.
	var statErr error
	saved := make(chan struct{})
	go func() {
		defer close(saved)
		statErr = p.stat.save()
	}()
	err = a.lock.flush()
	<-saved
	if statErr != nil {
		fmt.Fprintln(p.opts.Log, "warning:", statErr)
	}
	return a.summary(interrupted), err
}

// fsxTempDirs lists output directories where a crashed run may have left
// temporary files.
func fsxTempDirs(plan *Plan) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range plan.Changes {
		d := filepath.Dir(filepath.FromSlash(c.Output))
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	sort.Strings(out)
	return out
}

func (a *applier) emit(ev Event) {
	if a.opts.OnEvent == nil {
		return
	}
	a.evMu.Lock()
	defer a.evMu.Unlock()
	a.opts.OnEvent(ev)
}

// finish records an image's result. r.Action is the change's action
// unless the image was done another way (restored instead of generated).
func (a *applier) finish(c *Change, r *Result) {
	r.Address = c.Address
	if r.Action == "" {
		r.Action = c.Action
	}
	r.Estimate = c.Estimate.USD
	a.spend(c, r)
	a.mu.Lock()
	a.results[c.Address] = r
	a.mu.Unlock()
	kind := EventDone
	switch {
	case errors.Is(r.Err, errSkipped):
		kind = EventSkipped
	case r.Err != nil:
		kind = EventFailed
	}
	a.emit(Event{Kind: kind, Address: c.Address, Action: r.Action, Result: r, Err: r.Err, Elapsed: r.Elapsed})
}

func (a *applier) result(addr string) *Result {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.results[addr]
}

// summary totals the results in address order.
func (a *applier) summary(interrupted bool) *ApplyResult {
	a.mu.Lock()
	defer a.mu.Unlock()
	res := &ApplyResult{Interrupted: interrupted}
	for _, r := range a.results {
		res.Results = append(res.Results, r)
		switch {
		case errors.Is(r.Err, errSkipped):
			res.Skipped++
		case r.Err != nil:
			res.Failed++
		default:
			res.Done++
		}
		res.BilledRetries += r.BilledRetries
		if !r.Action.Generates() || r.Err != nil {
			continue
		}
		if r.Estimate != nil {
			res.EstimatedUSD += *r.Estimate
		}
		if r.CostUSD != nil {
			res.ActualUSD += *r.CostUSD
		} else {
			res.UnknownActual++
		}
	}
	sort.Slice(res.Results, func(i, j int) bool { return res.Results[i].Address < res.Results[j].Address })
	return res
}

// Why an image was not attempted; test a Result's Err with errors.Is.
var (
	// ErrSkipped matches every image that was not attempted.
	ErrSkipped = errors.New("skipped")
	// ErrUpstreamFailed: an image it depends on did not succeed.
	ErrUpstreamFailed = errors.New("an upstream image did not succeed")
	// ErrInterrupted: apply was stopped before the image started.
	ErrInterrupted = errors.New("apply was interrupted before it started")
	// ErrProviderStopped: its provider is out of quota or credits.
	ErrProviderStopped = errors.New("its provider stopped taking requests")
	// ErrBudget: starting it could exceed the apply's budget.
	ErrBudget = errors.New("the budget would be exceeded")
)

// notStarted is the skip of an image a stop kept from starting.
var notStarted = &skipError{why: ErrInterrupted.Error(), reason: ErrInterrupted}

// errSkipped is the old internal name of ErrSkipped.
var errSkipped = ErrSkipped

type skipError struct {
	why    string
	reason error
}

func (e *skipError) Error() string { return "skipped: " + e.why }
func (e *skipError) Is(target error) bool {
	return target == ErrSkipped || (e.reason != nil && target == e.reason)
}

// runLocal performs the changes that need no provider (deletes, moves,
// restores) before any generation, so that a new image never races an old
// one for the same path.
func (a *applier) runLocal(plan *Plan) {
	for _, c := range plan.Changes {
		var err error
		start := time.Now()
		switch c.Action {
		case Delete:
			err = a.deleteOutput(c)
		case Move:
			err = a.move(c)
		case Restore:
			if pi := a.pl.byAddr[c.Address]; pi != nil && pi.cached != nil {
				err = a.restoreCached(c, pi)
			} else {
				err = a.restore(c)
			}
		default:
			continue
		}
		a.finish(c, &Result{Output: c.Output, Err: err, Elapsed: time.Since(start)})
	}
}

func (a *applier) abs(rel string) string {
	return filepath.Join(a.p.dir, filepath.FromSlash(rel))
}

// writable creates dir and makes sure it takes new files, once per apply
// and directory: the files of an image are created while its call is in
// flight, too late to spare the cost of one that cannot be written.
func (a *applier) writable(dir string) error {
	check, _ := a.dirs.LoadOrStore(dir, sync.OnceValue(func() error { return fsx.Writable(dir) }))
	return check.(func() error)()
}

// deleteOutput removes an image that left the configuration. Its bytes stay
// in the cache, indexed by its spec, so declaring it again restores it; a
// file edited since easel wrote it is kept, and so is every file with
// -keep-orphans.
func (a *applier) deleteOutput(c *Change) error {
	le := a.p.Lock.Image(c.Address)
	if le == nil {
		return nil
	}
	path := a.abs(le.Output)
	sum, _, err := fsx.HashFile(path)
	switch {
	case err == nil && sum == le.SHA256:
		if err := a.cache.store(path, sum); err != nil {
			return fmt.Errorf("keeping a copy in the cache before deleting: %w", err)
		}
		if a.pl.opts.KeepOrphans || a.outputs[le.Output] {
			break // kept, or now another image's output
		}
		if err := os.Remove(path); err != nil {
			return err
		}
	case err == nil:
		fmt.Fprintf(a.p.opts.Log, "%s: %s was edited outside easel; kept\n", c.Address, le.Output)
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	if err := a.cache.ensureIndexed(le); err != nil {
		fmt.Fprintf(a.p.opts.Log, "%s: %v\n", c.Address, err)
	}
	return a.lock.remove(c.Address)
}

// indexLocked makes sure the spec of every locked entry this apply
// replaces or removes is in the spec index (an entry from before the index
// existed is not), so that going back to it restores it.
func (a *applier) indexLocked(plan *Plan) {
	for _, c := range plan.Changes {
		if c.Action != Regenerate && c.Action != Restore {
			continue
		}
		if le := a.p.Lock.Image(c.Address); le != nil {
			if err := a.cache.ensureIndexed(le); err != nil {
				fmt.Fprintf(a.p.opts.Log, "%s: %v\n", c.Address, err)
			}
		}
	}
}

// outputs are the output paths of every configured image.
func (p *Project) outputs() map[string]bool {
	out := make(map[string]bool, len(p.byAddr))
	for _, n := range p.byAddr {
		out[n.inst.Output] = true
	}
	return out
}

// move renames an output whose spec is unchanged.
func (a *applier) move(c *Change) error {
	le := a.p.Lock.Image(c.Address)
	dst := a.abs(c.Output)
	if sum, _, err := fsx.HashFile(dst); err == nil && sum == le.SHA256 {
		return a.relocated(le, c.Output)
	}
	src := a.abs(le.Output)
	if sum, _, err := fsx.HashFile(src); err == nil && sum == le.SHA256 {
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Rename(src, dst); err != nil {
			return fmt.Errorf("moving %s to %s: %w", le.Output, c.Output, err)
		}
		return a.relocated(le, c.Output)
	}
	if err := a.cache.restore(le.SHA256, dst); err != nil {
		return fmt.Errorf("restoring %s from the cache: %w", c.Output, err)
	}
	return a.relocated(le, c.Output)
}

func (a *applier) relocated(le *lockfile.Image, output string) error {
	e := *le
	e.Output = output
	a.p.stat.record(a.abs(output), e.SHA256)
	return a.lock.set(&e)
}

// restore copies a missing output back from the cache.
func (a *applier) restore(c *Change) error {
	le := a.p.Lock.Image(c.Address)
	if err := a.cache.restore(le.SHA256, a.abs(c.Output)); err != nil {
		return fmt.Errorf("restoring from the cache: %w", err)
	}
	a.p.stat.record(a.abs(c.Output), le.SHA256)
	return nil
}

// recordProviders pins the providers this run used in the lockfile.
func (a *applier) recordProviders(plan *Plan) {
	for name, sch := range a.p.Schemas {
		used := false
		for _, c := range plan.Changes {
			used = used || providerName(c.Provider) == name
		}
		if !used && a.p.Lock.Provider(name) != nil {
			continue
		}
		prev := a.p.Lock.Provider(name)
		pin := &lockfile.Provider{Name: name, Source: a.p.sourceOf(name), Version: sch.Version}
		if prev != nil {
			pin.Checksum = prev.Checksum
		}
		a.lock.setProvider(pin)
	}
}

// providerInstance is a provider process configured for one provider key.
type providerInstance struct {
	once sync.Once
	prov plugins.Provider
	own  bool // started for this key (closed by the applier)
	err  error
	// exhausted is set when the provider reported it is out of quota.
	exhausted error
	mu        sync.Mutex
}

// closeInstances stops the provider processes the applier started, in
// parallel.
func (a *applier) closeInstances() {
	a.mu.Lock()
	defer a.mu.Unlock()
	var own []plugins.Provider
	for _, inst := range a.instances {
		if inst.own && inst.prov != nil {
			own = append(own, inst.prov)
		}
	}
	closeAll(own)
}
