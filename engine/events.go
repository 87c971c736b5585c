package engine

import "time"

// EventKind says what happened to an image during apply.
type EventKind string

const (
	EventStart   EventKind = "start"
	EventDone    EventKind = "done"
	EventFailed  EventKind = "failed"
	EventSkipped EventKind = "skipped"
)

// Event is one step of an apply, for progress displays and -json output.
type Event struct {
	Kind    EventKind
	Address string
	Action  Action
	// Result is set on EventDone for actions that wrote an output.
	Result *Result
	// Err is set on EventFailed and EventSkipped.
	Err     error
	Elapsed time.Duration
}

// Result is one image's outcome.
type Result struct {
	Address string
	Action  Action
	Output  string
	SHA256  string
	Bytes   int64
	Width   int
	Height  int
	// CostUSD is the actual cost; nil unknown.
	CostUSD *float64
	// Estimate is what the plan expected.
	Estimate      *float64
	BilledRetries int
	Warnings      []string
	Err           error
	Elapsed       time.Duration
}

// ApplyResult summarises an apply.
type ApplyResult struct {
	Results     []*Result // sorted by address
	Done        int
	Failed      int
	Skipped     int
	Interrupted bool
	// EstimatedUSD and ActualUSD are totals over the images that generated.
	EstimatedUSD  float64
	ActualUSD     float64
	UnknownActual int
	BilledRetries int
}
