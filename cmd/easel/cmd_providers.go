package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"text/tabwriter"

	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/plugins/host"
	"github.com/easelhq/easel/schema"
	"github.com/spf13/cobra"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

func (a *app) providersCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List the providers the configuration uses",
		Long: `List every provider the configuration uses, with its source, its version
and where it runs from: built into easel, or the path of its binary.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runProviders(cmd.Context()) },
	}
	var asJSON bool
	schemaCmd := &cobra.Command{
		Use:   "schema",
		Short: "Print the providers' schemas",
		Long: `Print the schema of every provider the configuration uses (every built-in
provider outside a project): provider and image attributes with their type,
whether they are required, default, description, sensitive and no_hash,
and the models each provider knows.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !asJSON {
				return errors.New("providers schema prints JSON only: pass -json")
			}
			return a.runProvidersSchema(cmd.Context())
		},
	}
	schemaCmd.Flags().BoolVar(&asJSON, "json", false, "print JSON (required)")
	cmd.AddCommand(schemaCmd)
	return cmd
}

// providerInfo is one provider the configuration uses.
type providerInfo struct {
	name, source, location string
	schema                 *plugins.Schema
	err                    error
}

// configProviders starts every provider the configuration uses (every
// built-in provider when there is no configuration) and reads its schema.
func (a *app) configProviders(ctx context.Context) ([]*providerInfo, error) {
	dir := a.dir()
	cfg, diags := schema.Load(dir)
	names := cfg.ProviderNames()
	if len(cfg.Files) == 0 {
		names = builtinNames()
	} else if diags.HasErrors() {
		a.printDiags(diags, cfg.Files)
		return nil, errReported
	}
	h := a.newHost(dir, a.pins(dir))
	defer h.Close()
	var infos []*providerInfo
	for _, name := range names {
		info := &providerInfo{name: name, source: sourceOf(cfg, name), location: "built in"}
		if !isBuiltin(name) {
			info.location, _, info.err = h.Discover(name)
		}
		if info.err == nil {
			info.schema, info.err = readSchema(ctx, h, name)
		}
		infos = append(infos, info)
	}
	return infos, nil
}

func readSchema(ctx context.Context, h *host.Host, name string) (*plugins.Schema, error) {
	prov, err := h.Start(ctx, name)
	if err != nil {
		return nil, err
	}
	defer prov.Close()
	return prov.GetSchema(ctx)
}

func (a *app) runProviders(ctx context.Context) error {
	infos, err := a.configProviders(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	var errs []error
	for _, info := range infos {
		version := "-"
		if info.schema != nil && info.schema.Version != "" {
			version = info.schema.Version
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", info.name, info.source, version, info.location)
		if info.err != nil {
			errs = append(errs, info.err)
		}
	}
	tw.Flush()
	return errors.Join(errs...)
}

// JSON shapes of providers schema -json.
type jsonSchemas struct {
	FormatVersion string                         `json:"format_version"`
	Providers     map[string]*jsonProviderSchema `json:"provider_schemas"`
}

type jsonProviderSchema struct {
	Source      string                    `json:"source"`
	Version     string                    `json:"version,omitempty"`
	HashVersion int                       `json:"hash_version"`
	Provider    map[string]*jsonAttribute `json:"provider"`
	Image       map[string]*jsonAttribute `json:"image"`
	Models      []plugins.Model           `json:"models"`
}

type jsonAttribute struct {
	Type        json.RawMessage `json:"type"`
	Required    bool            `json:"required,omitempty"`
	Default     json.RawMessage `json:"default,omitempty"`
	Description string          `json:"description,omitempty"`
	Sensitive   bool            `json:"sensitive,omitempty"`
	NoHash      bool            `json:"no_hash,omitempty"`
}

func (a *app) runProvidersSchema(ctx context.Context) error {
	infos, err := a.configProviders(ctx)
	if err != nil {
		return err
	}
	out := jsonSchemas{FormatVersion: jsonFormatVersion, Providers: map[string]*jsonProviderSchema{}}
	var errs []error
	for _, info := range infos {
		if info.err != nil {
			errs = append(errs, info.err)
			continue
		}
		ps, err := toJSONSchema(info)
		if err != nil {
			return err
		}
		out.Providers[info.name] = ps
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func toJSONSchema(info *providerInfo) (*jsonProviderSchema, error) {
	s := info.schema
	ps := &jsonProviderSchema{Source: info.source, Version: s.Version, HashVersion: s.HashVersion, Models: s.Models}
	if ps.Models == nil {
		ps.Models = []plugins.Model{}
	}
	var err error
	if ps.Provider, err = toJSONAttributes(s.Provider); err != nil {
		return nil, fmt.Errorf("provider %q: %w", info.name, err)
	}
	if ps.Image, err = toJSONAttributes(s.Image); err != nil {
		return nil, fmt.Errorf("provider %q: %w", info.name, err)
	}
	return ps, nil
}

func toJSONAttributes(attrs []plugins.Attribute) (map[string]*jsonAttribute, error) {
	out := map[string]*jsonAttribute{}
	sort.SliceStable(attrs, func(i, j int) bool { return attrs[i].Name < attrs[j].Name })
	for _, at := range attrs {
		ty, err := ctyjson.MarshalType(at.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: %w", at.Name, err)
		}
		ja := &jsonAttribute{Type: ty, Required: at.Required, Description: at.Description,
			Sensitive: at.Sensitive, NoHash: at.NoHash}
		if at.Default != cty.NilVal && !at.Default.IsNull() && !at.Sensitive {
			if ja.Default, err = ctyjson.Marshal(at.Default, at.Default.Type()); err != nil {
				return nil, fmt.Errorf("default of %q: %w", at.Name, err)
			}
		}
		out[at.Name] = ja
	}
	return out, nil
}
