package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/plugins"
)

// applyCounts tallies an apply's results for the summary.
type applyCounts struct {
	done                                   map[engine.Action]int
	failed, skipped, notStarted, cancelled int
}

func countResults(res *engine.ApplyResult, prog *progress, o outcome) applyCounts {
	c := applyCounts{done: map[engine.Action]int{}, skipped: len(o.skipped), cancelled: len(o.cancelled),
		notStarted: len(o.unstarted) + max(prog.total-len(res.Results), 0)}
	for _, r := range res.Results {
		if r.Err == nil {
			c.done[r.Action]++
		}
	}
	c.failed = max(res.Failed-c.cancelled, 0)
	return c
}

// writeApplySummary ends an apply: counts, estimated against actual cost,
// billed retries, and every failed or skipped image with its error.
func (a *app) writeApplySummary(res *engine.ApplyResult, prog *progress) {
	o := prog.outcome()
	c := countResults(res, prog, o)
	if prog.asJSON {
		writeSummaryJSON(a.stdout, res, c)
		return
	}
	w := a.stdout
	fmt.Fprintln(w)
	fmt.Fprintln(w, summaryHeadline(res, c))
	if line := costLine(res); line != "" {
		fmt.Fprintln(w, line)
	}
	if res.BilledRetries > 0 {
		fmt.Fprintf(w, "Billed retries: %s may have been charged without returning an image.\n",
			plural(res.BilledRetries, "request", "requests"))
	}
	if n := maybeBilledFailures(res); n > 0 {
		fmt.Fprintf(w, "Possibly billed: %s failed after the provider may have charged for it.\n",
			plural(n, "image", "images"))
	}
	writeFailures(w, res, o)
}

// maybeBilledFailures counts failed images whose provider says the request
// may have been billed anyway (a 5xx or dropped connection after sending).
func maybeBilledFailures(res *engine.ApplyResult) int {
	n := 0
	for _, r := range res.Results {
		var ge *plugins.GenerateError
		if errors.As(r.Err, &ge) && ge.MayHaveBilled {
			n++
		}
	}
	return n
}

func summaryHeadline(res *engine.ApplyResult, c applyCounts) string {
	var parts []string
	for _, act := range actionOrder {
		if c.done[act] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.done[act], pastTense(act)))
		}
	}
	for _, n := range []struct {
		n    int
		word string
	}{{c.failed, "failed"}, {c.skipped, "skipped"}, {c.cancelled, "cancelled"}, {c.notStarted, "not started"}} {
		if n.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n.n, n.word))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing changed")
	}
	head := "Apply complete: "
	switch {
	case res.Interrupted || c.notStarted > 0 || c.cancelled > 0:
		head = "Apply interrupted: "
	case c.failed > 0 || c.skipped > 0:
		head = "Apply finished with errors: "
	}
	return head + strings.Join(parts, ", ") + "."
}

// costLine compares the actual cost with the estimate; images whose
// provider did not report a cost are counted, never taken as free.
func costLine(res *engine.ApplyResult) string {
	generated := 0
	for _, r := range res.Results {
		if r.Err == nil && r.Action.Generates() {
			generated++
		}
	}
	if generated == 0 {
		return ""
	}
	actual := formatUSD(&res.ActualUSD)
	switch {
	case res.UnknownActual == generated:
		actual = "unknown"
	case res.UnknownActual > 0:
		actual += fmt.Sprintf(" + %s with unknown cost", plural(res.UnknownActual, "image", "images"))
	}
	return fmt.Sprintf("Cost: %s (estimated %s).", actual, formatUSD(&res.EstimatedUSD))
}

func writeFailures(w io.Writer, res *engine.ApplyResult, o outcome) {
	var failed, skipped []*engine.Result
	for _, r := range res.Results {
		switch {
		case r.Err == nil || o.unstarted[r.Address] || o.cancelled[r.Address]:
		case o.skipped[r.Address]:
			skipped = append(skipped, r)
		default:
			failed = append(failed, r)
		}
	}
	writeResultList(w, "Failed:", failed)
	writeResultList(w, "Skipped:", skipped)
	if res.Interrupted || len(o.unstarted) > 0 || len(o.cancelled) > 0 {
		fmt.Fprintln(w, "\nEverything that finished is saved; run easel apply again to do the rest.")
	}
}

func writeResultList(w io.Writer, title string, rs []*engine.Result) {
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(w, "\n"+title)
	for _, r := range rs {
		fmt.Fprintf(w, "  %s: %v\n", r.Address, r.Err)
		writeErrorDetail(w, r.Err)
	}
}

// writeErrorDetail adds what a provider's error says beyond its message:
// the moderation categories of a refusal and what to do about it.
func writeErrorDetail(w io.Writer, err error) {
	var ge *plugins.GenerateError
	if !errors.As(err, &ge) {
		return
	}
	if len(ge.Categories) > 0 {
		fmt.Fprintf(w, "    categories: %s\n", strings.Join(ge.Categories, ", "))
	}
	if ge.Hint != "" {
		fmt.Fprintf(w, "    hint: %s\n", ge.Hint)
	}
}

type jsonApplySummary struct {
	Type          string         `json:"type"`
	FormatVersion string         `json:"format_version"`
	Done          map[string]int `json:"done"`
	Failed        int            `json:"failed"`
	Skipped       int            `json:"skipped"`
	Cancelled     int            `json:"cancelled"`
	NotStarted    int            `json:"not_started"`
	Interrupted   bool           `json:"interrupted"`
	EstimatedUSD  float64        `json:"estimated_usd"`
	ActualUSD     float64        `json:"actual_usd"`
	UnknownActual int            `json:"unknown_actual"`
	BilledRetries int            `json:"billed_retries"`
	// StoppedByBudget counts the images not started because of the budget.
	StoppedByBudget int `json:"stopped_by_budget"`
}

func writeSummaryJSON(w io.Writer, res *engine.ApplyResult, c applyCounts) {
	done := map[string]int{}
	for act, n := range c.done {
		done[string(act)] = n
	}
	_ = json.NewEncoder(w).Encode(jsonApplySummary{Type: "apply_summary", FormatVersion: jsonFormatVersion,
		Done: done, Failed: c.failed, Skipped: c.skipped, Cancelled: c.cancelled, NotStarted: c.notStarted,
		Interrupted: res.Interrupted, EstimatedUSD: roundUSD(res.EstimatedUSD), ActualUSD: roundUSD(res.ActualUSD),
		UnknownActual: res.UnknownActual, BilledRetries: res.BilledRetries, StoppedByBudget: len(budgetStopped(res))})
}
