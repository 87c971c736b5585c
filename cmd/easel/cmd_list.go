package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode/utf8"

	"github.com/easelhq/easel/lockfile"
	"github.com/spf13/cobra"
)

// listSorts are the orders easel list knows, with their comparison.
var listSorts = map[string]func(a, b *lockfile.Image) bool{
	"address":  func(a, b *lockfile.Image) bool { return a.Address < b.Address },
	"provider": func(a, b *lockfile.Image) bool { return modelOf(a) < modelOf(b) },
	"bytes":    func(a, b *lockfile.Image) bool { return a.Bytes > b.Bytes },
	"cost":     func(a, b *lockfile.Image) bool { return costKey(a) > costKey(b) },
}

func modelOf(img *lockfile.Image) string { return modelName(img.Provider, img.Model) }

// costKey orders unknown costs after every known one.
func costKey(img *lockfile.Image) float64 {
	if img.CostUSD == nil {
		return -1
	}
	return *img.CostUSD
}

func (a *app) listCommand() *cobra.Command {
	var by string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List every image in the lockfile with its cost, and the totals",
		Long: `Print every image recorded in easel.lock.hcl: provider and model, size,
output file, bytes and the cost recorded when it was generated, then the
totals by provider and model: what this repository's images have cost so
far. Images whose provider did not report a cost are counted as unknown,
never as free. Reads only the lockfile: no provider is started.

-sort orders the list by address (the default), provider (provider and
model), bytes (largest first) or cost (most expensive first).`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error { return a.runList(by, asJSON) },
	}
	cmd.Flags().StringVar(&by, "sort", "address", "order by address, provider, bytes or cost")
	cmd.Flags().BoolVar(&asJSON, "json", false, "machine-readable output: one JSON document")
	return cmd
}

func (a *app) runList(by string, asJSON bool) error {
	less, ok := listSorts[by]
	if !ok {
		return fmt.Errorf("-sort must be address, provider, bytes or cost, not %q", by)
	}
	lf, err := a.loadLockfile()
	if err != nil {
		return err
	}
	images := append([]*lockfile.Image(nil), lf.Images...)
	sort.SliceStable(images, func(i, j int) bool {
		if less(images[i], images[j]) != less(images[j], images[i]) {
			return less(images[i], images[j])
		}
		return images[i].Address < images[j].Address
	})
	if asJSON {
		return writeListJSON(a.stdout, images)
	}
	writeListText(a.stdout, images)
	return nil
}

// loadLockfile reads the project's lockfile; a missing one is empty.
func (a *app) loadLockfile() (*lockfile.File, error) {
	path := filepath.Join(a.dir(), lockfile.FileName)
	if _, err := os.Stat(path); os.IsNotExist(err) {
		return lockfile.New(), nil
	}
	lf, diags := lockfile.Load(path)
	a.printDiags(diags, nil)
	if diags.HasErrors() {
		return nil, errReported
	}
	return lf, nil
}

// inventory totals recorded images by provider and model.
type inventory struct {
	total  costGroup
	bytes  int64
	groups []costGroup
}

func inventoryOf(images []*lockfile.Image) inventory {
	byName := map[string]*costGroup{}
	var inv inventory
	for _, img := range images {
		name := modelOf(img)
		g := byName[name]
		if g == nil {
			g = &costGroup{Name: name}
			byName[name] = g
		}
		for _, t := range []*costGroup{g, &inv.total} {
			t.Images++
			if img.CostUSD == nil {
				t.Unknown++
			} else {
				t.USD += *img.CostUSD
			}
		}
		inv.bytes += img.Bytes
	}
	for _, g := range byName {
		inv.groups = append(inv.groups, *g)
	}
	sort.Slice(inv.groups, func(i, j int) bool { return inv.groups[i].Name < inv.groups[j].Name })
	return inv
}

