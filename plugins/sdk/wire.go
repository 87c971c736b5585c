package sdk

import (
	"errors"
	"fmt"
	"io"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"

	pb "github.com/easelhq/easel/plugins/proto"
)

// This file converts between the SDK's types and the wire protocol.

func schemaToProto(s Schema) (*pb.Schema, error) {
	out := &pb.Schema{HashVersion: int64(s.HashVersion), Version: s.Version, UrlReferencesByUrl: s.URLReferencesByURL}
	var err error
	if out.Provider, err = attributesToProto(s.Provider); err != nil {
		return nil, fmt.Errorf("provider attributes: %w", err)
	}
	if out.Image, err = attributesToProto(s.Image); err != nil {
		return nil, fmt.Errorf("image attributes: %w", err)
	}
	for _, m := range s.Models {
		out.Models = append(out.Models, &pb.Schema_Model{
			Id: m.ID, Description: m.Description, Sizes: m.Sizes, SizeRule: m.SizeRule,
			Qualities: m.Qualities, Formats: m.Formats, Price: m.Price, Status: m.Status,
			Date: m.Date, Replacement: m.Replacement, Source: m.Source, AsOf: m.AsOf,
		})
	}
	return out, nil
}

func attributesToProto(in []Attribute) ([]*pb.Schema_Attribute, error) {
	out := make([]*pb.Schema_Attribute, 0, len(in))
	for _, a := range in {
		if a.Type == cty.NilType {
			return nil, fmt.Errorf("attribute %q has no type", a.Name)
		}
		ty, err := ctyjson.MarshalType(a.Type)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: type: %w", a.Name, err)
		}
		def, err := pb.EncodeValue(a.Default)
		if err != nil {
			return nil, fmt.Errorf("attribute %q: default: %w", a.Name, err)
		}
		out = append(out, &pb.Schema_Attribute{
			Name: a.Name, TypeJson: ty, Required: a.Required, Default: def,
			Description: a.Description, Sensitive: a.Sensitive, NoHash: a.NoHash, File: a.File,
		})
	}
	return out, nil
}

// diagsToProto converts diagnostics; Attribute becomes a one-step path.
func diagsToProto(in Diagnostics) []*pb.Diagnostic {
	out := make([]*pb.Diagnostic, 0, len(in))
	for _, d := range in {
		sev := pb.Diagnostic_ERROR
		if d.Severity == SeverityWarning {
			sev = pb.Diagnostic_WARNING
		}
		pd := &pb.Diagnostic{Severity: sev, Summary: d.Summary, Detail: d.Detail}
		if d.Attribute != "" {
			pd.Attribute = &pb.AttributePath{Steps: []*pb.AttributePath_Step{
				{Selector: &pb.AttributePath_Step_AttributeName{AttributeName: d.Attribute}},
			}}
		}
		out = append(out, pd)
	}
	return out
}

// request converts an image request. open returns the bytes of the i-th
// reference; nil means no reference has bytes.
func (s *server) request(r *pb.ImageRequest, open func(i int) func() (io.ReadCloser, error)) (*Request, error) {
	values, err := s.values.Decode(r.Attrs)
	if err != nil {
		return nil, fmt.Errorf("%s: attributes: %w", r.Address, err)
	}
	req := &Request{
		Address: r.Address, Values: values, OutputPath: r.OutputPath,
		Format: r.Format, SpecHash: r.SpecHash,
	}
	for i, ref := range r.References {
		var opener func() (io.ReadCloser, error)
		if open != nil && ref.HasBytes {
			opener = open(i)
		}
		sref := NewReference(ref.Kind, ref.Name, ref.Sha256, ref.MediaType, ref.Size, opener)
		sref.Width, sref.Height = int(ref.Width), int(ref.Height)
		if ref.Attribute != "" {
			req.SetFile(ref.Attribute, sref)
			continue
		}
		req.References = append(req.References, sref)
	}
	return req, nil
}

func estimateToProto(e Estimate) *pb.Estimate {
	return &pb.Estimate{Usd: e.USD, Credits: e.Credits, Detail: e.Detail}
}

// errorToProto turns a Generate failure into the wire error: an *Error
// keeps its kind and hint, anything else is kind "failed".
func errorToProto(err error) *pb.Generate_Error {
	var e *Error
	if errors.As(err, &e) {
		kind := e.Kind
		if kind == "" {
			kind = ErrFailed
		}
		return &pb.Generate_Error{Kind: string(kind), Message: e.Message, Hint: e.Hint,
			Categories: e.Categories, MayHaveBilled: e.MayHaveBilled}
	}
	return &pb.Generate_Error{Kind: string(ErrFailed), Message: err.Error()}
}
