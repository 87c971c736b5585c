package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/schema"
)

// planFileVersion is the version of the saved plan format.
const planFileVersion = 1

// planFile is a saved plan (plan -out): the plan itself and what is needed
// to plan again identically at apply time. It never holds a secret: -var
// values of sensitive variables are left out and must be given again.
type planFile struct {
	FormatVersion int      `json:"format_version"`
	Targets       []string `json:"targets,omitempty"`
	Replace       []string `json:"replace,omitempty"`
	Exclude       []string `json:"exclude,omitempty"`
	KeepOrphans   bool     `json:"keep_orphans,omitempty"`
	VarFiles      []string `json:"var_files,omitempty"`
	// Vars are the -var arguments of non-sensitive variables.
	Vars []string `json:"vars,omitempty"`
	// SensitiveVars names the sensitive variables set by -var, whose
	// values were not saved.
	SensitiveVars []string `json:"sensitive_vars,omitempty"`
	// MaxCostUSD is the -max-cost the plan was made with; apply holds the
	// plan to it unless given another.
	MaxCostUSD float64 `json:"max_cost_usd,omitempty"`
	// Lockfile is the SHA-256 of the lockfile the plan was made from.
	Lockfile string       `json:"lockfile_sha256"`
	Plan     *engine.Plan `json:"plan"`
}

// newPlanFile records a plan with its options, dropping sensitive -var values.
func newPlanFile(p *engine.Project, plan *engine.Plan, f *planFlags) *planFile {
	pf := &planFile{FormatVersion: planFileVersion, Targets: f.targets, Replace: f.replace, Exclude: f.exclude, KeepOrphans: f.keepOrphans,
		VarFiles: f.varFiles, MaxCostUSD: f.maxCost, Lockfile: lockSum(p), Plan: plan}
	for _, arg := range f.vars {
		name, _, _ := strings.Cut(arg, "=")
		if isSensitiveVar(p.Config, strings.TrimSpace(name)) {
			pf.SensitiveVars = append(pf.SensitiveVars, strings.TrimSpace(name))
			continue
		}
		pf.Vars = append(pf.Vars, arg)
	}
	return pf
}

func isSensitiveVar(cfg *schema.Config, name string) bool {
	v := cfg.Variables[name]
	return v != nil && v.Sensitive
}

func lockSum(p *engine.Project) string {
	sum := sha256.Sum256(p.Lock.Bytes())
	return hex.EncodeToString(sum[:])
}

func (pf *planFile) save(path string) error {
	data, err := json.MarshalIndent(pf, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the plan: %w", err)
	}
	if err := fsx.WriteFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving the plan: %w", err)
	}
	return nil
}

// errNotPlanFile is returned by readPlanFile for a file that is not a plan.
var errNotPlanFile = errors.New("not an easel plan file")

func readPlanFile(path string) (*planFile, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading the saved plan: %w", err)
	}
	var pf planFile
	if err := json.Unmarshal(data, &pf); err != nil || pf.Plan == nil || pf.FormatVersion == 0 {
		return nil, fmt.Errorf("%s: %w (make one with easel plan -out=FILE)", path, errNotPlanFile)
	}
	if pf.FormatVersion != planFileVersion {
		return nil, fmt.Errorf("%s is a version %d plan file; this easel reads version %d. Run easel plan again",
			path, pf.FormatVersion, planFileVersion)
	}
	return &pf, nil
}

// missingSensitive lists the sensitive variables the plan was made with
// that are not given again (by -var or EASEL_VAR_).
func (pf *planFile) missingSensitive(vars, env []string) []string {
	given := map[string]bool{}
	for _, arg := range vars {
		name, _, _ := strings.Cut(arg, "=")
		given[strings.TrimSpace(name)] = true
	}
	var missing []string
	for _, name := range pf.SensitiveVars {
		if _, inEnv := lookupEnv(env, schema.EnvVarPrefix+name); !given[name] && !inEnv {
			missing = append(missing, name)
		}
	}
	return missing
}

// staleReason says what changed between a saved plan and a fresh one made
// with the same options, as clauses: "image.hero's spec changed and the
// lockfile changed".
func staleReason(saved *planFile, fresh *engine.Plan, freshLock string) string {
	var what []string
	old := map[string]*engine.Change{}
	for _, c := range saved.Plan.Changes {
		old[c.Address] = c
	}
	for _, c := range fresh.Changes {
		if s := changeDiff(old[c.Address], c); s != "" {
			what = append(what, s)
		}
		delete(old, c.Address)
	}
	for _, c := range saved.Plan.Changes {
		if old[c.Address] != nil {
			what = append(what, c.Address+" no longer needs changes")
		}
	}
	if saved.Lockfile != freshLock {
		what = append(what, "the lockfile changed")
	}
	if len(what) == 0 {
		what = append(what, "a reference or output file changed")
	}
	return joinAnd(what, 3)
}

// changeDiff says what differs between a saved change and a fresh one.
func changeDiff(old, c *engine.Change) string {
	switch {
	case old == nil || old.SpecHash != c.SpecHash:
		return c.Address + "'s spec changed"
	case old.Output != c.Output:
		return c.Address + "'s output path changed"
	case old.Action != c.Action:
		return c.Address + "'s output file changed"
	}
	return ""
}

// joinAnd joins up to limit items as "a, b and c", then "and N more".
func joinAnd(items []string, limit int) string {
	if len(items) > limit {
		items = append(items[:limit:limit], fmt.Sprintf("%d more", len(items)-limit))
	}
	if len(items) == 1 {
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
