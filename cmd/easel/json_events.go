package main

import (
	"errors"

	"github.com/easelhq/easel/engine"
)

// The -json output of apply: an apply_progress line when an image starts
// and an apply_result line when it is done, failed or skipped. Their shape
// is documented in docs/json-format.md and covered by format_version.

// jsonProgress is an image starting.
type jsonProgress struct {
	Type          string        `json:"type"` // apply_progress
	FormatVersion string        `json:"format_version"`
	Event         string        `json:"event"` // start
	Address       string        `json:"address"`
	Action        engine.Action `json:"action"`
	Finished      int           `json:"finished"`
	Total         int           `json:"total"`
}

// jsonResult is one image's outcome.
type jsonResult struct {
	Type          string        `json:"type"` // apply_result
	FormatVersion string        `json:"format_version"`
	Event         string        `json:"event"` // done, failed or skipped
	Address       string        `json:"address"`
	Action        engine.Action `json:"action"`
	Finished      int           `json:"finished"`
	Total         int           `json:"total"`
	Output        string        `json:"output,omitempty"`
	SHA256        string        `json:"sha256,omitempty"`
	Bytes         int64         `json:"bytes,omitempty"`
	Width         int           `json:"width,omitempty"`
	Height        int           `json:"height,omitempty"`
	// CostUSD is what the image cost: the provider's figure for a
	// generation (null when it did not say, or when a failed request may
	// have been billed), zero for anything else.
	CostUSD      *float64 `json:"cost_usd"`
	EstimatedUSD *float64 `json:"estimated_usd"`
	Elapsed      float64  `json:"elapsed_seconds"`
	Error        string   `json:"error,omitempty"`
	// SkipReason says why a skipped image was not attempted: budget,
	// upstream_failed, interrupted or provider_stopped.
	SkipReason    string   `json:"skip_reason,omitempty"`
	BilledRetries int      `json:"billed_retries,omitempty"`
	Warnings      []string `json:"warnings,omitempty"`
}

// jsonEventOf is the -json line of an apply event; finished and total
// count the images done so far and in all.
func jsonEventOf(ev engine.Event, finished, total int) any {
	if ev.Kind == engine.EventStart {
		return jsonProgress{Type: "apply_progress", FormatVersion: jsonFormatVersion, Event: string(ev.Kind),
			Address: ev.Address, Action: ev.Action, Finished: finished, Total: total}
	}
	jr := jsonResult{Type: "apply_result", FormatVersion: jsonFormatVersion, Event: string(ev.Kind),
		Address: ev.Address, Action: ev.Action, Finished: finished, Total: total, Elapsed: ev.Elapsed.Seconds()}
	if ev.Err != nil {
		jr.Error = ev.Err.Error()
		jr.SkipReason = skipReason(ev.Err)
	}
	r := ev.Result
	if r == nil {
		return jr
	}
	jr.EstimatedUSD, jr.BilledRetries, jr.Warnings = roundPtr(r.Estimate), r.BilledRetries, r.Warnings
	switch {
	case ev.Kind == engine.EventDone:
		jr.Output, jr.SHA256, jr.Bytes, jr.Width, jr.Height = r.Output, r.SHA256, r.Bytes, r.Width, r.Height
		jr.CostUSD = roundPtr(r.CostUSD)
		if !ev.Action.Generates() {
			jr.CostUSD = zeroUSD()
		}
	case ev.Kind == engine.EventSkipped || !ev.Action.Generates():
		jr.CostUSD = zeroUSD()
	}
	return jr
}

func zeroUSD() *float64 { return new(float64) }

func roundPtr(usd *float64) *float64 {
	if usd == nil {
		return nil
	}
	v := roundUSD(*usd)
	return &v
}

// skipReason names why an image was not attempted, for -json.
func skipReason(err error) string {
	for _, r := range []struct {
		err  error
		name string
	}{
		{engine.ErrBudget, "budget"},
		{engine.ErrUpstreamFailed, "upstream_failed"},
		{engine.ErrInterrupted, "interrupted"},
		{engine.ErrProviderStopped, "provider_stopped"},
	} {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	if errors.Is(err, engine.ErrSkipped) {
		return "other"
	}
	return ""
}

// jsonPlannedChange is a planned_change line.
type jsonPlannedChange struct {
	Type          string     `json:"type"`
	FormatVersion string     `json:"format_version"`
	Change        jsonChange `json:"change"`
}

// jsonInterrupt is an interrupt line: what Ctrl-C does.
type jsonInterrupt struct {
	Type          string `json:"type"`
	FormatVersion string `json:"format_version"`
	Message       string `json:"message"`
}
