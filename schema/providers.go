package schema

import (
	"fmt"

	"github.com/easelhq/easel/plugins"
	"github.com/hashicorp/hcl/v2"
)

var providerScope = scope{what: "A provider block", locals: true}

// evalProviders evaluates every provider block and adds an implicit
// instance for each provider images use without a block.
func (ev *evaluator) evalProviders() ([]*ProviderInstance, hcl.Diagnostics) {
	var out []*ProviderInstance
	var diags hcl.Diagnostics
	for _, key := range mapKeys(ev.c.Providers) {
		p := ev.c.Providers[key]
		schema, ok := ev.schemas[p.Name]
		if !ok {
			diags = append(diags, ev.unknownProvider(p.Name, p.DeclRange))
			continue
		}
		content, cDiags := p.Body.Content(bodySchema([]hcl.AttributeSchema{{Name: attrAlias}}, schema.Provider))
		diags = append(diags, cDiags...)
		what := fmt.Sprintf("provider %q", p.Name)
		config, dDiags := ev.decodeAttrs(content, schema.Provider, providerScope, p.DeclRange, what)
		diags = append(diags, dDiags...)
		out = append(out, &ProviderInstance{
			Key: key, Name: p.Name, Alias: p.Alias, Source: ev.source(p.Name),
			Config: config, AttrRanges: attrRanges(content, schema.Provider, p.DeclRange), DeclRange: p.DeclRange,
		})
	}
	implicit, iDiags := ev.implicitProviders()
	return append(out, implicit...), append(diags, iDiags...)
}

// implicitProviders configures, with an empty body, each provider that
// images use but no provider block declares.
func (ev *evaluator) implicitProviders() ([]*ProviderInstance, hcl.Diagnostics) {
	var out []*ProviderInstance
	var diags hcl.Diagnostics
	done := map[string]bool{}
	for _, img := range ev.c.Images {
		name := img.ProviderName()
		if name != img.ProviderKey || ev.c.Providers[name] != nil || done[name] {
			continue // aliases need a block: checked with the image
		}
		done[name] = true
		schema, ok := ev.schemas[name]
		if !ok {
			continue // reported with the image
		}
		what := fmt.Sprintf("provider %q (add a provider %q block to set it)", name, name)
		empty := &hcl.BodyContent{}
		config, dDiags := ev.decodeAttrs(empty, schema.Provider, providerScope, img.ProviderRange, what)
		diags = append(diags, dDiags...)
		out = append(out, &ProviderInstance{
			Key: name, Name: name, Source: ev.source(name),
			Config: config, AttrRanges: attrRanges(empty, schema.Provider, img.ProviderRange), DeclRange: img.ProviderRange,
		})
	}
	return out, diags
}

func (ev *evaluator) source(name string) string {
	if rp, ok := ev.c.RequiredProviders[name]; ok && rp.Source != "" {
		return rp.Source
	}
	return "easel/" + name
}

func (ev *evaluator) unknownProvider(name string, rng hcl.Range) *hcl.Diagnostic {
	candidates := mapKeys(ev.schemas)
	detail := fmt.Sprintf("There is no provider named %q.", name)
	if s := SuggestName(name, candidates); s != "" {
		detail += fmt.Sprintf(" Did you mean %s?", s)
	} else if len(candidates) > 0 {
		detail += fmt.Sprintf(" Available providers: %s.", listOrNone(candidates))
	}
	if _, declared := ev.c.RequiredProviders[name]; !declared {
		detail += fmt.Sprintf(" A third-party provider must be declared in easel { required_providers { %s = { source = \"namespace/%s\" } } }.", name, name)
	}
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  "Unknown provider",
		Detail:   detail,
		Subject:  rng.Ptr(),
	}
}

// imageProvider returns the schema of img's provider, or a diagnostic
// when the provider or its alias does not exist.
func (ev *evaluator) imageProvider(img *Image) (*plugins.Schema, *hcl.Diagnostic) {
	schema, ok := ev.schemas[img.ProviderName()]
	if !ok {
		return nil, ev.unknownProvider(img.ProviderName(), img.ProviderRange)
	}
	if img.ProviderKey != img.ProviderName() && ev.c.Providers[img.ProviderKey] == nil {
		return schema, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Reference to undeclared provider configuration",
			Detail: fmt.Sprintf("There is no provider block for %s: declare one with provider %q { alias = %q }.%s",
				img.ProviderKey, img.ProviderName(), aliasOf(img.ProviderKey),
				didYouMean(img.ProviderKey, mapKeys(ev.c.Providers), "%s")),
			Subject: img.ProviderRange.Ptr(),
		}
	}
	return schema, nil
}

func aliasOf(key string) string {
	for i := range key {
		if key[i] == '.' {
			return key[i+1:]
		}
	}
	return ""
}
