package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins/host"
	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/hcl/v2"
	"github.com/spf13/pflag"
)

// configFlags are the flags of every command that evaluates the
// configuration with variables.
type configFlags struct {
	vars        []string
	varFiles    []string
	lockTimeout time.Duration
}

func (f *configFlags) register(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.vars, "var", nil, "set a variable, as name=value (repeatable)")
	fs.StringArrayVar(&f.varFiles, "var-file", nil, "read variables from an HCL file (repeatable)")
	fs.DurationVar(&f.lockTimeout, "lock-timeout", 0, "wait this long for another easel in the same directory (e.g. 60s)")
}

// openOptions say how a command opens the project.
type openOptions struct {
	vars, varFiles []string
	lockWait       time.Duration
	readOnly       bool
	json           bool // diagnostics as JSON lines on stdout
	// planCache lets a no-op plan be answered from .easel/ without
	// loading the configuration or starting providers.
	planCache bool
	// planNext says the caller plans right after opening: the plan is
	// made while the providers start (engine.Options.PlanWhileProvidersStart).
	planNext bool
}

// session is an open project and the plugin host serving its providers.
type session struct {
	p    *engine.Project
	host *host.Host
}

func (s *session) Close() {
	_ = s.p.Close()
	s.host.Close()
}

// open loads the project in the project directory, starting its providers.
// Diagnostics are shown; errors among them give errReported.
func (a *app) open(ctx context.Context, o openOptions) (*session, error) {
	dir := a.dir()
	h := a.newHost(dir, nil) // the engine sets the lockfile's pins once it reads it
	varFiles := make([]string, len(o.varFiles))
	for i, f := range o.varFiles {
		varFiles[i] = a.inDir(f)
	}
	p, diags := engine.Open(ctx, engine.Options{
		Dir: dir, Vars: o.vars, VarFiles: varFiles, Env: a.env,
		Providers: h, LockWait: o.lockWait, ReadOnly: o.readOnly, Log: a.debugLog(),
		PlanCache: o.planCache, Identity: a.identity(), PlanWhileProvidersStart: o.planNext,
	})
	a.report(diags, projectFiles(p), o.json)
	if diags.HasErrors() {
		if p != nil {
			_ = p.Close()
		}
		h.Close()
		return nil, errReported
	}
	return &session{p: p, host: h}, nil
}

// identity names this exact easel binary, built-in providers included, for
// the plan cache: its version and the size and time of its executable, so
// that any rebuild invalidates cached plans.
func (a *app) identity() string {
	exe := a.executable()
	fi, err := os.Stat(exe)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%s %s %d %d", version(), exe, fi.Size(), fi.ModTime().UnixNano())
}

// report shows diagnostics as text on stderr, or as JSON lines on stdout.
func (a *app) report(diags hcl.Diagnostics, files map[string]*hcl.File, asJSON bool) {
	if asJSON {
		writeJSONDiags(a.stdout, diags)
		return
	}
	a.printDiags(diags, files)
}

// newHost returns a plugin host for the project, serving built-in
// providers from this very binary.
func (a *app) newHost(dir string, pins map[string]string) *host.Host {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	return host.New(host.Options{
		ProjectDir:    abs,
		Executable:    a.executable(),
		Builtins:      builtinNames(),
		BuiltinSchema: builtinSchema,
		// easel exits right after closing the host: a provider that
		// acknowledged Stop is left to exit, and dies with easel.
		ReapInBackground: true,
		Getenv:           a.getenv,
		Logger:           a.logger(),
		Pins:             pins,
	})
}

// pins reads the third-party provider checksums pinned in the lockfile. A
// lockfile that cannot be read gives no pins; opening the project reports it.
func (a *app) pins(dir string) map[string]string {
	lf, diags := lockfile.Load(filepath.Join(dir, lockfile.FileName))
	pins := map[string]string{}
	if diags.HasErrors() || lf == nil {
		return pins
	}
	for _, p := range lf.Providers {
		if p.Checksum != "" {
			pins[p.Name] = p.Checksum
		}
	}
	return pins
}

// executable is the path of the running easel binary, which built-in
// providers are served by. It follows argv[0] (looked up on PATH when it
// has no slash) rather than os.Executable, so that a binary installed under
// another name, as testscript does, is re-executed under that name.
func (a *app) executable() string {
	arg0 := os.Args[0]
	if strings.ContainsRune(arg0, filepath.Separator) {
		if abs, err := filepath.Abs(arg0); err == nil {
			return abs
		}
	} else if path := lookPath(arg0, a.getenv("PATH")); path != "" {
		return path
	}
	exe, _ := os.Executable()
	return exe
}

// lookPath finds an executable file called name in the PATH list.
func lookPath(name, path string) string {
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			continue
		}
		full := filepath.Join(dir, name)
		if fi, err := os.Stat(full); err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0 {
			if abs, err := filepath.Abs(full); err == nil {
				return abs
			}
			return full
		}
	}
	return ""
}

// logger is the host's logger: provider logs on stderr when EASEL_LOG
// names a level (trace, debug, info, warn, error), else nothing.
func (a *app) logger() hclog.Logger {
	level := hclog.LevelFromString(a.getenv("EASEL_LOG"))
	if level == hclog.NoLevel {
		return nil
	}
	return hclog.New(&hclog.LoggerOptions{Name: "easel", Output: a.stderr, Level: level})
}

// debugLog is where the engine's debug lines go: stderr with
// EASEL_LOG=debug or trace.
func (a *app) debugLog() io.Writer {
	switch hclog.LevelFromString(a.getenv("EASEL_LOG")) {
	case hclog.Debug, hclog.Trace:
		return a.stderr
	}
	return nil
}
