package engine

import (
	"context"
	"io"
	"time"

	"github.com/easelhq/easel/plugins"
)

// ProviderSource starts provider processes by name. plugins/host.Host is one.
type ProviderSource interface {
	Start(ctx context.Context, name string) (plugins.Provider, error)
}

// SchemaKnower is implemented by a ProviderSource that knows some
// providers' schemas without starting them (easel's built-ins). When it
// knows every provider a configuration uses, evaluation goes on while the
// processes start, rather than waiting for their schemas (and see
// Options.PlanWhileProvidersStart).
type SchemaKnower interface {
	KnownSchema(name string) (*plugins.Schema, bool)
}

// PinSetter is implemented by a ProviderSource that verifies third-party
// provider binaries: after reading the lockfile, the engine hands it the
// lockfile's checksum pins (provider name -> "sha256:<hex>") before starting
// any provider.
type PinSetter interface {
	SetPins(pins map[string]string)
}

// Options configure Open.
type Options struct {
	// Dir is the project directory holding the *.easel.hcl files.
	Dir string
	// Vars are raw -var name=value arguments; VarFiles are -var-file paths;
	// Env is the environment (os.Environ form), for EASEL_VAR_*.
	Vars     []string
	VarFiles []string
	Env      []string
	// Providers starts provider processes.
	Providers ProviderSource
	// LockWait is how long to wait for another easel in the same directory
	// to finish; zero fails at once with a clear message.
	LockWait time.Duration
	// ReadOnly opens without taking the run lock and without writing the
	// stat cache (validate, show, graph).
	ReadOnly bool
	// Log receives debug lines; nil discards them.
	Log io.Writer
	// PlanCache lets Open answer a no-op plan from .easel/plancache without
	// loading anything when no input changed (see Project.Load).
	PlanCache bool
	// Identity names this build of easel and its built-in providers (a
	// version and build id): a plan cache is valid only for the same one.
	// Empty disables the plan cache.
	Identity string
	// PlanWhileProvidersStart lets Open return before the provider
	// processes have started, when the ProviderSource knows all their
	// schemas (SchemaKnower): Plan then waits for them only to check the
	// images, and reports the providers' start and configuration
	// diagnostics, so that the plan is made while they start. For callers
	// that plan right after Open; one that only opens (validate) leaves it
	// false to have every diagnostic from Open.
	PlanWhileProvidersStart bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Fetcher downloads URL references (at apply, and in a plan with
	// Refresh); nil means internal/fetch's https-only fetcher.
	Fetcher URLFetcher
}

// PlanOptions select what a plan covers.
type PlanOptions struct {
	// Targets limit the plan to these addresses (and their dependencies).
	// A bare "image.x" covers every instance of x.
	Targets []string
	// Exclude leaves these addresses (globs, like Targets) and every image
	// that depends on them out of the plan.
	Exclude []string
	// Replace forces regeneration of these addresses even when unchanged.
	Replace []string
	// KeepOrphans makes deletes remove only the lockfile entry of an image
	// no longer configured, leaving its file where it is.
	KeepOrphans bool
	// Refresh fetches every https:// reference of the planned images now,
	// so a remote file that changed since its content hash was pinned in
	// the lockfile is seen. Without it a plan makes no network call and
	// trusts the pins.
	Refresh bool
	// URLContent gives URL references' content hashes (URL -> hex sha256)
	// found by an earlier refresh, used as if fetched now: a saved plan
	// made with Refresh is planned again with them at apply.
	URLContent map[string]string
}

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Parallelism is the number of images generated at once (default 10).
	Parallelism int
	// Stop, when closed, stops starting new work; in-flight generations
	// finish. Cancelling the context passed to Apply cancels them too.
	Stop <-chan struct{}
	// ImageTimeout bounds one generation (default 10 minutes).
	ImageTimeout time.Duration
	// MaxCostUSD, when positive, is the most this apply may spend: an image
	// whose estimate would take the spend so far (actual costs, and the
	// estimates of images still running) past it is not started. Unknown
	// prices count as zero, so callers should warn about them.
	MaxCostUSD float64
	// OnEvent receives progress events; it is called from several
	// goroutines, one event at a time (the engine serialises the calls).
	OnEvent func(Event)
	// StopIdleProviders stops each provider's process as soon as the last
	// of its calls in this apply is over, so it winds down while the last
	// images are written rather than after Apply returns. The Project
	// cannot plan again with a stopped provider: for callers that close
	// the Project after Apply, as the easel command does.
	StopIdleProviders bool
}
