package sdk

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/zclconf/go-cty/cty"

	pb "github.com/easelhq/easel/plugins/proto"
)

// vectorProvider has one model that makes SVG and validates each image,
// counting what reaches it.
type vectorProvider struct {
	funcProvider
	formats []string
	seen    []string
}

func (v *vectorProvider) Schema() Schema {
	return Schema{Models: []Model{{ID: "m1", Formats: []string{"png"}}, {ID: "m2", Formats: v.formats}}}
}

func (v *vectorProvider) ValidateImage(_ context.Context, r *Request) Diagnostics {
	v.seen = append(v.seen, r.OutputPath)
	return nil
}

func validateOutputs(t *testing.T, p Provider, outputs ...string) []*pb.ValidateImages_Result {
	t.Helper()
	attrs, err := pb.EncodeValue(cty.EmptyObjectVal)
	if err != nil {
		t.Fatal(err)
	}
	req := &pb.ValidateImages_Request{Estimate: true}
	for _, o := range outputs {
		req.Images = append(req.Images, &pb.ImageRequest{Address: "image." + o, Attrs: attrs, OutputPath: o,
			Format: o[strings.LastIndex(o, ".")+1:], SpecHash: "sha256:1"})
	}
	resp, err := newServer(p, hclog.NewNullLogger(), t.TempDir()).ValidateImages(t.Context(), req)
	if err != nil {
		t.Fatal(err)
	}
	return resp.Results
}

// A GIF or SVG output reaches a provider only when one of its models
// makes that format: easel cannot convert an image to either, and a
// provider written before it wrote them must not be asked for one.
func TestOutputFormatsNoModelMakes(t *testing.T) {
	p := &vectorProvider{formats: []string{"png", "svg"}}
	res := validateOutputs(t, p, "a.png", "b.svg", "c.gif")
	if got := strings.Join(p.seen, " "); got != "a.png b.svg" {
		t.Errorf("the provider validated %q, want a.png and b.svg", got)
	}
	if len(res[0].Diagnostics) != 0 || len(res[1].Diagnostics) != 0 {
		t.Errorf("diagnostics for formats the provider makes: %v %v", res[0].Diagnostics, res[1].Diagnostics)
	}
	d := res[2].Diagnostics
	if len(d) != 1 || d[0].Severity != pb.Diagnostic_ERROR || !strings.Contains(d[0].Detail, "no model of this provider makes GIF") ||
		!strings.Contains(d[0].Detail, ".png, .jpg or .webp") {
		t.Fatalf("c.gif: diagnostics %v, want one error that says no model makes GIF and what to write instead", d)
	}
	if res[2].Estimate == nil || res[2].Estimate.Usd != nil {
		t.Errorf("c.gif was priced: %v", res[2].Estimate)
	}
}
