package main

import (
	"bufio"
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
// per change with its symbol, address, provider/model, size, quality and
// estimated cost; the reasons and attribute diffs under it; then the
// counts and the estimated cost, by provider and model when there are
// several. The text goes out in buffered writes, not a write per line:
// a plan of 500 images was a thousand system calls.
func writePlanText(out io.Writer, plan *engine.Plan, colour bool) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	if len(plan.Changes) == 0 {
		fmt.Fprintf(w, "No changes. %s up to date.\n", plural(plan.Unchanged, "image is", "images are"))
		return
	}
	fmt.Fprintln(w, "easel will perform these actions:")
	fmt.Fprintln(w)
	cols := columnWidths(plan)
	cols.width = width(out)
	for _, c := range plan.Changes {
		writeChange(w, c, cols, colour)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, paint(planSummary(plan), ansiBold, colour))
	for _, line := range estimateLines(plan) {
		fmt.Fprintln(w, line)
	}
}

// planColumns are the widths of the columns of the change lines.
type planColumns struct {
	addr, model, size, quality, cost int
	width                            int // of the whole line, for wrapping diffs
}

func columnWidths(plan *engine.Plan) planColumns {
	cols := planColumns{width: 78}
	for _, c := range plan.Changes {
		cols.addr = max(cols.addr, len(c.Address))
		if c.Action.Generates() {
			cols.model = max(cols.model, len(modelName(c.Provider, c.Model)))
			cols.size = max(cols.size, len(sizeText(c)))
			cols.quality = max(cols.quality, len(c.Quality))
			cols.cost = max(cols.cost, len(formatUSD(c.Estimate.USD)))
		}
	}
	return cols
}

func writeChange(w io.Writer, c *engine.Change, cols planColumns, colour bool) {
	sym := paint(c.Action.Symbol(), actionColour(c.Action), colour)
	reasons := c.Reasons
	if c.Action.Generates() {
		fmt.Fprintln(w, strings.TrimRight("  "+sym+" "+generateColumns(c, cols), " "))
	} else {
		first := ""
		if len(reasons) > 0 {
			first, reasons = reasonLines(reasons[:1])[0], reasons[1:]
		}
		fmt.Fprintln(w, strings.TrimRight(fmt.Sprintf("  %s %-*s  %s", sym, cols.addr, c.Address, first), " "))
	}
	for _, r := range reasons {
		for _, line := range reasonText(r, cols.width, colour) {
			fmt.Fprintf(w, "      %s\n", line)
		}
	}
	for _, warn := range c.Warnings {
		fmt.Fprintf(w, "      warning: %s\n", warn)
	}
}

// generateColumns is the address, provider/model, size, quality and cost
// of a change that generates, in aligned columns.
func generateColumns(c *engine.Change, cols planColumns) string {
	s := fmt.Sprintf("%-*s  %-*s  %-*s", cols.addr, c.Address, cols.model, modelName(c.Provider, c.Model), cols.size, sizeText(c))
	if cols.quality > 0 {
		s += fmt.Sprintf("  %-*s", cols.quality, c.Quality)
	}
	return s + fmt.Sprintf("  %*s", cols.cost, formatUSD(c.Estimate.USD))
}

// sizeText is the size column: the size, and how many candidates
// ("1024x1024 x4") when the image has several.
func sizeText(c *engine.Change) string {
	if c.Candidates > 1 {
		return strings.TrimSpace(fmt.Sprintf("%s x%d", c.Size, c.Candidates))
	}
	return c.Size
}

// describe says what generates an image: provider, model, size, quality.
func describe(c *engine.Change) string {
	var parts []string
	for _, s := range []string{modelName(c.Provider, c.Model), c.Size, c.Quality} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " ")
}

