package schema

import (
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/zclconf/go-cty/cty"
)

// SensitiveMark is the cty mark carried by sensitive values (sensitive
// variables and everything derived from them, and attributes a provider
// declares sensitive).
const SensitiveMark = "sensitive"

// DefaultProvider is the provider of an image block without a provider
// attribute.
const DefaultProvider = "placeholder"

// Config is the unevaluated configuration of one project directory.
type Config struct {
	// Dir is the project directory the files were read from.
	Dir string
	// Files holds every parsed file, keyed by the file name used in
	// diagnostic ranges (relative to Dir, e.g. "main.easel.hcl").
	Files map[string]*hcl.File

	RequiredProviders map[string]*RequiredProvider
	// Providers is keyed by "name" or "name.alias".
	Providers map[string]*ProviderBlock
	Variables map[string]*Variable
	Locals    map[string]*Local
	// Images are in file order (files sorted by name).
	Images []*Image

	// Budget is easel { budget = USD }: the most one apply may spend; nil
	// when not set. BudgetRange is its expression, for messages.
	Budget      *float64
	BudgetRange hcl.Range
}

// RequiredProvider is one entry of easel { required_providers { ... } }.
type RequiredProvider struct {
	Name string
	// Source is "namespace/name"; "easel/NAME" when not given.
	Source    string
	Version   string
	DeclRange hcl.Range
}

// ProviderBlock is a provider "NAME" { ... } block. Body holds every
// attribute, including alias; it is decoded against the provider's schema
// by Evaluate.
type ProviderBlock struct {
	Name, Alias string
	Body        hcl.Body
	DeclRange   hcl.Range
}

// Key is "name" or "name.alias".
func (p *ProviderBlock) Key() string {
	return providerKey(p.Name, p.Alias)
}

// Variable is a variable "NAME" { ... } block.
type Variable struct {
	Name, Description string
	// Type is the type constraint; cty.DynamicPseudoType for any.
	Type cty.Type
	// TypeDefaults holds the defaults of optional(...) object attributes.
	TypeDefaults *typeexpr.Defaults
	// Default is cty.NilVal when the variable is required.
	Default     cty.Value
	Sensitive   bool
	Validations []*Validation
	DeclRange   hcl.Range

	// defaultRange is the default expression, for messages.
	defaultRange hcl.Range
	// rawInput: a -var or EASEL_VAR_ value is taken literally rather than
	// parsed as an HCL expression (string or unconstrained types).
	rawInput bool
}

// Required reports whether the variable has no default.
func (v *Variable) Required() bool {
	return v.Default == cty.NilVal
}

// Validation is a validation { condition, error_message } block.
type Validation struct {
	Condition    hcl.Expression
	ErrorMessage hcl.Expression
	DeclRange    hcl.Range
}

// Local is one attribute of a locals block.
type Local struct {
	Name      string
	Expr      hcl.Expression
	DeclRange hcl.Range
}

// Image is an image "NAME" { ... } block.
type Image struct {
	Name string
	// ProviderKey is "placeholder" (the default), "openai" or "openai.eu".
	ProviderKey string
	// ProviderRange is the provider expression, or DeclRange when omitted.
	ProviderRange hcl.Range
	DeclRange     hcl.Range

	// Meta attributes; nil expressions when absent.
	Output     hcl.Expression
	References hcl.Expression
	// Source is the optional source image of a derived image (transform):
	// a file path or an image value, the first reference its provider sees.
	Source    hcl.Expression
	ForEach   hcl.Expression
	Count     hcl.Expression
	DependsOn []hcl.Traversal
	// Body is the whole block body, meta attributes included; Evaluate
	// decodes it against the provider's image schema.
	Body hcl.Body
	// Candidates is the optional number of candidates to generate
	// (candidates = 4); nil when absent.
	Candidates hcl.Expression
}

// ProviderName is the provider name without its alias.
func (i *Image) ProviderName() string {
	name, _, _ := strings.Cut(i.ProviderKey, ".")
	return name
}

// ProviderNames returns every provider name the config uses (images,
// provider blocks and required_providers), sorted and without duplicates.
func (c *Config) ProviderNames() []string {
	seen := map[string]bool{}
	for _, img := range c.Images {
		seen[img.ProviderName()] = true
	}
	for _, p := range c.Providers {
		seen[p.Name] = true
	}
	for name := range c.RequiredProviders {
		seen[name] = true
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func providerKey(name, alias string) string {
	if alias == "" {
		return name
	}
	return name + "." + alias
}
