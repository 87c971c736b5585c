package plugins

import "github.com/zclconf/go-cty/cty"

// Schema is what a provider declares about itself.
type Schema struct {
	// HashVersion is part of every spec hash for this provider. A provider
	// bumps it only when the same input would now give a different kind of
	// output, so upgrading a plugin does not regenerate everything.
	HashVersion int
	// Version is the provider's own release version, for display and pins.
	Version string
	// Provider lists the attributes of the provider configuration block.
	Provider []Attribute
	// Image lists the attributes of an image block using this provider,
	// beside the engine's meta attributes.
	Image []Attribute
	// Models are the models the provider knows. Empty for providers
	// without models (placeholder, transform).
	Models []Model
	// QueuesCalls says the provider's Generate honours ImageRequest.Slots
	// and its Withdraw ends the calls waiting for one. Set by the plugin
	// SDK, not by provider authors.
	QueuesCalls bool
}

// Attribute describes one attribute of a block.
type Attribute struct {
	Name        string
	Type        cty.Type
	Required    bool
	Default     cty.Value // cty.NilVal when there is none
	Description string
	// Sensitive values are never written to lockfile, plan file, log or error.
	Sensitive bool
	// NoHash marks attributes that do not affect the output (timeouts,
	// retry settings): they are left out of the spec hash.
	NoHash bool
	// File marks a string attribute that names a project file (a mask):
	// the engine confines and hashes it, puts its bytes (not its path) in
	// the spec hash and sends them as a Reference with Attribute set.
	File bool
}

// LifecycleStatus is where a model is in its vendor's lifecycle.
type LifecycleStatus string

const (
	Active     LifecycleStatus = "active"
	Deprecated LifecycleStatus = "deprecated"
	Shutdown   LifecycleStatus = "shutdown"
)

// Model is a model a provider knows, as data with its source.
type Model struct {
	ID          string
	Description string
	// Sizes lists the accepted sizes ("1024x1024"); SizeRule describes a
	// free-size rule instead when the list is empty.
	Sizes     []string
	SizeRule  string
	Qualities []string
	Formats   []string
	// Price is a one-line human summary of the price.
	Price string
	// Status, with Date (YYYY-MM-DD) for deprecation or shutdown and the
	// Replacement to recommend.
	Status      LifecycleStatus
	Date        string
	Replacement string
	// Source and AsOf say where the facts come from and when they were read.
	Source string
	AsOf   string
}
