package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/easelhq/easel/lockfile"
	"github.com/spf13/cobra"
)

func (a *app) showCommand() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show [PLANFILE]",
		Short: "Show a saved plan, or every image recorded in the lockfile",
		Long: `With PLANFILE, show a plan saved by "easel plan -out=PLANFILE". Without it,
show every image recorded in easel.lock.hcl: its provider, model, size,
output file, bytes and cost, and the pinned providers.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			if len(args) == 1 {
				return a.showPlanFile(args[0], asJSON)
			}
			return a.showLockfile(asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "machine-readable output")
	return cmd
}

func (a *app) showPlanFile(path string, asJSON bool) error {
	pf, err := readPlanFile(a.inDir(path))
	if err != nil {
		return err
	}
	if asJSON {
		return writePlanDocument(a.stdout, pf)
	}
	a.showPlan(pf.Plan, false)
	return nil
}

func (a *app) showLockfile(asJSON bool) error {
	path := filepath.Join(a.dir(), lockfile.FileName)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		if asJSON {
			return writeLockJSON(a.stdout, lockfile.New())
		}
		fmt.Fprintf(a.stdout, "No %s yet: run \"easel apply\" to generate the images.\n", lockfile.FileName)
		return nil
	}
	lf, diags := lockfile.Load(path)
	a.printDiags(diags, nil)
	if diags.HasErrors() {
		return errReported
	}
	if asJSON {
		return writeLockJSON(a.stdout, lf)
	}
	writeLockText(a.stdout, lf)
	return nil
}

func writeLockText(w io.Writer, lf *lockfile.File) {
	if len(lf.Images) == 0 {
		fmt.Fprintln(w, "The lockfile records no images yet.")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "IMAGE\tPROVIDER\tMODEL\tSIZE\tOUTPUT\tBYTES\tCOST")
		var total float64
		unknown := 0
		for _, img := range lf.Images {
			if img.CostUSD == nil {
				unknown++
			} else {
				total += *img.CostUSD
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%dx%d\t%s\t%s\t%s\n", img.Address, img.Provider, orDash(img.Model),
				img.Width, img.Height, img.Output, formatBytes(img.Bytes), formatUSD(img.CostUSD))
		}
		tw.Flush()
		line := fmt.Sprintf("\n%s, total cost %s", plural(len(lf.Images), "image", "images"), formatUSD(&total))
		if unknown > 0 {
			line += fmt.Sprintf(" (%d with unknown cost)", unknown)
		}
		fmt.Fprintln(w, line+".")
	}
	if len(lf.Providers) == 0 {
		return
	}
	fmt.Fprintln(w, "\nProviders:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, p := range lf.Providers {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Name, p.Source, orDash(p.Version), orText(p.Checksum, "built in"))
	}
	tw.Flush()
}

func orDash(s string) string { return orText(s, "-") }

func orText(s, alt string) string {
	if s == "" {
		return alt
	}
	return s
}

type jsonLockImage struct {
	Address  string   `json:"address"`
	Provider string   `json:"provider"`
	Model    string   `json:"model,omitempty"`
	Width    int      `json:"width"`
	Height   int      `json:"height"`
	Output   string   `json:"output"`
	SHA256   string   `json:"sha256"`
	Bytes    int64    `json:"bytes"`
	CostUSD  *float64 `json:"cost_usd"`
	SpecHash string   `json:"spec_hash"`
}

type jsonLockProvider struct {
	Name     string `json:"name"`
	Source   string `json:"source"`
	Version  string `json:"version,omitempty"`
	Checksum string `json:"checksum,omitempty"`
}

func writeLockJSON(w io.Writer, lf *lockfile.File) error {
	out := jsonLockDocument{FormatVersion: jsonFormatVersion, Providers: []jsonLockProvider{}, Images: []jsonLockImage{}}
	for _, p := range lf.Providers {
		out.Providers = append(out.Providers, jsonLockProvider{p.Name, p.Source, p.Version, p.Checksum})
	}
	for _, img := range lf.Images {
		out.Images = append(out.Images, jsonLockImage{img.Address, img.Provider, img.Model, img.Width, img.Height,
			img.Output, img.SHA256, img.Bytes, img.CostUSD, img.SpecHash})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
