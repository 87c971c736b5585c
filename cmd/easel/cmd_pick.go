package main

import (
	"context"
	"fmt"
	"strconv"

	"github.com/easelhq/easel/engine"
	"github.com/spf13/cobra"
)

func (a *app) pickCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "pick ADDRESS N",
		Short: "Make candidate N of an image its output, without generating",
		Long: `An image with candidates = N is generated N times; the first candidate is
written to its output and all are kept in ` + cacheDir + `. "easel pick"
makes candidate N the output instead, from the cache, records it in
easel.lock.hcl, and shows the plan that follows: the images made from it
regenerate from the picked candidate on the next "easel apply". No
provider is called.

ADDRESS is an image address such as image.hero or 'image.social["x"]'
(the "image." may be left out); N counts from 1.`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[1])
			if err != nil {
				return fmt.Errorf("N must be a candidate's number, from 1: %q is not a number", args[1])
			}
			return a.runPick(cmd.Context(), &f, imageAddress(args[0]), n)
		},
	}
	f.register(cmd.Flags())
	return cmd
}

func (a *app) runPick(ctx context.Context, f *configFlags, addr string, n int) error {
	return a.changeOutputs(ctx, f, func(p *engine.Project) error {
		e, err := p.Pick(ctx, addr, n)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s: candidate %d of %d is now %s (%s), from %s; nothing was generated.\n",
			addr, n, len(e.Candidates), e.Output, outputDetails(e), cacheDir)
		return nil
	})
}
