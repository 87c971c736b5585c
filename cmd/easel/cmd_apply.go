package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/easelhq/easel/engine"
	"github.com/spf13/cobra"
)

type applyFlags struct {
	planFlags
	autoApprove bool
	parallelism int
	// savedMaxCost is the -max-cost of the saved plan being applied.
	savedMaxCost float64
}

func (a *app) applyCommand() *cobra.Command {
	var f applyFlags
	cmd := &cobra.Command{
		Use:   "apply [PLANFILE]",
		Short: "Generate what changed and record it in the lockfile",
		Long: `Without an argument, plan, show the plan and ask for confirmation before
generating (-auto-approve skips the question; it is required when standard
input is not a terminal). With PLANFILE, apply a plan saved by
"easel plan -out=PLANFILE" without asking, refusing it if anything changed
since it was made.

Images are generated in parallel (-parallelism); each success is written
atomically and recorded in easel.lock.hcl at once. A failed image skips the
images that depend on it and nothing else. The first Ctrl-C stops starting
new images and lets running ones finish; a second one cancels them.

An https:// reference is fetched when an image naming it is generated, and
the SHA-256 of its bytes is recorded in the lockfile; -refresh fetches every
URL reference first and regenerates the images whose remote file changed.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return a.applySaved(cmd.Context(), &f, args[0])
			}
			return a.runApply(cmd.Context(), &f)
		},
	}
	f.register(cmd.Flags())
	cmd.Flags().BoolVar(&f.autoApprove, "auto-approve", false, "apply without asking for confirmation")
	cmd.Flags().IntVar(&f.parallelism, "parallelism", 10, "generate at most this many images at once")
	return cmd
}

func (a *app) runApply(ctx context.Context, f *applyFlags) error {
	if f.json && !f.autoApprove {
		return errors.New("-json needs -auto-approve (or a saved plan): easel cannot ask for confirmation in JSON mode")
	}
	if err := f.checkFlags(); err != nil {
		return err
	}
	o := f.openOptions(false)
	o.planCache = true
	s, plan, err := a.openAndPlan(ctx, o, &f.planFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	a.showPlan(plan, f.json)
	if !plan.HasChanges() {
		return nil
	}
	if err := a.checkPlan(s, plan, &f.planFlags, 0); err != nil {
		return err
	}
	if !f.autoApprove {
		if err := a.confirm(); err != nil {
			return err
		}
	}
	return a.execute(ctx, s, plan, f)
}

// confirm asks the user to type "yes"; it refuses to ask when standard
// input is not a terminal, so a CI job never hangs on the question.
func (a *app) confirm() error {
	if !isTerminal(a.stdin) {
		return errors.New("easel apply asks for confirmation, but standard input is not a terminal. " +
			"Pass -auto-approve to apply without asking, or save a plan with \"easel plan -out=FILE\" and run \"easel apply FILE\"")
	}
	fmt.Fprint(a.stdout, "\nDo you want to perform these actions?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
	line, err := bufio.NewReader(a.stdin).ReadString('\n')
	if err != nil && line == "" {
		return fmt.Errorf("reading the answer: %w", err)
	}
	if strings.TrimSpace(line) != "yes" {
		return errors.New("apply cancelled")
	}
	fmt.Fprintln(a.stdout)
	return nil
}

// applySaved applies a plan saved by plan -out: it plans again with the
// saved options and refuses the plan when anything changed since.
func (a *app) applySaved(ctx context.Context, f *applyFlags, path string) error {
	if len(f.targets)+len(f.replace)+len(f.exclude)+len(f.varFiles) > 0 || f.keepOrphans || f.refresh {
		return errors.New("-target, -exclude, -replace, -keep-orphans, -refresh and -var-file cannot be used with a saved plan: they were fixed when the plan was made")
	}
	if err := f.checkFlags(); err != nil {
		return err
	}
	pf, err := readPlanFile(a.inDir(path))
	if err != nil {
		return err
	}
	if missing := pf.missingSensitive(f.vars, a.env); len(missing) > 0 {
		return fmt.Errorf("the plan was made with a value for the sensitive variable %s, which plan files never store; pass it again: easel apply -var '%s=...' %s",
			joinAnd(quoteAll(missing), 3), missing[0], path)
	}
	saved := applyFlags{planFlags: planFlags{
		configFlags: configFlags{vars: append(pf.Vars, f.vars...), varFiles: pf.VarFiles, lockTimeout: f.lockTimeout},
		targets:     pf.Targets, replace: pf.Replace, json: f.json, maxCost: f.maxCost, lockfile: f.lockfile,
		exclude: pf.Exclude, keepOrphans: pf.KeepOrphans, urlContent: pf.Plan.RefreshedURLs,
	}, parallelism: f.parallelism, savedMaxCost: pf.MaxCostUSD}
	s, plan, err := a.openAndPlan(ctx, saved.openOptions(false), &saved.planFlags)
	if err != nil {
		return err
	}
	defer s.Close()
	if plan.Fingerprint != pf.Plan.Fingerprint {
		return fmt.Errorf("Saved plan is stale: %s since the plan was made. Run easel plan again.", staleReason(pf, plan, lockSum(s.p)))
	}
	if !plan.HasChanges() {
		a.showPlan(plan, f.json)
		return nil
	}
	if err := a.checkPlan(s, plan, &saved.planFlags, pf.MaxCostUSD); err != nil {
		return err
	}
	return a.execute(ctx, s, plan, &saved)
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = fmt.Sprintf("%q", n)
	}
	return out
}

// execute applies a plan with a progress display. The first Ctrl-C stops
// new work; the second cancels the images still running.
func (a *app) execute(ctx context.Context, s *session, plan *engine.Plan, f *applyFlags) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	prog := a.newProgress(plan, f.json)
	stop := make(chan struct{})
	var stopOnce sync.Once
	a.intr.handle(func(n int) {
		if n == 1 {
			stopOnce.Do(func() { close(stop) })
			prog.interrupted()
			return
		}
		prog.cancelling()
		cancel()
	})
	defer a.intr.handle(nil)
	b := budgetFor(f.maxCost, f.savedMaxCost, s.p.Config)
	before := beforeApply(s.p, plan)
	record := startApplyRecord(s.p.Dir(), s.p.Evaluated, plan, before, f.parallelism)
	onEvent := func(ev engine.Event) {
		record.event(ev)
		prog.event(ev)
	}
	setGC(applyGCPercent)
	prog.begin()
	res, err := s.p.Apply(ctx, plan, engine.ApplyOptions{Parallelism: f.parallelism, Stop: stop, OnEvent: onEvent, MaxCostUSD: b.USD, StopIdleProviders: true})
	prog.end()
	// Nothing calls a provider after Apply: let the processes stop while
	// the records are written.
	closed := make(chan struct{})
	go func() {
		s.p.CloseProviders()
		close(closed)
	}()
	defer func() { <-closed }()
	if res != nil {
		a.writeApplySummary(res, prog)
		if err := record.finish(res, time.Now()); err != nil {
			fmt.Fprintln(a.stderr, "Warning:", err)
		}
	}
	stopped := []string(nil)
	if res != nil {
		stopped = budgetStopped(res)
	}
	if len(stopped) > 0 && !f.json {
		writeBudgetStop(a.stdout, res, b, stopped)
	}
	switch {
	case err != nil:
		return fmt.Errorf("apply: %w", err)
	case res.Interrupted || a.intr.happened():
		return errInterrupted
	case res.Failed > 0 || len(stopped) > 0:
		return errReported
	}
	return nil
}
