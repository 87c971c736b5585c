package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/easelhq/easel/engine"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/schema"
	"github.com/zclconf/go-cty/cty"
)

// lastApplyName is the record of the last apply in .easel/, which easel
// report -last-apply shows. It is local state, like the cache it points
// into, and holds no secret.
const lastApplyName = "last-apply.json"

const lastApplyVersion = 1

// lastApply records what the last apply did: its plan, the output each
// changed image had before (to find the replaced bytes in the cache), the
// prompts, and each image's result.
type lastApply struct {
	FormatVersion int               `json:"format_version"`
	Finished      time.Time         `json:"finished"`
	Plan          *engine.Plan      `json:"plan"`
	Before        map[string]imgRef `json:"before"`
	Prompts       map[string]string `json:"prompts"`
	Results       []lastResult      `json:"results"`
	ActualUSD     float64           `json:"actual_usd"`
	UnknownActual int               `json:"unknown_actual"`
}

// imgRef is an output file and the SHA-256 of its bytes.
type imgRef struct {
	Output string `json:"output"`
	SHA256 string `json:"sha256"`
}

type lastResult struct {
	Address string        `json:"address"`
	Action  engine.Action `json:"action"`
	Status  string        `json:"status"` // done, failed or skipped
	imgRef
	CostUSD     *float64 `json:"cost_usd"`
	EstimateUSD *float64 `json:"estimated_usd"`
	Error       string   `json:"error,omitempty"`
}

// beforeApply notes the locked output of every image a plan changes.
func beforeApply(p *engine.Project, plan *engine.Plan) map[string]imgRef {
	out := map[string]imgRef{}
	for _, c := range plan.Changes {
		if le := p.Lock.Image(c.Address); le != nil {
			out[c.Address] = imgRef{Output: le.Output, SHA256: le.SHA256}
		}
	}
	return out
}

// promptsOf returns the non-sensitive prompt of every image in the
// evaluated configuration (nil when it was not evaluated).
func promptsOf(ev *schema.Evaluated) map[string]string {
	out := map[string]string{}
	if ev == nil {
		return out
	}
	for _, img := range ev.Images {
		if s, ok := plainString(img.Attrs, "prompt"); ok {
			out[img.Address] = s
		}
	}
	return out
}

// plainString returns a known, non-null, unmarked string attribute.
func plainString(obj cty.Value, name string) (string, bool) {
	if obj == cty.NilVal || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) || obj.IsMarked() {
		return "", false
	}
	v := obj.GetAttr(name)
	if v.IsMarked() || !v.IsKnown() || v.IsNull() || v.Type() != cty.String {
		return "", false
	}
	return v.AsString(), true
}

// newLastApply records an apply's outcome.
func newLastApply(plan *engine.Plan, before map[string]imgRef, prompts map[string]string, res *engine.ApplyResult, now time.Time) *lastApply {
	la := &lastApply{FormatVersion: lastApplyVersion, Finished: now.UTC(), Plan: plan, Before: before, Prompts: prompts,
		ActualUSD: res.ActualUSD, UnknownActual: res.UnknownActual}
	for _, r := range res.Results {
		lr := lastResult{Address: r.Address, Action: r.Action, Status: "done", imgRef: imgRef{r.Output, r.SHA256},
			CostUSD: r.CostUSD, EstimateUSD: r.Estimate}
		switch {
		case errors.Is(r.Err, engine.ErrSkipped):
			lr.Status, lr.Error = "skipped", r.Err.Error()
		case r.Err != nil:
			lr.Status, lr.Error = "failed", r.Err.Error()
		}
		la.Results = append(la.Results, lr)
	}
	return la
}

func lastApplyPath(dir string) string { return filepath.Join(dir, engine.StateDir, lastApplyName) }

func (la *lastApply) save(dir string) error {
	data, err := json.Marshal(la) // read by easel report, not by people
	if err != nil {
		return fmt.Errorf("encoding the apply record: %w", err)
	}
	if err := fsx.WriteFileAtomic(lastApplyPath(dir), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("saving the apply record: %w", err)
	}
	return nil
}

// errNoLastApply is returned by readLastApply when no apply ran yet.
var errNoLastApply = errors.New(`no apply recorded in .easel/ yet: run "easel apply" first, or report on a plan`)

func readLastApply(dir string) (*lastApply, error) {
	data, err := os.ReadFile(lastApplyPath(dir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, errNoLastApply
	}
	if err != nil {
		return nil, fmt.Errorf("reading the apply record: %w", err)
	}
	var la lastApply
	if err := json.Unmarshal(data, &la); err != nil || la.Plan == nil {
		return nil, fmt.Errorf("%s is damaged; run easel apply again to replace it", lastApplyPath(dir))
	}
	if la.FormatVersion != lastApplyVersion {
		return nil, fmt.Errorf("%s was written by another version of easel; run easel apply again to replace it", lastApplyPath(dir))
	}
	return &la, nil
}

// recordApply saves the record of an apply for easel report -last-apply.
// It is a convenience: a failure to write it is a warning.
func (a *app) recordApply(s *session, plan *engine.Plan, before map[string]imgRef, res *engine.ApplyResult) {
	la := newLastApply(plan, before, promptsOf(s.p.Evaluated), res, time.Now())
	if err := la.save(s.p.Dir()); err != nil {
		fmt.Fprintln(a.stderr, "Warning:", err)
	}
}
