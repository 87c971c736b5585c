package engine

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/marks"
	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
)

// checkProviders asks each provider to validate and price the images that
// will be generated, one batch per provider, the providers side by side.
// Both calls are local to the provider: no network.
func (pl *planner) checkProviders(ctx context.Context) hcl.Diagnostics {
	batches := map[string][]*planned{}
	for _, pi := range pl.byAddr {
		if pi.change.Action.Generates() {
			name := providerName(pi.change.Provider)
			batches[name] = append(batches[name], pi)
		}
	}
	names := make([]string, 0, len(batches))
	for name := range batches {
		names = append(names, name)
	}
	sort.Strings(names)
	each := make([]hcl.Diagnostics, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		batch := batches[name]
		sort.Slice(batch, func(i, j int) bool { return batch[i].change.Address < batch[j].change.Address })
		wg.Go(func() { each[i] = pl.checkBatch(ctx, name, batch) })
	}
	wg.Wait()
	var diags hcl.Diagnostics
	for _, d := range each {
		diags = append(diags, d...)
	}
	return diags
}

func (pl *planner) checkBatch(ctx context.Context, name string, batch []*planned) hcl.Diagnostics {
	prov := pl.p.Provider(name)
	if prov == nil {
		return errDiag("Provider "+name+" is not running", "It could not be started earlier.")
	}
	reqs := make([]*plugins.ImageRequest, len(batch))
	for i, pi := range batch {
		reqs[i] = pl.p.request(pi, nil)
	}
	vds, ests, err := prov.CheckImages(ctx, reqs)
	if err != nil {
		return errDiag("Provider "+name+" failed to validate and price images", err.Error())
	}
	var diags hcl.Diagnostics
	for i, pi := range batch {
		if i < len(vds) {
			inst := pi.node.inst
			diags = append(diags, mapDiagnostics(vds[i], inst.AttrRanges, inst.DeclRange)...)
		}
	}
	for i, pi := range batch {
		if i < len(ests) {
			pi.change.Estimate = pl.candidatesEstimate(pi, ests[i])
		}
	}
	return diags
}

// candidatesEstimate prices an image with candidates: one generation per
// candidate, except those the cache already holds (known when the spec
// is), which apply reuses unless -replace names the image.
func (pl *planner) candidatesEstimate(pi *planned, one plugins.Estimate) plugins.Estimate {
	n := pi.spec.candidates
	if n <= 1 {
		return one
	}
	fresh := n
	// -replace rolls every candidate again (see generation.candidate).
	if pi.change.SpecHash != "" && !pl.replace[pi.change.Address] {
		base := pi.spec.baseHash()
		for k := 1; k <= n; k++ {
			if _, ok := pl.cache.lookup(candidateSeed(base, k)); ok {
				fresh--
			}
		}
	}
	est := plugins.Estimate{USD: times(one.USD, fresh), Credits: times(one.Credits, fresh)}
	est.Detail = fmt.Sprintf("%d candidates", n)
	if fresh < n {
		est.Detail = fmt.Sprintf("%d candidates, %d of them from the cache", n, n-fresh)
	}
	if one.Detail != "" {
		est.Detail += fmt.Sprintf(" × (%s)", one.Detail)
	}
	return est
}

func times(v *float64, n int) *float64 {
	if v == nil {
		return nil
	}
	t := *v * float64(n)
	return &t
}

// request builds the provider's view of a planned image. refs carries the
// readable references at apply; at plan it is nil and Open stays nil.
func (p *Project) request(pi *planned, refs []plugins.Reference) *plugins.ImageRequest {
	inst := pi.node.inst
	if refs == nil {
		refs = make([]plugins.Reference, len(pi.refs))
		for i, r := range pi.refs {
			refs[i] = p.planReference(r)
		}
	}
	return &plugins.ImageRequest{
		Address:    inst.Address,
		Attrs:      marks.Strip(inst.Attrs),
		References: refs,
		OutputPath: inst.Output,
		Format:     formatOf(inst),
		SpecHash:   pi.change.SpecHash,
	}
}

func mediaTypeOf(name string) string {
	f, ok := imagefmt.FormatFromPath(name)
	if !ok {
		return ""
	}
	return imagefmt.MediaType(f)
}

// planReference describes a reference at plan time: no bytes, but the
// dimensions when the file (or the locked upstream output) tells them.
func (p *Project) planReference(r refState) plugins.Reference {
	ref := plugins.Reference{Kind: plugins.ReferenceKind(r.spec.Kind), Name: r.spec.Value,
		SHA256: r.sum, Size: r.size, MediaType: mediaTypeOf(r.spec.Value), Attribute: r.attr}
	switch r.spec.Kind {
	case schema.RefFile:
		ref.Width, ref.Height = dimensions(filepath.Join(p.dir, filepath.FromSlash(r.spec.Value)))
	case schema.RefImage:
		// The upstream's output path says its format even before it is
		// generated (the format is in its spec hash, so a locked output of
		// the same bytes has it too), and a provider refuses a format it
		// cannot take (an SVG, say) at plan time rather than after the
		// upstream is paid for.
		if up := p.byAddr[r.spec.Value]; up != nil {
			ref.MediaType = mediaTypeOf(up.inst.Output)
		}
		if le := p.Lock.Image(r.spec.Value); le != nil && le.SHA256 == r.sum {
			ref.Width, ref.Height = le.Width, le.Height
		}
	case schema.RefURL:
		if f, ok := p.fetched(r.spec.Value); ok && f.sum == r.sum { // refreshed
			ref.Width, ref.Height, ref.MediaType = f.width, f.height, f.mediaType
		}
	}
	return ref
}
