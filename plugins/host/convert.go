package host

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

func pathFromProto(ap *pb.AttributePath) cty.Path {
	if ap == nil || len(ap.Steps) == 0 {
		return nil
	}
	path := make(cty.Path, 0, len(ap.Steps))
	for _, s := range ap.Steps {
		switch sel := s.Selector.(type) {
		case *pb.AttributePath_Step_AttributeName:
			path = path.GetAttr(sel.AttributeName)
		case *pb.AttributePath_Step_ElementKeyString:
			path = path.Index(cty.StringVal(sel.ElementKeyString))
		case *pb.AttributePath_Step_ElementKeyInt:
			path = path.IndexInt(int(sel.ElementKeyInt))
		}
	}
	return path
}

func diagsFromProto(in []*pb.Diagnostic) plugins.Diagnostics {
	if len(in) == 0 {
		return nil
	}
	out := make(plugins.Diagnostics, 0, len(in))
	for _, d := range in {
		sev := plugins.SeverityError
		if d.Severity == pb.Diagnostic_WARNING {
			sev = plugins.SeverityWarning
		}
		out = append(out, plugins.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail, Path: pathFromProto(d.Attribute)})
	}
	return out
}

func schemaFromProto(s *pb.Schema) (*plugins.Schema, error) {
	if s == nil {
		return nil, fmt.Errorf("provider returned no schema")
	}
	out := &plugins.Schema{HashVersion: int(s.HashVersion), Version: s.Version, QueuesCalls: s.QueuesCalls}
	var err error
	if out.Provider, err = attributesFromProto(s.Provider); err != nil {
		return nil, fmt.Errorf("provider attributes: %w", err)
	}
	if out.Image, err = attributesFromProto(s.Image); err != nil {
		return nil, fmt.Errorf("image attributes: %w", err)
	}
	for _, m := range s.Models {
		out.Models = append(out.Models, modelFromProto(m))
	}
	return out, nil
}

func attributesFromProto(in []*pb.Schema_Attribute) ([]plugins.Attribute, error) {
	out := make([]plugins.Attribute, 0, len(in))
	for _, a := range in {
		ty, err := ctyjson.UnmarshalType(a.TypeJson)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: type: %w", a.Name, err)
		}
		def, err := pb.DecodeValue(a.Default)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: default: %w", a.Name, err)
		}
		out = append(out, plugins.Attribute{
			Name: a.Name, Type: ty, Required: a.Required, Default: def,
			Description: a.Description, Sensitive: a.Sensitive, NoHash: a.NoHash, File: a.File,
		})
	}
	return out, nil
}

func modelFromProto(m *pb.Schema_Model) plugins.Model {
	return plugins.Model{
		ID: m.Id, Description: m.Description, Sizes: m.Sizes, SizeRule: m.SizeRule,
		Qualities: m.Qualities, Formats: m.Formats, Price: m.Price,
		Status: plugins.LifecycleStatus(m.Status), Date: m.Date, Replacement: m.Replacement,
		Source: m.Source, AsOf: m.AsOf,
	}
}

// imageRequest converts a request. withBytes says whether reference bytes
// will follow (Generate) or not (validation and estimation); a URL
// reference's never do for a provider that takes it by its URL.
func (p *provider) imageRequest(r *plugins.ImageRequest, withBytes bool) (*pb.ImageRequest, error) {
	attrs, err := p.values.Encode(r.Attrs)
	if err != nil {
		return nil, fmt.Errorf("%s: attributes: %w", r.Address, err)
	}
	out := &pb.ImageRequest{
		Address: r.Address, Attrs: attrs, OutputPath: r.OutputPath,
		Format: r.Format, SpecHash: r.SpecHash, Slots: int32(r.Slots), Batch: r.Batch,
	}
	for _, ref := range r.References {
		out.References = append(out.References, &pb.Reference{
			Kind: string(ref.Kind), Name: ref.Name, Sha256: ref.SHA256, Size: ref.Size,
			MediaType: ref.MediaType, HasBytes: withBytes && ref.Open != nil && !(ref.Kind == plugins.ReferenceURL && p.urlsByURL.Load()),
			Attribute: ref.Attribute, Width: int32(ref.Width), Height: int32(ref.Height),
		})
	}
	return out, nil
}

func estimateFromProto(e *pb.Estimate) plugins.Estimate {
	if e == nil {
		return plugins.Estimate{}
	}
	return plugins.Estimate{USD: e.Usd, Credits: e.Credits, Detail: e.Detail}
}

func resultFromProto(r *pb.Generate_Result) *plugins.GenerateResult {
	return &plugins.GenerateResult{
		MediaType: r.MediaType, CostUSD: r.CostUsd, Metadata: r.Metadata,
		Warnings: diagsFromProto(r.Warnings), BilledRetries: int(r.BilledRetries),
	}
}

func errorFromProto(e *pb.Generate_Error) *plugins.GenerateError {
	kind := plugins.ErrorKind(e.Kind)
	if kind == "" {
		kind = plugins.ErrFailed
	}
	return &plugins.GenerateError{
		Kind: kind, Message: e.Message, Hint: e.Hint,
		Categories: e.Categories, MayHaveBilled: e.MayHaveBilled,
	}
}
