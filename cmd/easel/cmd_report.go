package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"html/template"
	"path/filepath"
	"time"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/lockfile"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"
)

type reportFlags struct {
	planFlags
	out       string
	lastApply bool
	link      bool
}

func (a *app) reportCommand() *cobra.Command {
	var f reportFlags
	cmd := &cobra.Command{
		Use:   "report [PLANFILE]",
		Short: "Write an HTML page showing each changed image before and after",
		Long: `Write a self-contained HTML page (-out, easel-report.html by default) with
a card per changed image: its status, address, model, size and cost, its
prompt with the words that changed marked, and the image before and after
side by side. Buttons filter the cards by status; the filter is kept in
the address (#status=regenerate). The page works offline and on a phone:
it loads nothing from the network.

Without an argument the report shows a plan made now (nothing is
generated, so "after" is what apply would do); with PLANFILE, a plan saved
by "easel plan -out"; with -last-apply, what the last "easel apply" did,
the replaced images taken from .easel/cache.

Images are embedded, scaled down to 640 pixels; with -link they are linked
relative to the report instead (smaller, but the page then needs the
project beside it).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return a.runReport(cmd.Context(), &f, args)
		},
	}
	f.configFlags.register(cmd.Flags())
	f.registerSelection(cmd.Flags())
	cmd.Flags().StringVar(&f.out, "out", "easel-report.html", "write the report to this file")
	cmd.Flags().BoolVar(&f.lastApply, "last-apply", false, "report on the last apply instead of a plan")
	cmd.Flags().BoolVar(&f.link, "link", false, "link images relative to the report instead of embedding them")
	return cmd
}

func (a *app) runReport(ctx context.Context, f *reportFlags, args []string) error {
	if f.lastApply && len(args) > 0 {
		return errors.New("-last-apply reports on the last apply: give no plan file with it")
	}
	out := a.inDir(f.out)
	im := &imager{dir: a.dir(), outDir: filepath.Dir(out), link: f.link}
	var page *reportPage
	var err error
	switch {
	case f.lastApply:
		page, err = a.lastApplyReport(im)
	case len(args) == 1:
		page, err = a.savedPlanReport(im, args[0])
	default:
		page, err = a.planReport(ctx, im, &f.planFlags)
	}
	if err != nil {
		return err
	}
	data, err := page.render()
	if err != nil {
		return err
	}
	if err := fsx.WriteFileAtomic(out, data, 0o644); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	fmt.Fprintf(a.stdout, "Wrote %s: %s. Open it in a browser.\n", f.out, plural(len(page.Cards), "change", "changes"))
	return nil
}

// planReport plans now and reports on the plan: read-only, unless
// -refresh must download into the cache (then under the run lock).
func (a *app) planReport(ctx context.Context, im *imager, f *planFlags) (*reportPage, error) {
	s, plan, err := a.openAndPlan(ctx, f.openOptions(!f.refresh), f)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	page := planPage(plan, s.p.Lock, promptsOf(s.p.Evaluated), im)
	page.Title = "easel plan"
	return page, nil
}

func (a *app) savedPlanReport(im *imager, path string) (*reportPage, error) {
	pf, err := readPlanFile(a.inDir(path))
	if err != nil {
		return nil, err
	}
	lf, err := a.loadLockfile()
	if err != nil {
		return nil, err
	}
	page := planPage(pf.Plan, lf, nil, im)
	page.Title = "easel plan " + filepath.Base(path)
	return page, nil
}

func (a *app) lastApplyReport(im *imager) (*reportPage, error) {
	la, err := readLastApply(a.dir())
	if err != nil {
		return nil, err
	}
	page := &reportPage{Title: "easel apply", Subtitle: "Applied " + la.Finished.Local().Format(time.DateTime)}
	results := map[string]lastResult{}
	for _, r := range la.Results {
		results[r.Address] = r
	}
	for _, c := range la.Plan.Changes {
		page.Cards = append(page.Cards, applyCard(c, results[c.Address], la, im))
	}
	cost := costGroup{USD: la.ActualUSD, Unknown: la.UnknownActual, Images: generated(la)}
	page.Summary = fmt.Sprintf("%s · cost %s", statusSummary(page.Cards), cost)
	return page, nil
}

func generated(la *lastApply) int {
	n := 0
	for _, r := range la.Results {
		if r.Status == "done" && r.Action.Generates() {
			n++
		}
	}
	return n
}

// planPage builds the cards of a plan; prompts (may be nil) are the
// configured prompts, for images whose prompt did not change.
func planPage(plan *engine.Plan, lf *lockfile.File, prompts map[string]string, im *imager) *reportPage {
	page := &reportPage{}
	for _, c := range plan.Changes {
		var locked imgRef // zero when the image is new
		if le := lf.Image(c.Address); le != nil {
			locked = imgRef{Output: le.Output, SHA256: le.SHA256}
		}
		card := baseCard(c, string(c.Action), promptOf(c, prompts, lf))
		if c.Action.Generates() {
			card.Cost = "estimated " + formatUSD(c.Estimate.USD)
		}
		card.Before, card.After = planImages(c, locked, im)
		page.Cards = append(page.Cards, card)
	}
	page.Summary = statusSummary(page.Cards)
	if pc := costOf(plan); pc.Images > 0 {
		page.Summary += " · estimated cost " + pc.costGroup.String()
	}
	return page
}

// planImages are the before and after of a planned change: what is on
// disk (or in the cache) now, and what apply will leave.
func planImages(c *engine.Change, locked imgRef, im *imager) (before, after reportImage) {
	if locked.SHA256 == "" {
		before = reportImage{Caption: "Before", Note: "new image"}
		before.Width, before.Height, _ = parseSize(c.Size)
	} else {
		before = im.find(locked, "Before · "+locked.Output)
	}
	switch c.Action {
	case engine.Create, engine.Regenerate:
		after = reportImage{Caption: "After · " + c.Output, Note: "generated by apply: " + describe(c)}
		after.Width, after.Height, _ = parseSize(c.Size)
	case engine.Move:
		after = im.find(locked, "After · moved to "+c.Output)
	case engine.Restore:
		after = im.find(imgRef{SHA256: locked.SHA256}, "After · restored to "+c.Output)
	case engine.Delete:
		after = reportImage{Caption: "After", Note: "removed (a copy stays in .easel/cache)", Width: before.Width, Height: before.Height}
	case engine.Drift:
		before = im.find(imgRef{SHA256: locked.SHA256}, "Written by easel")
		after = im.find(imgRef{Output: c.Output}, "On disk now · "+c.Output)
	}
	return before, after
}

// applyCard is a change of the last apply with its result.
func applyCard(c *engine.Change, r lastResult, la *lastApply, im *imager) reportCard {
	status := string(c.Action)
	if r.Status == "failed" || r.Status == "skipped" {
		status = r.Status
	}
	card := baseCard(c, status, promptOf(c, la.Prompts, nil))
	card.Error = r.Error
	if c.Action.Generates() && r.Status == "done" {
		card.Cost = fmt.Sprintf("cost %s, estimated %s", formatUSD(r.CostUSD), formatUSD(r.EstimateUSD))
	}
	prev, had := la.Before[c.Address]
	switch {
	case !had:
		card.Before = reportImage{Caption: "Before", Note: "new image"}
		card.Before.Width, card.Before.Height, _ = parseSize(c.Size)
	default:
		card.Before = im.find(prev, "Before · "+prev.Output)
	}
	switch {
	case r.Status != "done":
		card.After = reportImage{Caption: "After", Note: "unchanged: " + r.Status}
	case c.Action == engine.Delete:
		card.After = reportImage{Caption: "After", Note: "removed (a copy stays in .easel/cache)", Width: card.Before.Width, Height: card.Before.Height}
	default:
		card.After = im.find(r.imgRef, "After · "+r.Output)
	}
	if c.Action == engine.Drift {
		card.Before = im.find(imgRef{SHA256: prev.SHA256}, "Written by easel")
		card.After = im.find(imgRef{Output: c.Output}, "On disk now · "+c.Output)
	}
	return card
}

// baseCard is what every card of a change shows: its address, status,
// model, prompt and the reasons other than the prompt's change.
func baseCard(c *engine.Change, status string, prompt template.HTML) reportCard {
	card := reportCard{Address: c.Address, Status: status, Symbol: c.Action.Symbol(), Model: describe(c), Prompt: prompt}
	for _, r := range c.Reasons {
		if r.Kind == engine.ReasonNew || (r.Kind == engine.ReasonAttribute && r.Attribute == "prompt") {
			continue
		}
		card.Reasons = append(card.Reasons, reasonLines([]engine.Reason{r})...)
	}
	for _, w := range c.Warnings {
		card.Reasons = append(card.Reasons, "warning: "+w)
	}
	return card
}

// promptOf is a change's prompt as HTML: a word diff when it changed,
// else the configured or locked prompt; empty when unknown.
func promptOf(c *engine.Change, prompts map[string]string, lf *lockfile.File) template.HTML {
	for _, r := range c.Reasons {
		if r.Kind != engine.ReasonAttribute || r.Attribute != "prompt" {
			continue
		}
		oldText, _ := unquote(r.Old)
		newText, ok := unquote(r.New)
		if !ok {
			return template.HTML(html.EscapeString(r.New)) // #nosec: escaped
		}
		if r.Old == "(unset)" {
			oldText = ""
		}
		return template.HTML(renderOps(wordDiff(oldText, newText), html.EscapeString, // #nosec: every part escaped
			func(s string) string { return "<del>" + html.EscapeString(s) + "</del>" },
			func(s string) string { return "<ins>" + html.EscapeString(s) + "</ins>" }))
	}
	if p, ok := prompts[c.Address]; ok {
		return template.HTML(html.EscapeString(p)) // #nosec: escaped
	}
	if lf != nil {
		if le := lf.Image(c.Address); le != nil {
			if v, ok := le.Inputs["prompt"]; ok && !v.IsNull() && v.Type() == cty.String {
				return template.HTML(html.EscapeString(v.AsString())) // #nosec: escaped
			}
		}
	}
	return ""
}

// parseSize reads WIDTHxHEIGHT; zeros when it is not one.
func parseSize(s string) (w, h int, ok bool) {
	if _, err := fmt.Sscanf(s, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return 0, 0, false
	}
	return w, h, true
}
