package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/schema"
	"github.com/spf13/cobra"
)

func (a *app) initCommand() *cobra.Command {
	var ci string
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Prepare the project: .easel/, .gitignore, and provider checksums",
		Long: `Create the local state directory .easel/ (and ignore it in .gitignore),
then find every third-party provider the configuration uses
(easel-provider-NAME in .easel/plugins/ or on PATH) and pin its checksum in
easel.lock.hcl. easel refuses to run a provider binary whose checksum no
longer matches its pin; run init again after upgrading one on purpose.

With -ci github, also write the GitHub Actions workflow that plans and
comments on pull requests and applies on the default branch
(.github/workflows/easel.yml); -ci gitlab writes the GitLab CI/CD
equivalent (easel.gitlab-ci.yml). An existing file is left as it is.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if _, ok := ciRecipes[ci]; ci != "" && !ok {
				return fmt.Errorf("-ci must be %s, not %q", ciNames(), ci)
			}
			if err := a.runInit(cmd.Context()); err != nil || ci == "" {
				return err
			}
			return a.writeCI(ci)
		},
	}
	cmd.Flags().StringVar(&ci, "ci", "", "also write a CI recipe: github or gitlab")
	return cmd
}

func (a *app) runInit(ctx context.Context) error {
	dir := a.dir()
	if err := os.MkdirAll(filepath.Join(dir, engine.StateDir), 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", engine.StateDir, err)
	}
	if err := ignoreStateDir(filepath.Join(dir, ".gitignore")); err != nil {
		return err
	}
	cfg, diags := schema.Load(dir)
	a.printDiags(diags, cfg.Files)
	if diags.HasErrors() {
		return errReported
	}
	unlock, err := fsx.Lock(ctx, filepath.Join(dir, engine.StateDir, "run.lock"), false)
	if err != nil {
		return fmt.Errorf("another easel is running in this directory; try again when it is done (%w)", err)
	}
	defer unlock()
	lockPath := filepath.Join(dir, lockfile.FileName)
	lf, diags := lockfile.Load(lockPath)
	a.printDiags(diags, nil)
	if diags.HasErrors() {
		return errReported
	}
	changed, err := a.pinProviders(cfg, lf)
	if changed {
		if serr := lf.Save(lockPath); serr != nil {
			return serr
		}
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, "\neasel is ready. Run \"easel plan\" to see what would be generated.")
	return nil
}

// pinProviders records the checksum of every third-party provider binary
// the configuration uses and says what it did about each provider.
func (a *app) pinProviders(cfg *schema.Config, lf *lockfile.File) (changed bool, err error) {
	h := a.newHost(a.dir(), nil)
	defer h.Close()
	var errs []error
	for _, name := range cfg.ProviderNames() {
		source := sourceOf(cfg, name)
		if isBuiltin(name) {
			fmt.Fprintf(a.stdout, "- %s (%s): built in\n", name, source)
			continue
		}
		path, sum, derr := h.Discover(name)
		if derr != nil {
			errs = append(errs, derr)
			continue
		}
		prev := lf.Provider(name)
		if prev != nil && prev.Checksum == sum && prev.Source == source {
			fmt.Fprintf(a.stdout, "- %s (%s): already pinned %s (%s)\n", name, source, sum, path)
			continue
		}
		pin := &lockfile.Provider{Name: name, Source: source, Checksum: sum}
		if prev != nil && prev.Checksum == sum {
			pin.Version = prev.Version
		}
		lf.SetProvider(pin)
		changed = true
		fmt.Fprintf(a.stdout, "- %s (%s): pinned %s (%s)\n", name, source, sum, path)
	}
	return changed, errors.Join(errs...)
}

// sourceOf is a provider's source address: from required_providers, else
// easel/NAME.
func sourceOf(cfg *schema.Config, name string) string {
	if rp := cfg.RequiredProviders[name]; rp != nil && rp.Source != "" {
		return rp.Source
	}
	return "easel/" + name
}

// ignoreStateDir adds ".easel/" to a .gitignore, creating it if needed;
// it does nothing when the line is already there.
func ignoreStateDir(path string) error {
	src, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("reading .gitignore: %w", err)
	}
	for _, line := range strings.Split(string(src), "\n") {
		switch strings.TrimSpace(line) {
		case ".easel", ".easel/", "/.easel", "/.easel/":
			return nil
		}
	}
	text := string(src)
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	text += engine.StateDir + "/\n"
	if err := fsx.WriteFileAtomic(path, []byte(text), 0o644); err != nil {
		return fmt.Errorf("updating .gitignore: %w", err)
	}
	return nil
}
