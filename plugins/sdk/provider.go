package sdk

import (
	"context"
	"io"

	"github.com/zclconf/go-cty/cty"
)

// Provider is what a provider author implements. Validator, Estimator and
// ConfigValidator are optional extensions, found by type assertion.
type Provider interface {
	// Schema describes the provider. It must not depend on configuration.
	Schema() Schema
	// Configure receives the evaluated provider block before any Generate.
	// Secrets (api keys) arrive here; never log them or put them in errors.
	Configure(ctx context.Context, config Config) Diagnostics
	// Generate produces one image. Return *Error for failures the user can
	// act on (refusals, quota, invalid requests).
	Generate(ctx context.Context, req *Request) (*Response, error)
}

// Validator checks one image's attributes locally, with no network, at plan
// time. References have no bytes yet (Open returns an error).
type Validator interface {
	ValidateImage(ctx context.Context, req *Request) Diagnostics
}

// Estimator prices one image locally, with no network, at plan time.
type Estimator interface {
	EstimateCost(ctx context.Context, req *Request) Estimate
}

// ConfigValidator checks a provider block at plan time, before secrets are
// required. It must not make network calls.
type ConfigValidator interface {
	ValidateConfig(ctx context.Context, config Config) Diagnostics
}

// Schema describes a provider: its configuration, its image attributes and
// the models it knows.
type Schema struct {
	// HashVersion is mixed into every spec hash. Bump it only when the same
	// input would now give a different kind of output.
	HashVersion int
	// Version is the provider's release version.
	Version string
	// Provider lists the attributes of the provider block.
	Provider []Attribute
	// Image lists the image attributes this provider accepts, beside the
	// engine's own (provider, output, references, for_each, count,
	// depends_on). Use PromptAttr, ModelAttr and SizeAttr for the common ones.
	Image []Attribute
	// Models are the models the provider knows, as data.
	Models []Model
	// URLReferencesByURL says the provider hands a URL reference to its
	// vendor as the URL and never opens it: easel, which fetches the bytes
	// to hash them, then streams none of them to Generate.
	URLReferencesByURL bool
}

// Attribute describes one attribute of a block.
type Attribute struct {
	Name        string
	Type        cty.Type
	Required    bool
	Default     cty.Value // cty.NilVal for none
	Description string
	// Sensitive values are never written to the lockfile, plan files, logs
	// or error messages.
	Sensitive bool
	// NoHash marks attributes that do not change the output (timeouts,
	// retries, latency): changing them never regenerates an image.
	NoHash bool
	// File marks a string attribute that names a project file, such as a
	// mask: easel hashes the file's bytes into the spec hash and hands the
	// file to Generate through Request.File(name).
	File bool
}

// Model is one model a provider knows. Keep these as data tables with the
// source and date of every fact.
type Model struct {
	ID          string
	Description string
	Sizes       []string // accepted sizes, or empty with SizeRule
	SizeRule    string
	Qualities   []string
	// Formats lists the output formats the model makes ("png", "jpeg",
	// "webp", "gif", "svg"). easel cannot convert an image to GIF or SVG:
	// an output in either reaches a provider only when one of its models
	// lists it, and the provider then checks the model of each image.
	Formats []string
	Price   string // one-line summary
	// Status is "active", "deprecated" or "shutdown"; Date is YYYY-MM-DD.
	Status      string
	Date        string
	Replacement string
	Source      string
	AsOf        string
}

// Config is an evaluated provider block.
type Config struct {
	// Values is an object conforming to Schema.Provider.
	Values cty.Value
}

// Request is one image to validate, price or generate.
type Request struct {
	// Address is the image's address, for messages.
	Address string
	// Values is an object conforming to Schema.Image: every attribute is
	// present, null where unset, defaults applied.
	Values cty.Value
	// References are the reference images in declaration order.
	References []Reference
	// files are the files of file attributes, by attribute name.
	files map[string]Reference
	// OutputPath is the project-relative output path; Format is "png",
	// "jpeg" or "webp" as its extension says.
	OutputPath string
	Format     string
	// SpecHash is the image's spec hash: a stable seed for deterministic output.
	SpecHash string
}

// Reference is one reference image.
type Reference struct {
	// Kind is "file", "image" or "url"; Name the path, address or URL.
	Kind      string
	Name      string
	SHA256    string
	Size      int64
	MediaType string
	// Width and Height are the image's dimensions, 0 when unknown.
	Width, Height int
	// Attribute is set on the file of a file attribute (see Request.File).
	Attribute string
	open      func() (io.ReadCloser, error)
}

// Response is a generated image.
type Response struct {
	// Image is the encoded image (PNG, JPEG or WebP). The SDK streams it to
	// easel in chunks; it is closed if it is an io.Closer.
	Image     io.Reader
	MediaType string
	// CostUSD is the actual cost, when known.
	CostUSD *float64
	// Metadata worth keeping in the lockfile: model snapshot, seed,
	// revised prompt, request id. Never secrets.
	Metadata map[string]string
	// Warnings are shown to the user.
	Warnings Diagnostics
	// BilledRetries counts retries of requests that may have been billed.
	BilledRetries int
}

// Estimate is the expected cost of one image. A nil USD means unknown.
type Estimate struct {
	USD     *float64
	Credits *float64
	Detail  string
}
