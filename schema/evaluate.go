package schema

import (
	"sort"
	"sync"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// Inputs are the variable values given from outside the configuration.
type Inputs struct {
	// Vars are raw "-var name=value" arguments, in order.
	Vars []string
	// VarFiles are -var-file paths, relative to the working directory or
	// absolute, in order.
	VarFiles []string
	// Env is an os.Environ()-style list; only EASEL_VAR_<name> entries
	// are used.
	Env []string
	// OnFileRead, when set, is told the absolute path of every file the
	// functions file, templatefile and filesha256 read while evaluating.
	// Images are evaluated in parallel: it may be called from several
	// goroutines at once.
	OnFileRead func(path string)
}

// Evaluated is the result of Config.Evaluate.
type Evaluated struct {
	// Vars holds every variable's final value (sensitive ones marked).
	Vars map[string]cty.Value
	// Locals holds every local value.
	Locals map[string]cty.Value
	// Providers is sorted by Key. It includes an implicit instance with an
	// empty configuration for every provider used by images without a
	// provider block. Providers without a schema are left out.
	Providers []*ProviderInstance
	// Images is sorted by Address.
	Images []*ImageInstance
	// Files holds the sources diagnostics may point into: the config
	// files plus the -var-file files and synthetic files for -var and
	// EASEL_VAR_ values. Pass it to the diagnostic renderer.
	Files map[string]*hcl.File
}

// ProviderInstance is one evaluated provider configuration.
type ProviderInstance struct {
	Key, Name, Alias string
	// Source is from required_providers, else "easel/NAME".
	Source string
	// Config conforms to the schema's Provider attributes: every attribute
	// present, null where unset, defaults applied. Values may carry
	// SensitiveMark; attributes the schema declares sensitive always do.
	Config cty.Value
	// AttrRanges is the expression range of each attribute; DeclRange for
	// attributes that were not set.
	AttrRanges map[string]hcl.Range
	DeclRange  hcl.Range
}

// ImageInstance is one evaluated image (one per for_each key or count
// index).
type ImageInstance struct {
	// Address is image.hero, image.social["twitter"] or image.banner[0].
	Address string
	Name    string
	// Key is the for_each key (string) or count index (number); cty.NilVal
	// for an image without for_each or count.
	Key         cty.Value
	ProviderKey string
	// Attrs conforms to the provider's image schema: every attribute
	// present, null where unset, defaults applied. Values may carry
	// SensitiveMark. It is an empty object when the provider is unknown.
	Attrs cty.Value
	// AttrRanges is the expression range of each attribute that was set,
	// plus "output", "references" and "provider"; DeclRange for the others.
	// The instances of a block share the map: it is read-only.
	AttrRanges map[string]hcl.Range
	// Output is the cleaned project-relative output path, forward slashes.
	Output     string
	References []RefSpec
	// HasSource is set when the image has a source attribute: then
	// References[0] is the source.
	HasSource bool
	// Candidates is how many candidates to generate, from the candidates
	// meta attribute: 0 when unset (one image), else 1 to MaxCandidates.
	Candidates int
	// DependsOn lists addresses (image.x["k"]) or bare images (image.x,
	// meaning every instance of x) this image depends on, from depends_on
	// and from image.* references in its attributes (references excluded:
	// those are in References). Sorted, without duplicates.
	DependsOn []string
	DeclRange hcl.Range
}

// RefKind says what a reference names.
type RefKind string

const (
	RefFile  RefKind = "file"
	RefImage RefKind = "image"
	RefURL   RefKind = "url"
)

// RefSpec is one element of an image's references.
type RefSpec struct {
	Kind RefKind
	// Value is a cleaned project-relative path with forward slashes
	// (file), an image address (image), or the URL (url).
	Value string
	// Range is the element's expression, or the references attribute when
	// the element cannot be located.
	Range hcl.Range
}

// Evaluate evaluates variables, locals, every provider block and every
// image instance. schemas maps a provider name (not alias) to its schema;
// an image or provider block whose provider is missing from it gets an
// "unknown provider" diagnostic. It returns as much as it could evaluate
// together with every diagnostic; when the diagnostics hold errors the
// result is incomplete and must not be acted on.
func (c *Config) Evaluate(in Inputs, schemas map[string]*plugins.Schema) (*Evaluated, hcl.Diagnostics) {
	return c.EvaluateLater(in, func() map[string]*plugins.Schema { return schemas })
}

// EvaluateLater is Evaluate for a caller whose providers are still
// starting: it evaluates what needs no schema first (variables, locals,
// and each image's expansion: count, for_each and output), and only then
// calls schemas, which may block until the providers are up. Diagnostics
// come in the same order as Evaluate's.
func (c *Config) EvaluateLater(in Inputs, schemas func() map[string]*plugins.Schema) (*Evaluated, hcl.Diagnostics) {
	ev := newEvaluator(c, in)
	var diags hcl.Diagnostics
	diags = append(diags, ev.evalVariables()...)
	ev.varVal = objectOf(ev.vars)
	diags = append(diags, ev.evalLocals()...)
	ev.localVal = objectOf(ev.locals)
	ev.shareContexts()
	expandDiags := ev.expandImages()
	expandDiags = append(expandDiags, ev.checkOutputs()...)
	ev.setSchemas(schemas())
	providers, pDiags := ev.evalProviders()
	diags = append(diags, pDiags...)
	diags = append(diags, expandDiags...)
	images, iDiags := ev.evalImages()
	diags = append(diags, iDiags...)

	sort.Slice(providers, func(i, j int) bool { return providers[i].Key < providers[j].Key })
	sort.Slice(images, func(i, j int) bool { return images[i].Address < images[j].Address })
	return &Evaluated{
		Vars:      ev.vars,
		Locals:    ev.locals,
		Providers: providers,
		Images:    images,
		Files:     ev.files,
	}, dedupe(diags)
}

// evaluator holds the state of one Evaluate call.
type evaluator struct {
	c       *Config
	in      Inputs
	schemas map[string]*plugins.Schema
	funcs   map[string]function.Function
	files   map[string]*hcl.File

	vars   map[string]cty.Value
	locals map[string]cty.Value
	// varVal and localVal cache the "var" and "local" objects once
	// variables and locals are all evaluated.
	varVal, localVal cty.Value
	// imageBodySchemas are the hcl schemas of image bodies, by provider
	// schema.
	imageBodySchemas map[*plugins.Schema]*hcl.BodySchema
	// contexts are the shared evaluation contexts (scope.go), by
	// contextIndex; nil until locals are evaluated.
	contexts [4]*hcl.EvalContext
	// exprVars remembers each expression's traversals (variables).
	exprVars sync.Map

	// Sorted names for suggestions, and images by name.
	varNames, localNames, imageNames []string
	imagesByName                     map[string]*Image
	paths                            *pathChecker

	// instances per image name, from pass 1; an image absent from the map
	// could not be expanded.
	instances map[string][]*instance
	byAddress map[string]*instance
	// byOutput is keyed by the lower-cased output path.
	byOutput map[string]*instance
	// imageVal is the "image" variable of pass 2.
	imageVal cty.Value
}

func newEvaluator(c *Config, in Inputs) *evaluator {
	files := make(map[string]*hcl.File, len(c.Files))
	for name, f := range c.Files {
		files[name] = f
	}
	byName := make(map[string]*Image, len(c.Images))
	imageNames := make([]string, 0, len(c.Images))
	for _, img := range c.Images {
		byName[img.Name] = img
		imageNames = append(imageNames, img.Name)
	}
	sort.Strings(imageNames)
	return &evaluator{
		c: c, in: in,
		varNames: mapKeys(c.Variables), localNames: mapKeys(c.Locals),
		imageNames: imageNames, imagesByName: byName,
		paths:     newPathChecker(c.Dir),
		funcs:     functions(fileReader{dir: c.Dir, onRead: in.OnFileRead}),
		files:     files,
		vars:      map[string]cty.Value{},
		locals:    map[string]cty.Value{},
		instances: map[string][]*instance{},
		byAddress: map[string]*instance{},
		byOutput:  map[string]*instance{},
		imageVal:  cty.EmptyObjectVal,
	}
}

// setSchemas hands the evaluator the providers' schemas.
func (ev *evaluator) setSchemas(schemas map[string]*plugins.Schema) {
	ev.schemas = schemas
	ev.imageBodySchemas = make(map[*plugins.Schema]*hcl.BodySchema, len(schemas))
	for _, s := range schemas {
		if s != nil {
			ev.imageBodySchemas[s] = bodySchema(imageMetaAttrs, s.Image)
		}
	}
}

// dedupe drops diagnostics identical to an earlier one: an expression
// evaluated once per instance reports its problem once.
func dedupe(diags hcl.Diagnostics) hcl.Diagnostics {
	type key struct {
		sev             hcl.DiagnosticSeverity
		summary, detail string
		subject         hcl.Range
	}
	seen := map[key]bool{}
	out := diags[:0:0]
	for _, d := range diags {
		k := key{sev: d.Severity, summary: d.Summary, detail: d.Detail}
		if d.Subject != nil {
			k.subject = *d.Subject
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	return out
}
