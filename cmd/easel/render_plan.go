package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/easelhq/easel/engine"
)

// actionOrder is the order actions are counted in the plan summary.
var actionOrder = []engine.Action{engine.Create, engine.Regenerate, engine.Move, engine.Restore, engine.Delete}

// planCounts counts the changes of each action.
func planCounts(plan *engine.Plan) map[engine.Action]int {
	n := map[engine.Action]int{}
	for _, c := range plan.Changes {
		n[c.Action]++
	}
	return n
}

// writePlanText renders a plan the way Terraform users expect: one line
// per change with its symbol, address, what generates it and its cost,
// the reasons under it, then the counts and the estimated cost.
func writePlanText(w io.Writer, plan *engine.Plan, colour bool) {
	if len(plan.Changes) == 0 {
		fmt.Fprintf(w, "No changes. %s up to date.\n", plural(plan.Unchanged, "image is", "images are"))
		return
	}
	fmt.Fprintln(w, "easel will perform these actions:")
	fmt.Fprintln(w)
	addrW, descW := columnWidths(plan)
	for _, c := range plan.Changes {
		writeChange(w, c, addrW, descW, colour)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, planSummary(plan))
	if line := estimateLine(plan); line != "" {
		fmt.Fprintln(w, line)
	}
}

func columnWidths(plan *engine.Plan) (addrW, descW int) {
	for _, c := range plan.Changes {
		addrW = max(addrW, len(c.Address))
		if c.Action.Generates() {
			descW = max(descW, len(describe(c)))
		}
	}
	return addrW, descW
}

