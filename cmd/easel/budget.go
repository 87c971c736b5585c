package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/schema"
)

// budget is the most one apply may spend, in US dollars, and where it
// was set; zero USD means no budget.
type budget struct {
	USD    float64
	Source string // "-max-cost", "the saved plan" or "the easel block (main.easel.hcl:2)"
}

// budgetFor picks the budget: -max-cost when given, else the one a saved
// plan was made with (saved, zero if none), else easel { budget } in the
// configuration (cfg may be nil when a no-op plan came from the cache).
func budgetFor(maxCost, saved float64, cfg *schema.Config) budget {
	switch {
	case maxCost > 0:
		return budget{USD: maxCost, Source: "-max-cost"}
	case saved > 0:
		return budget{USD: saved, Source: "-max-cost of the saved plan"}
	case cfg != nil && cfg.Budget != nil:
		r := cfg.BudgetRange
		return budget{USD: *cfg.Budget, Source: fmt.Sprintf("budget in the easel block, %s:%d", r.Filename, r.Start.Line)}
	}
	return budget{}
}

func (b budget) String() string {
	return fmt.Sprintf("%s (%s)", formatUSD(&b.USD), b.Source)
}

// checkBudget compares a plan's estimated cost with the budget. It warns
// on stderr when some prices are unknown (the budget cannot count them)
// and returns an error when the known estimate exceeds it. With -json a budget line is written as well.
func (a *app) checkBudget(plan *engine.Plan, b budget, asJSON bool) error {
	if b.USD <= 0 {
		return nil
	}
	pc := costOf(plan)
	over := pc.USD > b.USD+1e-9
	if asJSON {
		writeBudgetJSON(a.stdout, pc, b, over)
	}
	if pc.Unknown > 0 {
		fmt.Fprintf(a.stderr, "Warning: %s no known price; the budget of %s cannot account for %s.\n",
			plural(pc.Unknown, "image has", "images have"), b, map[bool]string{true: "it", false: "them"}[pc.Unknown == 1])
	}
	if !over {
		return nil
	}
	return fmt.Errorf("the estimated cost %s exceeds the budget of %s. "+
		"Generate fewer images at once (-target), choose a cheaper model, size or quality, or raise the budget.",
		pc.costGroup, b)
}

// jsonBudget is the budget line of plan -json and apply -json.
type jsonBudget struct {
	Type          string  `json:"type"`
	FormatVersion string  `json:"format_version"`
	BudgetUSD     float64 `json:"budget_usd"`
	Source        string  `json:"source"`
	EstimatedUSD  float64 `json:"estimated_usd"`
	UnknownPrices int     `json:"unknown_prices"`
	Exceeded      bool    `json:"exceeded"`
}

func writeBudgetJSON(w io.Writer, pc planCost, b budget, over bool) {
	_ = json.NewEncoder(w).Encode(jsonBudget{Type: "budget", FormatVersion: jsonFormatVersion, BudgetUSD: b.USD,
		Source: b.Source, EstimatedUSD: roundUSD(pc.USD), UnknownPrices: pc.Unknown, Exceeded: over})
}

// budgetStopped lists the images an apply did not start because their
// estimate would have taken the spend past the budget.
func budgetStopped(res *engine.ApplyResult) []string {
	var out []string
	for _, r := range res.Results {
		if errors.Is(r.Err, engine.ErrBudget) {
			out = append(out, r.Address)
		}
	}
	return out
}

// writeBudgetStop tells the user an apply stopped at the budget.
func writeBudgetStop(w io.Writer, res *engine.ApplyResult, b budget, stopped []string) {
	fmt.Fprintf(w, "\nBudget reached: spent %s of %s; %s not started so as not to exceed it.\n",
		formatUSD(&res.ActualUSD), b, plural(len(stopped), "image was", "images were"))
	fmt.Fprintln(w, "Everything generated is saved; raise the budget and run easel apply again for the rest.")
}

// roundUSD drops the float noise of sums (0.30000000000000004) from
// amounts in JSON output: they are exact to a millionth of a dollar.
func roundUSD(usd float64) float64 { return math.Round(usd*1e6) / 1e6 }
