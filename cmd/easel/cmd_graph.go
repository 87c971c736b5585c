package main

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

func (a *app) graphCommand() *cobra.Command {
	var f configFlags
	cmd := &cobra.Command{
		Use:   "graph",
		Short: "Print the image graph in Graphviz DOT",
		Long: `Print the image graph in Graphviz's DOT language, an edge from each image
to each image it references or depends on. Render it with:
  easel graph | dot -Tsvg > graph.svg`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runGraph(cmd.Context(), &f) },
	}
	f.register(cmd.Flags())
	return cmd
}

func (a *app) runGraph(ctx context.Context, f *configFlags) error {
	s, err := a.open(ctx, openOptions{vars: f.vars, varFiles: f.varFiles, lockWait: f.lockTimeout, readOnly: true})
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprint(a.stdout, s.p.DOT())
	return nil
}
