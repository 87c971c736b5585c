package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/rogpeppe/go-internal/diff"
	"github.com/spf13/cobra"
)

type fmtFlags struct {
	check bool
	diff  bool
}

func (a *app) fmtCommand() *cobra.Command {
	var f fmtFlags
	cmd := &cobra.Command{
		Use:   "fmt [FILE or DIR ...]",
		Short: "Rewrite *.easel.hcl files in the canonical layout",
		Long: `Rewrite the *.easel.hcl files of the project directory (or the files and
directories given) in the canonical layout, and list the files it changed.
With -check, change nothing: list the files that are not formatted and exit
1 if there is any. With -diff, also show the changes.`,
		RunE: func(_ *cobra.Command, args []string) error { return a.runFmt(args, f) },
	}
	cmd.Flags().BoolVar(&f.check, "check", false, "only check: list unformatted files and exit 1 if there are any")
	cmd.Flags().BoolVar(&f.diff, "diff", false, "show the formatting changes as a diff")
	return cmd
}

func (a *app) runFmt(args []string, f fmtFlags) error {
	files, err := a.fmtFiles(args)
	if err != nil {
		return err
	}
	var diags hcl.Diagnostics
	var unformatted []string
	srcs := map[string]*hcl.File{}
	for _, name := range files {
		src, err := os.ReadFile(a.inDir(name))
		if err != nil {
			return fmt.Errorf("reading %s: %w", name, err)
		}
		if _, pd := hclsyntax.ParseConfig(src, name, hcl.InitialPos); pd.HasErrors() {
			srcs[name] = &hcl.File{Bytes: src}
			diags = append(diags, pd...)
			continue
		}
		out := schema.Format(src)
		if bytes.Equal(src, out) {
			continue
		}
		unformatted = append(unformatted, name)
		fmt.Fprintln(a.stdout, name)
		if f.diff {
			a.stdout.Write(diff.Diff(name, src, name+" (formatted)", out))
		}
		if !f.check {
			if err := writeKeepingMode(a.inDir(name), out); err != nil {
				return err
			}
		}
	}
	a.printDiags(diags, srcs)
	if diags.HasErrors() {
		return errReported
	}
	if f.check && len(unformatted) > 0 {
		fmt.Fprintf(a.stderr, "%s not formatted; run \"easel fmt\" to fix.\n", plural(len(unformatted), "file is", "files are"))
		return errReported
	}
	return nil
}

// fmtFiles lists the files to format, relative to the project directory:
// the *.easel.hcl files of each directory argument (or of the project
// directory when there is none) and each file argument.
func (a *app) fmtFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		args = []string{"."}
	}
	var files []string
	for _, arg := range args {
		fi, err := os.Stat(a.inDir(arg))
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, arg)
			continue
		}
		matches, err := filepath.Glob(filepath.Join(a.inDir(arg), "*"+schema.FileSuffix))
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		for _, m := range matches {
			files = append(files, filepath.Join(arg, filepath.Base(m)))
		}
	}
	return files, nil
}

// writeKeepingMode replaces a file atomically, keeping its permissions.
func writeKeepingMode(path string, data []byte) error {
	perm := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		perm = fi.Mode().Perm()
	}
	if err := fsx.WriteFileAtomic(path, data, perm); err != nil {
		return fmt.Errorf("writing %s: %w", strings.TrimPrefix(path, "./"), err)
	}
	return nil
}
