package main

import (
	"encoding/json"
	"io"

	"github.com/easelhq/easel/engine"
)

// jsonPlanDocument is what show -json prints for a saved plan: one stable
// JSON document (plan -json streams lines instead). Its shape is
// documented in docs/json-format.md and covered by format_version. Lists
// are never null.
type jsonPlanDocument struct {
	FormatVersion     string          `json:"format_version"`
	PlanFormatVersion int             `json:"plan_format_version"`
	Fingerprint       string          `json:"fingerprint"`
	LockfileSHA256    string          `json:"lockfile_sha256"`
	Options           jsonPlanOptions `json:"options"`
	Changes           []jsonChange    `json:"changes"`
	Summary           jsonPlanTotals  `json:"summary"`
}

// jsonPlanOptions are the options a saved plan was made with. Sensitive
// variables are named, never valued.
type jsonPlanOptions struct {
	Targets       []string `json:"targets"`
	Replace       []string `json:"replace"`
	VarFiles      []string `json:"var_files"`
	Vars          []string `json:"vars"`
	SensitiveVars []string `json:"sensitive_vars"`
	MaxCostUSD    *float64 `json:"max_cost_usd"`
}

// jsonPlanTotals sums a plan up.
type jsonPlanTotals struct {
	Changes       map[string]int  `json:"changes"`
	Unchanged     int             `json:"unchanged"`
	EstimatedUSD  float64         `json:"estimated_usd"`
	UnknownPrices int             `json:"unknown_prices"`
	CostByModel   []jsonModelCost `json:"cost_by_model"`
}

func planTotals(plan *engine.Plan) jsonPlanTotals {
	counts := map[string]int{}
	for a, n := range planCounts(plan) {
		counts[string(a)] = n
	}
	pc := costOf(plan)
	return jsonPlanTotals{Changes: counts, Unchanged: plan.Unchanged, EstimatedUSD: roundUSD(pc.USD),
		UnknownPrices: pc.Unknown, CostByModel: jsonCostByModel(pc)}
}

// writePlanDocument writes a saved plan as one indented JSON document.
func writePlanDocument(w io.Writer, pf *planFile) error {
	doc := jsonPlanDocument{FormatVersion: jsonFormatVersion, PlanFormatVersion: pf.FormatVersion,
		Fingerprint: pf.Plan.Fingerprint, LockfileSHA256: pf.Lockfile, Changes: []jsonChange{}, Summary: planTotals(pf.Plan),
		Options: jsonPlanOptions{Targets: orEmpty(pf.Targets), Replace: orEmpty(pf.Replace), VarFiles: orEmpty(pf.VarFiles),
			Vars: orEmpty(pf.Vars), SensitiveVars: orEmpty(pf.SensitiveVars)}}
	if pf.MaxCostUSD > 0 {
		doc.Options.MaxCostUSD = &pf.MaxCostUSD
	}
	for _, c := range pf.Plan.Changes {
		doc.Changes = append(doc.Changes, toJSONChange(c))
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// jsonLockDocument is show -json without a plan file: the lockfile.
type jsonLockDocument struct {
	FormatVersion string             `json:"format_version"`
	Providers     []jsonLockProvider `json:"providers"`
	Images        []jsonLockImage    `json:"images"`
}
