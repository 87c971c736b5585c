package plugins

import (
	"context"
	"io"

	"github.com/zclconf/go-cty/cty"
)

// Provider is one configured provider instance as the engine uses it.
// Every method may block on a plugin process, so each takes a context.
type Provider interface {
	// GetSchema describes the provider's config and image attributes and the
	// models it knows. It is cheap and may be called before anything else.
	GetSchema(ctx context.Context) (*Schema, error)

	// ValidateConfig checks a provider block's evaluated attributes without
	// any network call. It runs at plan time, without secrets being required.
	ValidateConfig(ctx context.Context, config cty.Value) Diagnostics

	// Configure hands the provider its configuration before Generate.
	// Only apply configures a provider; plan never does.
	Configure(ctx context.Context, config cty.Value) Diagnostics

	// CheckImages validates and prices image requests locally (no
	// network), one Diagnostics and one Estimate per request, in the same
	// order.
	CheckImages(ctx context.Context, reqs []*ImageRequest) ([]Diagnostics, []Estimate, error)

	// Generate produces one image and streams its encoded bytes to out.
	// A failure the user should see is returned as *GenerateError.
	Generate(ctx context.Context, req *ImageRequest, out io.Writer) (*GenerateResult, error)

	// Withdraw ends the Generate calls of a batch (see ImageRequest.Slots)
	// that have not started, waiting for a slot or arriving later, with a
	// *GenerateError of kind ErrWithdrawn: nothing of them reaches the
	// vendor. Calls already started go on.
	Withdraw(ctx context.Context, batch string) error

	// Close stops the provider (and its process). It is safe to call twice.
	Close() error
}

// ImageRequest is one evaluated image as a provider sees it.
type ImageRequest struct {
	// Address is the image's address, such as image.hero or image.social["x"].
	Address string
	// Attrs is an object value conforming to the provider's image schema:
	// every declared attribute is present (null where unset, defaults applied).
	// The engine-owned meta attributes (provider, output, references,
	// for_each, count, depends_on) are not in it.
	Attrs cty.Value
	// References are the image's reference images, in declaration order.
	References []Reference
	// OutputPath is the output file path relative to the project directory,
	// with forward slashes.
	OutputPath string
	// Format is the output format named by OutputPath's extension:
	// "png", "jpeg" or "webp".
	Format string
	// SpecHash is the image's spec hash ("sha256:<hex>"), usable as a seed.
	// For an image with candidates = N, candidate 1 gets the hash the image
	// would have without candidates and candidate k a hash derived from it,
	// so each candidate is a distinct, reproducible seed.
	SpecHash string
	// Slots, when above zero, asks a provider whose schema QueuesCalls to
	// run at most Slots of the Generate calls carrying it at once, the
	// others waiting in arrival order: easel hands it a few calls ahead,
	// so the next starts the moment one ends. Zero runs the call at once.
	Slots int
	// Batch names the run a call with Slots belongs to, for Withdraw.
	Batch string
	// OnStart, when set, is called once when the call starts, on the
	// goroutine that called Generate: at once without Slots, or when its
	// slot frees up. A call withdrawn or cancelled while it waits never
	// calls it.
	OnStart func()
}

// ReferenceKind says where a reference image comes from.
type ReferenceKind string

const (
	ReferenceFile  ReferenceKind = "file"  // a file in the project
	ReferenceImage ReferenceKind = "image" // another image's output
	ReferenceURL   ReferenceKind = "url"   // a remote URL (providers that accept URLs)
)

// Reference is one reference image.
type Reference struct {
	Kind ReferenceKind
	// Name is the project-relative path, the image address or the URL.
	Name      string
	SHA256    string // hex, of the bytes
	Size      int64
	MediaType string // image/png, image/jpeg, image/webp
	// Width and Height are the image's dimensions, 0 when unknown.
	Width, Height int
	// Attribute names the file attribute this file is the value of (a
	// mask); empty for the image's references.
	Attribute string
	// Open returns the bytes. It is nil when the bytes are not available
	// (during plan, or for an upstream image not generated yet).
	Open func() (io.ReadCloser, error) `json:"-"`
}

// Estimate is the expected cost of generating one image.
type Estimate struct {
	// USD is the expected cost in US dollars; nil means unknown (never 0).
	USD *float64
	// Detail explains the figure, e.g. "1,056 output tokens at $40/1M".
	Detail string
	// Credits is the cost in the vendor's own credits, when it bills so.
	Credits *float64
}

// GenerateResult describes a generated image whose bytes were written to the
// writer given to Generate.
type GenerateResult struct {
	MediaType string
	// CostUSD is the actual cost reported or computed from usage; nil unknown.
	CostUSD *float64
	// Metadata is what the provider reports worth keeping in the lockfile:
	// model snapshot, seed, revised prompt, request id.
	Metadata map[string]string
	// Warnings are shown to the user but do not fail the image.
	Warnings Diagnostics
	// Retries is how many times the provider retried a request that may
	// have been billed (a 5xx or dropped connection after sending).
	BilledRetries int
}