func writeChange(w io.Writer, c *engine.Change, addrW, descW int, colour bool) {
	sym := paint(c.Action.Symbol(), actionColour(c.Action), colour)
	reasons := reasonLines(c)
	if c.Action.Generates() {
		line := fmt.Sprintf("  %s %-*s  %-*s  %s", sym, addrW, c.Address, descW, describe(c), formatUSD(c.Estimate.USD))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	} else {
		first := ""
		if len(reasons) > 0 {
			first, reasons = reasons[0], reasons[1:]
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s %-*s  %s", sym, addrW, c.Address, first), " "))
	}
	for _, r := range reasons {
		fmt.Fprintf(w, "      %s\n", r)
	}
	for _, warn := range c.Warnings {
		fmt.Fprintf(w, "      warning: %s\n", warn)
	}
}

// describe says what generates an image: provider, model, size, quality.
func describe(c *engine.Change) string {
	var parts []string
	for _, s := range []string{c.Provider, c.Model, c.Size, c.Quality} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// reasonLines renders why a change is planned, one line per reason.
func reasonLines(c *engine.Change) []string {
	var out []string
	for _, r := range c.Reasons {
		switch {
		case r.Kind == engine.ReasonNew:
			out = append(out, "(new)")
		case r.Kind == engine.ReasonAttribute && (r.Old != "" || r.New != ""):
			out = append(out, fmt.Sprintf("%s: %s -> %s", r.Attribute, r.Old, r.New))
		default:
			out = append(out, r.Message)
		}
	}
	return out
}

func planSummary(plan *engine.Plan) string {
	n := planCounts(plan)
	words := map[engine.Action]string{engine.Create: "create", engine.Regenerate: "regenerate",
		engine.Move: "move", engine.Restore: "restore", engine.Delete: "delete"}
	var parts []string
	for _, a := range actionOrder {
		parts = append(parts, fmt.Sprintf("%d to %s", n[a], words[a]))
	}
	s := "Plan: " + strings.Join(parts, ", ") + "."
	if d := n[engine.Drift]; d > 0 {
		s += fmt.Sprintf(" %d drifted.", d)
	}
	return s
}

// estimateLine gives the plan's estimated cost; unknown prices are said
// to be unknown, never counted as free.
func estimateLine(plan *engine.Plan) string {
	generating, unknown := 0, 0
	for _, c := range plan.Changes {
		if c.Action.Generates() {
			generating++
			if c.Estimate.USD == nil {
				unknown++
			}
		}
	}
	if generating == 0 {
		return ""
	}
	usd, _ := plan.TotalEstimate()
	total := formatUSD(&usd)
	if unknown == generating {
		total = "unknown"
	}
	if unknown > 0 {
		return fmt.Sprintf("Estimated cost: %s (%s with unknown price)", total, plural(unknown, "image", "images"))
	}
	return "Estimated cost: " + total
}

// formatUSD shows dollars with two decimals, or three for sub-cent
// precision ($0.042); nil is "unknown".
func formatUSD(usd *float64) string {
	if usd == nil {
		return "unknown"
	}
	s := fmt.Sprintf("%.3f", *usd)
	if strings.HasSuffix(s, "0") {
		s = s[:len(s)-1]
	}
	return "$" + s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// ANSI colours for action symbols.
const (
	ansiRed     = "31"
	ansiGreen   = "32"
	ansiYellow  = "33"
	ansiMagenta = "35"
	ansiCyan    = "36"
	ansiBold    = "1"
)

func actionColour(a engine.Action) string {
	switch a {
	case engine.Create:
		return ansiGreen
	case engine.Regenerate:
		return ansiYellow
	case engine.Delete:
		return ansiRed
	case engine.Drift:
		return ansiMagenta
	}
	return ansiCyan
}

func paint(s, code string, colour bool) string {
	if !colour {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// jsonChange is a change in -json output; its shape is covered by
// format_version.
type jsonChange struct {
	Address    string          `json:"address"`
	Action     engine.Action   `json:"action"`
	Provider   string          `json:"provider"`
	Model      string          `json:"model,omitempty"`
	Size       string          `json:"size,omitempty"`
	Quality    string          `json:"quality,omitempty"`
	Output     string          `json:"output"`
	PrevOutput string          `json:"prev_output,omitempty"`
	SpecHash   string          `json:"spec_hash,omitempty"`
	Reasons    []engine.Reason `json:"reasons"`
	Estimate   jsonEstimate    `json:"estimate"`
	Warnings   []string        `json:"warnings,omitempty"`
}

type jsonEstimate struct {
	USD    *float64 `json:"usd"` // null: unknown
	Detail string   `json:"detail,omitempty"`
}

type jsonPlanSummary struct {
	Type          string         `json:"type"`
	FormatVersion string         `json:"format_version"`
	Changes       map[string]int `json:"changes"`
	Unchanged     int            `json:"unchanged"`
	EstimatedUSD  float64        `json:"estimated_usd"`
	UnknownPrices int            `json:"unknown_prices"`
	Fingerprint   string         `json:"fingerprint"`
}

// writePlanJSON writes one planned_change line per change, then a
// plan_summary line.
func writePlanJSON(w io.Writer, plan *engine.Plan) {
	enc := json.NewEncoder(w)
	unknown := 0
	for _, c := range plan.Changes {
		if c.Action.Generates() && c.Estimate.USD == nil {
			unknown++
		}
		_ = enc.Encode(struct {
			Type          string     `json:"type"`
			FormatVersion string     `json:"format_version"`
			Change        jsonChange `json:"change"`
		}{"planned_change", jsonFormatVersion, toJSONChange(c)})
	}
	counts := map[string]int{}
	for a, n := range planCounts(plan) {
		counts[string(a)] = n
	}
	usd, _ := plan.TotalEstimate()
	_ = enc.Encode(jsonPlanSummary{Type: "plan_summary", FormatVersion: jsonFormatVersion, Changes: counts,
		Unchanged: plan.Unchanged, EstimatedUSD: usd, UnknownPrices: unknown, Fingerprint: plan.Fingerprint})
}

func toJSONChange(c *engine.Change) jsonChange {
	reasons := c.Reasons
	if reasons == nil {
		reasons = []engine.Reason{}
	}
	return jsonChange{Address: c.Address, Action: c.Action, Provider: c.Provider, Model: c.Model,
		Size: c.Size, Quality: c.Quality, Output: c.Output, PrevOutput: c.PrevOutput, SpecHash: c.SpecHash,
		Reasons: reasons, Estimate: jsonEstimate{USD: c.Estimate.USD, Detail: c.Estimate.Detail}, Warnings: c.Warnings}
}
