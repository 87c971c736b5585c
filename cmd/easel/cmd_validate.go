package main

import (
	"context"
	"fmt"

	"github.com/easelhq/easel/engine"
	"github.com/spf13/cobra"
)

func (a *app) validateCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "validate",
		Short: "Check the configuration, offline, and report every problem",
		Long: `Load and evaluate the configuration, ask each provider to check its images
(offline: no API call, no key needed) and report every problem found, with
its file and line. Nothing is written.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runValidate(cmd.Context(), &f) },
	}
	f.register(cmd.Flags())
	return cmd
}

func (a *app) runValidate(ctx context.Context, f *configFlags) error {
	s, err := a.open(ctx, openOptions{vars: f.vars, varFiles: f.varFiles, lockWait: f.lockTimeout, readOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	_, diags := s.p.Plan(ctx, engine.PlanOptions{})
	a.printDiags(diags, projectFiles(s.p))
	if diags.HasErrors() {
		return errReported
	}
	fmt.Fprintf(a.stdout, "The configuration is valid: %s.\n",
		plural(len(s.p.Evaluated.Images), "image", "images"))
	return nil
}