// reasonLines renders why a change is planned, one line per reason.
func reasonLines(reasons []engine.Reason) []string {
	var out []string
	for _, r := range reasons {
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

// reasonText renders one reason: "prompt: "a" -> "b"" for a short
// attribute change; for a long one, the attribute's name and a word diff
// (unchanged stretches elided) wrapped below it.
func reasonText(r engine.Reason, width int, colour bool) []string {
	ac, ok := attributeChange(r)
	if !ok || ac.words == nil {
		return reasonLines([]engine.Reason{r})
	}
	lines := []string{ac.name + ":"}
	for _, l := range wrapWords(wordDiffText(elide(ac.words, wordContext), colour), max(width-8, 30)) {
		lines = append(lines, "  "+l)
	}
	return lines
}

// wordContext is how many unchanged words a word diff keeps on each side
// of a change.
const wordContext = 6

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

// estimateLines give the plan's estimated cost, then the cost by provider
// and model when there are several; unknown prices are said to be
// unknown, never counted as free.
func estimateLines(plan *engine.Plan) []string {
	pc := costOf(plan)
	if pc.Images == 0 {
		return nil
	}
	lines := []string{estimateLine(plan)}
	if len(pc.Groups) < 2 {
		return lines
	}
	nameW, countW := 0, 0
	for _, g := range pc.Groups {
		nameW = max(nameW, len(g.Name))
		countW = max(countW, len(plural(g.Images, "image", "images")))
	}
	for _, g := range pc.Groups {
		lines = append(lines, fmt.Sprintf("  %-*s  %-*s  %s", nameW, g.Name, countW, plural(g.Images, "image", "images"), g))
	}
	return lines
}

// estimateLine gives the plan's estimated cost in one line.
func estimateLine(plan *engine.Plan) string {
	pc := costOf(plan)
	if pc.Images == 0 {
		return ""
	}
	total := formatUSD(pc.known())
	if pc.Unknown > 0 {
		return fmt.Sprintf("Estimated cost: %s (%s with unknown price)", total, plural(pc.Unknown, "image", "images"))
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
	Candidates int             `json:"candidates,omitempty"`
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
	// CostByModel breaks the estimate down by provider and model.
	CostByModel []jsonModelCost `json:"cost_by_model"`
	Fingerprint string          `json:"fingerprint"`
}

// jsonModelCost is the estimate of the images one provider and model
// would generate.
type jsonModelCost struct {
	Name          string  `json:"name"` // "openai/gpt-image-2", or the provider alone
	Images        int     `json:"images"`
	UnknownPrices int     `json:"unknown_prices"`
	EstimatedUSD  float64 `json:"estimated_usd"`
}

func jsonCostByModel(pc planCost) []jsonModelCost {
	out := []jsonModelCost{}
	for _, g := range pc.Groups {
		out = append(out, jsonModelCost{Name: g.Name, Images: g.Images, UnknownPrices: g.Unknown, EstimatedUSD: roundUSD(g.USD)})
	}
	return out
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
		_ = enc.Encode(jsonPlannedChange{"planned_change", jsonFormatVersion, toJSONChange(c)})
	}
	counts := map[string]int{}
	for a, n := range planCounts(plan) {
		counts[string(a)] = n
	}
	usd, _ := plan.TotalEstimate()
	_ = enc.Encode(jsonPlanSummary{Type: "plan_summary", FormatVersion: jsonFormatVersion, Changes: counts,
		Unchanged: plan.Unchanged, EstimatedUSD: roundUSD(usd), UnknownPrices: unknown,
		CostByModel: jsonCostByModel(costOf(plan)), Fingerprint: plan.Fingerprint})
}

func toJSONChange(c *engine.Change) jsonChange {
	reasons := c.Reasons
	if reasons == nil {
		reasons = []engine.Reason{}
	}
	return jsonChange{Address: c.Address, Action: c.Action, Provider: c.Provider, Model: c.Model,
		Size: c.Size, Quality: c.Quality, Output: c.Output, PrevOutput: c.PrevOutput, SpecHash: c.SpecHash, Candidates: c.Candidates,
		Reasons: reasons, Estimate: jsonEstimate{USD: c.Estimate.USD, Detail: c.Estimate.Detail}, Warnings: c.Warnings}
}