func writeListText(w io.Writer, images []*lockfile.Image) {
	if len(images) == 0 {
		fmt.Fprintln(w, "No images recorded in easel.lock.hcl yet: run \"easel apply\" to generate them.")
		return
	}
	rows := [][]string{{"IMAGE", "PROVIDER/MODEL", "SIZE", "OUTPUT", "BYTES", "COST"}}
	for _, img := range images {
		rows = append(rows, []string{img.Address, modelOf(img), fmt.Sprintf("%dx%d", img.Width, img.Height),
			img.Output, formatBytes(img.Bytes), formatUSD(img.CostUSD)})
	}
	writeColumns(w, rows, 4, 5)
	inv := inventoryOf(images)
	fmt.Fprintf(w, "\nTotal: %s, %s, cost %s.\n", plural(inv.total.Images, "image", "images"), formatBytes(inv.bytes), costWithUnknown(inv.total))
	if len(inv.groups) < 2 {
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, g := range inv.groups {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", g.Name, plural(g.Images, "image", "images"), costWithUnknown(g))
	}
	_ = tw.Flush()
}

// costWithUnknown is a recorded total: "$1.20", or "$1.20 (2 images with
// unknown cost)".
func costWithUnknown(g costGroup) string {
	s := formatUSD(g.known())
	if g.Unknown > 0 && g.Unknown < g.Images {
		s += fmt.Sprintf(" (%s with unknown cost)", plural(g.Unknown, "image", "images"))
	}
	return s
}

// jsonList is list -json: the images in the order asked for, and totals.
type jsonList struct {
	FormatVersion string          `json:"format_version"`
	Images        []jsonListImage `json:"images"`
	Total         jsonListTotal   `json:"total"`
	ByModel       []jsonListGroup `json:"by_model"`
}

// jsonListGroup totals the images of one provider and model.
type jsonListGroup struct {
	Name        string  `json:"name"` // "openai/gpt-image-2", or the provider alone
	Images      int     `json:"images"`
	CostUSD     float64 `json:"cost_usd"` // the known costs
	UnknownCost int     `json:"unknown_cost"`
}

type jsonListImage struct {
	Address  string   `json:"address"`
	Provider string   `json:"provider"`
	Model    string   `json:"model"`
	Width    int      `json:"width"`
	Height   int      `json:"height"`
	Output   string   `json:"output"`
	Bytes    int64    `json:"bytes"`
	CostUSD  *float64 `json:"cost_usd"` // null: unknown
}

type jsonListTotal struct {
	Images      int     `json:"images"`
	Bytes       int64   `json:"bytes"`
	CostUSD     float64 `json:"cost_usd"` // the known costs
	UnknownCost int     `json:"unknown_cost"`
}

func writeListJSON(w io.Writer, images []*lockfile.Image) error {
	inv := inventoryOf(images)
	out := jsonList{FormatVersion: jsonFormatVersion, Images: []jsonListImage{}, ByModel: []jsonListGroup{},
		Total: jsonListTotal{Images: inv.total.Images, Bytes: inv.bytes, CostUSD: roundUSD(inv.total.USD), UnknownCost: inv.total.Unknown}}
	for _, img := range images {
		out.Images = append(out.Images, jsonListImage{img.Address, img.Provider, img.Model, img.Width, img.Height,
			img.Output, img.Bytes, roundPtr(img.CostUSD)})
	}
	for _, g := range inv.groups {
		out.ByModel = append(out.ByModel, jsonListGroup{Name: g.Name, Images: g.Images, CostUSD: roundUSD(g.USD), UnknownCost: g.Unknown})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// writeColumns prints rows as columns two spaces apart, the columns whose
// index is in right aligned to the right, without trailing spaces.
func writeColumns(w io.Writer, rows [][]string, right ...int) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				b.WriteString("  ")
			}
			if slices.Contains(right, i) {
				b.WriteString(pad + cell)
			} else {
				b.WriteString(cell + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}
