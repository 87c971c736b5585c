package main

import (
	"context"
	"fmt"

	"github.com/easelhq/easel/engine"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The values of plan -format.
const (
	formatText     = "text"
	formatJSON     = "json"
	formatMarkdown = "markdown"
)

// commentFlags are the flags of the Markdown rendering of a plan.
type commentFlags struct {
	format       string // plan -format
	imageURLBase string
	maxChars     int
}

func (f *commentFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.imageURLBase, "image-url-base", "", "show current images as thumbnails from this URL (the project directory on the base branch)")
	fs.IntVar(&f.maxChars, "max-chars", githubCommentLimit, "cut the comment to stay under this many characters (GitHub's limit; GitLab takes 1000000)")
}

func (f *commentFlags) options(b budget) commentOptions {
	return commentOptions{imageURLBase: f.imageURLBase, maxChars: f.maxChars, budget: b}
}

// checkFormat resolves -format against -json.
func (f *commentFlags) checkFormat(pf *planFlags) error {
	switch f.format {
	case "", formatText:
	case formatJSON:
		pf.json = true
	case formatMarkdown:
		if pf.json {
			return fmt.Errorf("-json and -format=%s cannot be used together", f.format)
		}
	default:
		return fmt.Errorf("-format must be %s, %s or %s, not %q", formatText, formatJSON, formatMarkdown, f.format)
	}
	if f.imageURLBase != "" && f.format != formatMarkdown {
		return fmt.Errorf("-image-url-base needs -format=%s", formatMarkdown)
	}
	return nil
}

func (a *app) commentCommand() *cobra.Command {
	var f planFlags
	var cf commentFlags
	cmd := &cobra.Command{
		Use:   "comment [PLANFILE]",
		Short: "Render a plan as a pull-request comment in Markdown",
		Long: `Render a plan as a GitHub-flavoured Markdown comment for a pull request: the
counts and the estimated cost, a table with one row per change, the cost
by provider and model, and each change's reasons with its attribute
diffs (a word diff for long prompts). With -image-url-base the current
image of each change is shown as a thumbnail from that URL.

The comment starts with the hidden marker "` + commentMarker + `", so a CI job can
find its earlier comment and update it. Past 10 changes the details are
collapsed; a comment that would pass -max-chars (65,536, GitHub's limit)
is cut, with a line that says what was left out.

With PLANFILE, render a plan saved by "easel plan -out=PLANFILE";
otherwise plan now, like "easel plan -format=markdown" (which also fails
when the plan exceeds the budget; comment only says so).`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				return a.commentSaved(args[0], &f, &cf)
			}
			return a.commentNow(cmd.Context(), &f, &cf)
		},
	}
	f.configFlags.register(cmd.Flags())
	f.registerSelection(cmd.Flags())
	cmd.Flags().Float64Var(&f.maxCost, "max-cost", 0, "say whether the estimate is within this budget, in US dollars")
	cf.register(cmd.Flags())
	return cmd
}

func (a *app) commentSaved(path string, f *planFlags, cf *commentFlags) error {
	pf, err := readPlanFile(a.inDir(path))
	if err != nil {
		return err
	}
	fmt.Fprint(a.stdout, renderComment(pf.Plan, cf.options(budgetFor(f.maxCost, pf.MaxCostUSD, nil))))
	return nil
}

func (a *app) commentNow(ctx context.Context, f *planFlags, cf *commentFlags) error {
	if err := f.checkFlags(); err != nil {
		return err
	}
	o := f.openOptions(false)
	o.planCache = true
	s, plan, err := a.openAndPlan(ctx, o, f)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprint(a.stdout, renderComment(plan, cf.options(budgetFor(f.maxCost, 0, s.p.Config))))
	return nil
}

// showPlanFormat shows a plan as text, JSON lines or a Markdown comment.
func (a *app) showPlanFormat(s *session, plan *engine.Plan, f *planFlags, cf *commentFlags) {
	if cf.format == formatMarkdown {
		fmt.Fprint(a.stdout, renderComment(plan, cf.options(budgetFor(f.maxCost, 0, s.p.Config))))
		return
	}
	a.showPlan(plan, f.json)
}
