package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/easelhq/easel/engine"
)

// writeApplySummary ends an apply: counts, estimated against actual cost,
// billed retries, and every failed or skipped image with its error.
func (a *app) writeApplySummary(res *engine.ApplyResult, prog *progress) {
	total := prog.total
	if prog.asJSON {
		writeSummaryJSON(a.stdout, res, total)
		return
	}
	w := a.stdout
	fmt.Fprintln(w)
	fmt.Fprintln(w, summaryHeadline(res, total))
	if line := costLine(res); line != "" {
		fmt.Fprintln(w, line)
	}
	if res.BilledRetries > 0 {
		fmt.Fprintf(w, "Billed retries: %s may have been charged without returning an image.\n",
			plural(res.BilledRetries, "request", "requests"))
	}
	writeFailures(w, res, prog.skippedSet())
}

func summaryHeadline(res *engine.ApplyResult, total int) string {
	done := map[engine.Action]int{}
	for _, r := range res.Results {
		if r.Err == nil {
			done[r.Action]++
		}
	}
	var parts []string
	for _, act := range actionOrder {
		if done[act] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", done[act], pastTense(act)))
		}
	}
	if res.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", res.Failed))
	}
	if res.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("%d skipped", res.Skipped))
	}
	if notStarted := total - len(res.Results); res.Interrupted && notStarted > 0 {
		parts = append(parts, fmt.Sprintf("%d not started", notStarted))
	}
	if len(parts) == 0 {
		parts = append(parts, "nothing changed")
	}
	head := "Apply complete: "
	switch {
	case res.Interrupted:
		head = "Apply interrupted: "
	case res.Failed > 0 || res.Skipped > 0:
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

func writeFailures(w io.Writer, res *engine.ApplyResult, skip map[string]bool) {
	var failed, skipped []*engine.Result
	for _, r := range res.Results {
		switch {
		case r.Err == nil:
		case skip[r.Address]:
			skipped = append(skipped, r)
		default:
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		fmt.Fprintln(w, "\nFailed:")
		for _, r := range failed {
			fmt.Fprintf(w, "  %s: %v\n", r.Address, r.Err)
		}
	}
	if len(skipped) > 0 {
		fmt.Fprintln(w, "\nSkipped:")
		for _, r := range skipped {
			fmt.Fprintf(w, "  %s: %v\n", r.Address, r.Err)
		}
	}
	if res.Interrupted {
		fmt.Fprintln(w, "\nEverything that finished is saved; run easel apply again to do the rest.")
	}
}

type jsonApplySummary struct {
	Type          string         `json:"type"`
	FormatVersion string         `json:"format_version"`
	Done          map[string]int `json:"done"`
	Failed        int            `json:"failed"`
	Skipped       int            `json:"skipped"`
	NotStarted    int            `json:"not_started"`
	Interrupted   bool           `json:"interrupted"`
	EstimatedUSD  float64        `json:"estimated_usd"`
	ActualUSD     float64        `json:"actual_usd"`
	UnknownActual int            `json:"unknown_actual"`
	BilledRetries int            `json:"billed_retries"`
}

func writeSummaryJSON(w io.Writer, res *engine.ApplyResult, total int) {
	done := map[string]int{}
	for _, r := range res.Results {
		if r.Err == nil {
			done[string(r.Action)]++
		}
	}
	_ = json.NewEncoder(w).Encode(jsonApplySummary{Type: "apply_summary", FormatVersion: jsonFormatVersion,
		Done: done, Failed: res.Failed, Skipped: res.Skipped, NotStarted: max(total-len(res.Results), 0),
		Interrupted: res.Interrupted, EstimatedUSD: res.EstimatedUSD, ActualUSD: res.ActualUSD,
		UnknownActual: res.UnknownActual, BilledRetries: res.BilledRetries})
}
