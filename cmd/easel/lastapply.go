package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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
// prompts, and each image's result. It is written in its two halves
// (applyRecord) and read whole.
type lastApply struct {
	lastApplyHead
	lastApplyTail
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

// applyRecord writes the record of one apply. What is known before the
// apply (the plan, each changed image's output before it, the prompts:
// most of the record, 409 KB of JSON for 500 images) is encoded while the
// first calls are out, so that only the results are left to encode when
// the apply ends, when it would delay easel's exit.
type applyRecord struct {
	dir  string
	head func() ([]byte, error) // the known part, encoded once
	// wave is how many images start before the head is encoded: as many
	// as run at once, so that the first calls are sent, which keeps every
	// core busy, and their answers not yet back.
	wave    int64
	starts  atomic.Int64
	encoded atomic.Bool // the head is
}

// startApplyRecord begins the record of an apply of plan in dir, with at
// most parallelism images at once.
func startApplyRecord(dir string, ev *schema.Evaluated, plan *engine.Plan, before map[string]imgRef, parallelism int) *applyRecord {
	r := &applyRecord{dir: dir, wave: int64(min(max(parallelism, 1), len(plan.Changes)))}
	r.head = sync.OnceValues(func() ([]byte, error) {
		defer r.encoded.Store(true)
		return json.Marshal(lastApplyHead{FormatVersion: lastApplyVersion, Plan: plan, Before: before, Prompts: promptsOf(ev)})
	})
	return r
}

// event counts the images that start, and encodes the head in the
// background once the first wave has: engine.ApplyOptions.OnEvent.
func (r *applyRecord) event(ev engine.Event) {
	if ev.Kind == engine.EventStart && r.starts.Add(1) == r.wave {
		go r.head()
	}
}

// lastApplyHead and lastApplyTail are the two halves of a lastApply: the
// part known before the apply and its outcome.
type lastApplyHead struct {
	FormatVersion int               `json:"format_version"`
	Plan          *engine.Plan      `json:"plan"`
	Before        map[string]imgRef `json:"before"`
	Prompts       map[string]string `json:"prompts"`
}

type lastApplyTail struct {
	Finished      time.Time    `json:"finished"`
	Results       []lastResult `json:"results"`
	ActualUSD     float64      `json:"actual_usd"`
	UnknownActual int          `json:"unknown_actual"`
}

// finish adds the apply's outcome to the record and saves it, without an
// fsync: a record damaged by a power cut is reported as such by
// readLastApply, and the next apply replaces it.
func (r *applyRecord) finish(res *engine.ApplyResult, now time.Time) error {
	head, err := r.head()
	if err != nil {
		return fmt.Errorf("encoding the apply record: %w", err)
	}
	tail, err := json.Marshal(lastApplyTail{Finished: now.UTC(), Results: lastResults(res),
		ActualUSD: res.ActualUSD, UnknownActual: res.UnknownActual})
	if err != nil {
		return fmt.Errorf("encoding the apply record: %w", err)
	}
	// Two JSON objects become one: the head without its closing brace, a
	// comma, and the tail without its opening one.
	data := make([]byte, 0, len(head)+len(tail)+1)
	data = append(append(append(data, head[:len(head)-1]...), ','), tail[1:]...)
	if err := fsx.WriteFileUnsynced(lastApplyPath(r.dir), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("saving the apply record: %w", err)
	}
	return nil
}

// lastResults are the results of an apply as its record keeps them.
func lastResults(res *engine.ApplyResult) []lastResult {
	out := make([]lastResult, 0, len(res.Results))
	for _, r := range res.Results {
		lr := lastResult{Address: r.Address, Action: r.Action, Status: "done", imgRef: imgRef{r.Output, r.SHA256},
			CostUSD: r.CostUSD, EstimateUSD: r.Estimate}
		switch {
		case errors.Is(r.Err, engine.ErrSkipped):
			lr.Status, lr.Error = "skipped", r.Err.Error()
		case r.Err != nil:
			lr.Status, lr.Error = "failed", r.Err.Error()
		}
		out = append(out, lr)
	}
	return out
}

func lastApplyPath(dir string) string { return filepath.Join(dir, engine.StateDir, lastApplyName) }

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
