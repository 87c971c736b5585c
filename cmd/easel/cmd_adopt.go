package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/lockfile"
	"github.com/spf13/cobra"
)

func (a *app) adoptCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "adopt ADDRESS...",
		Short: "Accept a hand-edited output as the image's locked result",
		Long: `Record the file at an image's output, edited outside easel (a designer's
retouch), as the image's result in easel.lock.hcl. Plan stops reporting
drift for it, the images made from it plan to regenerate from the edited
file, and the generated original stays in ` + cacheDir + `. No provider is
called. The plan is shown afterwards; run "easel apply" to carry it out.

ADDRESS is an image address such as image.hero or 'image.social["x"]'
(the "image." may be left out).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runAdopt(cmd.Context(), &f, args)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func (a *app) runAdopt(ctx context.Context, f *configFlags, addrs []string) error {
	return a.changeOutputs(ctx, f, func(p *engine.Project) error {
		for _, addr := range addrs {
			addr = imageAddress(addr)
			e, err := p.Adopt(ctx, addr)
			switch {
			case errors.Is(err, engine.ErrNothingToAdopt):
				fmt.Fprintf(a.stdout, "%s: %s already is the locked output; nothing to adopt.\n", addr, e.Output)
			case err != nil:
				return err
			default:
				fmt.Fprintf(a.stdout, "%s: adopted %s (%s) as the locked output; the generated one stays in %s.\n",
					addr, e.Output, outputDetails(e), cacheDir)
			}
		}
		return nil
	})
}

// changeOutputs opens the project, lets change rewrite locked outputs, and
// shows the plan that follows (what the change leaves to regenerate).
func (a *app) changeOutputs(ctx context.Context, f *configFlags, change func(p *engine.Project) error) error {
	s, err := a.open(ctx, openOptions{vars: f.vars, varFiles: f.varFiles, lockWait: f.lockTimeout})
	if err != nil {
		return err
	}
	defer s.Close()
	if err := change(s.p); err != nil {
		return err
	}
	plan, err := a.makePlan(ctx, s, &planFlags{})
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout)
	a.showPlan(plan, false)
	if plan.HasChanges() {
		fmt.Fprintln(a.stdout, "\nRun \"easel apply\" to carry this out.")
	}
	return nil
}

// imageAddress accepts an address with or without its "image." prefix.
func imageAddress(s string) string {
	if strings.HasPrefix(s, "image.") {
		return s
	}
	return "image." + s
}

// outputDetails is "1536x1024, 48 KB".
func outputDetails(e *lockfile.Image) string {
	return fmt.Sprintf("%dx%d, %s", e.Width, e.Height, formatBytes(e.Bytes))
}
