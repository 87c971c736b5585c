package main

import (
	"context"
	"fmt"

	"github.com/easelhq/easel/engine"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// planFlags are the flags plan and apply share.
type planFlags struct {
	configFlags
	targets []string
	replace []string
	exclude []string
	json    bool
	// keepOrphans is -keep-orphans: deletes leave the file.
	keepOrphans bool
	// maxCost is -max-cost, in US dollars; zero when not given.
	maxCost float64
	// lockfile is -lockfile: "update", or "readonly" to fail when the
	// lockfile would change.
	lockfile string
	// refresh is -refresh: fetch every URL reference before planning.
	refresh bool
	// urlContent holds the URL content hashes a saved plan's refresh found.
	urlContent map[string]string
}

func (f *planFlags) register(fs *pflag.FlagSet) {
	f.configFlags.register(fs)
	f.registerSelection(fs)
	fs.BoolVar(&f.json, "json", false, "machine-readable output: one JSON object per line")
	fs.Float64Var(&f.maxCost, "max-cost", 0, "fail when the estimated cost exceeds this many US dollars (overrides easel { budget })")
	fs.StringVar(&f.lockfile, "lockfile", lockfileUpdate, `"readonly" fails when easel.lock.hcl would change (for CI)`)
}

// registerSelection registers the flags that decide what a plan covers,
// shared by every command that plans: plan, apply, comment and report.
func (f *planFlags) registerSelection(fs *pflag.FlagSet) {
	fs.StringArrayVar(&f.targets, "target", nil, "plan only this image and what it depends on (repeatable)")
	fs.StringArrayVar(&f.replace, "replace", nil, "regenerate this image even if unchanged (repeatable)")
	fs.StringArrayVar(&f.exclude, "exclude", nil, `leave out images matching this address or glob, such as 'image.social["*"]', and what depends on them (repeatable)`)
	fs.BoolVar(&f.keepOrphans, "keep-orphans", false, "for images no longer configured, remove the lockfile entry but keep the file")
	fs.BoolVar(&f.refresh, "refresh", false, "fetch every https:// reference now and plan a regeneration where its content changed since the lockfile pinned it")
}

func (f *planFlags) openOptions(readOnly bool) openOptions {
	return openOptions{vars: f.vars, varFiles: f.varFiles, lockWait: f.lockTimeout, readOnly: readOnly, json: f.json}
}

func (a *app) planCommand() *cobra.Command {
	var f planFlags
	var cf commentFlags
	var out string
	var detailed bool
	cmd := &cobra.Command{
		Use:   "plan",
		Short: "Show what apply would generate, and what it would cost (offline)",
		Long: `Compare the configuration with the lockfile and the files on disk and show
what "easel apply" would do: which images it would create, regenerate
(and why), move, restore from the cache or delete, and the estimated cost.
plan never calls a model's API. It makes no network call at all unless
-refresh asks it to fetch the https:// references, to see whether a remote
file changed since the lockfile pinned its content hash.

With -detailed-exitcode the exit status is 0 when there are no changes,
1 on error and 2 when there are changes.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return a.runPlan(cmd.Context(), &f, &cf, out, detailed)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().StringVar(&out, "out", "", "save the plan to this file, for \"easel apply FILE\"")
	cmd.Flags().BoolVar(&detailed, "detailed-exitcode", false, "exit 0 with no changes, 1 on error, 2 with changes")
	cmd.Flags().StringVar(&cf.format, "format", formatText, "output format: text, json (as -json) or markdown (a pull-request comment, see easel comment)")
	cf.register(cmd.Flags())
	return cmd
}

func (a *app) runPlan(ctx context.Context, f *planFlags, cf *commentFlags, out string, detailed bool) error {
	if err := f.checkFlags(); err != nil {
		return err
	}
	if err := cf.checkFormat(f); err != nil {
		return err
	}
	o := f.openOptions(false)
	o.planCache = out == ""
	s, plan, err := a.openAndPlan(ctx, o, f)
	if err != nil {
		return err
	}
	defer s.Close()
	a.showPlanFormat(s, plan, f, cf)
	if err := a.checkPlan(s, plan, f, 0); err != nil {
		return err
	}
	if out != "" {
		if err := newPlanFile(s.p, plan, f).save(a.inDir(out)); err != nil {
			return err
		}
		if !f.json && cf.format != formatMarkdown {
			fmt.Fprintf(a.stdout, "\nSaved the plan to %s. To apply exactly this plan, run:\n  easel apply %s\n", out, out)
		}
	}
	if detailed && plan.HasChanges() {
		return errChanges
	}
	return nil
}

// openAndPlan opens the project with o and plans with f; the caller
// closes the session.
func (a *app) openAndPlan(ctx context.Context, o openOptions, f *planFlags) (*session, *engine.Plan, error) {
	o.planNext = true
	s, err := a.open(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	plan, err := a.makePlan(ctx, s, f)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, plan, nil
}

// makePlan plans with the targets and replacements of f, showing the
// diagnostics.
func (a *app) makePlan(ctx context.Context, s *session, f *planFlags) (*engine.Plan, error) {
	plan, diags := s.p.Plan(ctx, engine.PlanOptions{Targets: f.targets, Replace: f.replace, Exclude: f.exclude, KeepOrphans: f.keepOrphans,
		Refresh: f.refresh, URLContent: f.urlContent})
	a.report(diags, projectFiles(s.p), f.json)
	if diags.HasErrors() || plan == nil {
		return nil, errReported
	}
	return plan, nil
}

func (a *app) showPlan(plan *engine.Plan, asJSON bool) {
	if asJSON {
		writePlanJSON(a.stdout, plan)
		return
	}
	writePlanText(a.stdout, plan, a.colour(a.stdout))
}
