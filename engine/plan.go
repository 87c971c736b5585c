package engine

import (
	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
)

// Action is what a plan will do to one image.
type Action string

const (
	NoOp       Action = "no-op"
	Create     Action = "create"
	Regenerate Action = "regenerate"
	Move       Action = "move"
	Restore    Action = "restore"
	Delete     Action = "delete"
	Drift      Action = "drift"
)

// Symbol is the one-character sign shown before an address in a plan.
func (a Action) Symbol() string {
	switch a {
	case Create:
		return "+"
	case Regenerate:
		return "~"
	case Move:
		return ">"
	case Restore:
		return "<"
	case Delete:
		return "-"
	case Drift:
		return "!"
	}
	return " "
}

// Generates reports whether the action calls a provider (and may cost money).
func (a Action) Generates() bool { return a == Create || a == Regenerate }

// ReasonKind classifies why an image is in a plan.
type ReasonKind string

const (
	ReasonNew           ReasonKind = "new"            // not in the lockfile
	ReasonAttribute     ReasonKind = "attribute"      // an attribute's value changed
	ReasonReference     ReasonKind = "reference"      // a reference file's bytes changed, or the list changed
	ReasonUpstream      ReasonKind = "upstream"       // an image it references will change
	ReasonReplace       ReasonKind = "replace"        // forced by -replace
	ReasonProvider      ReasonKind = "provider"       // provider, its hash version or the output format changed
	ReasonOutputMissing ReasonKind = "output_missing" // the output file is gone
	ReasonOutputEdited  ReasonKind = "output_edited"  // the output file was changed outside easel
	ReasonOutputPath    ReasonKind = "output_path"    // only the output path changed
	ReasonRemoved       ReasonKind = "removed"        // no longer in the configuration
	ReasonCached        ReasonKind = "cached"         // the new spec was generated before: restored from the cache
)

// Reason explains one cause of a change.
type Reason struct {
	Kind ReasonKind `json:"kind"`
	// Attribute, Old and New describe an attribute change (values rendered
	// as HCL; sensitive values as "(sensitive)").
	Attribute string `json:"attribute,omitempty"`
	Old       string `json:"old,omitempty"`
	New       string `json:"new,omitempty"`
	// Reference names the reference file, image or URL concerned.
	Reference string `json:"reference,omitempty"`
	// Message is the reason as a sentence.
	Message string `json:"message"`
}

// Change is one image's entry in a plan.
type Change struct {
	Address  string   `json:"address"`
	Action   Action   `json:"action"`
	Reasons  []Reason `json:"reasons,omitempty"`
	Provider string   `json:"provider"` // provider key: "openai", "openai.eu"
	Model    string   `json:"model,omitempty"`
	Size     string   `json:"size,omitempty"`
	Quality  string   `json:"quality,omitempty"`
	Output   string   `json:"output"`
	// Candidates is how many candidates the image is generated as (0 or 1:
	// one image); its estimate covers them all.
	Candidates int `json:"candidates,omitempty"`
	// PrevOutput is the locked output path, for moves, deletes and
	// regenerations to a new path.
	PrevOutput string `json:"prev_output,omitempty"`
	// SpecHash is the new spec hash; empty when it depends on an upstream
	// image that will be generated first.
	SpecHash string `json:"spec_hash,omitempty"`
	// Estimate is the expected cost; only actions that generate have one.
	Estimate plugins.Estimate `json:"estimate"`
	// Diagnostics are this image's warnings (deprecated model, ...).
	Warnings []string `json:"warnings,omitempty"`
}

// Plan is the outcome of planning: every change, sorted by address.
type Plan struct {
	Changes []*Change `json:"changes"`
	// Unchanged counts images with nothing to do.
	Unchanged int `json:"unchanged"`
	// Fingerprint binds the plan to the exact specs, input bytes and
	// lockfile it was made from; Apply of a saved plan refuses a plan whose
	// fingerprint no longer matches a fresh one.
	Fingerprint string `json:"fingerprint"`
	// RefreshedURLs are the content hashes (hex sha256) a refresh found for
	// URL references, by URL: applying a saved plan plans with them again.
	RefreshedURLs map[string]string `json:"refreshed_urls,omitempty"`
	// Warnings found while planning (deprecated models, drift, ...).
	Warnings hcl.Diagnostics `json:"-"`
}

// HasChanges reports whether applying the plan would do anything.
func (p *Plan) HasChanges() bool {
	for _, c := range p.Changes {
		if c.Action != NoOp && c.Action != Drift {
			return true
		}
	}
	return false
}

// TotalEstimate sums the estimates of changes that generate. Known is false
// when any of them has an unknown price.
func (p *Plan) TotalEstimate() (usd float64, known bool) {
	known = true
	for _, c := range p.Changes {
		if !c.Action.Generates() {
			continue
		}
		if c.Estimate.USD == nil {
			known = false
			continue
		}
		usd += *c.Estimate.USD
	}
	return usd, known
}
