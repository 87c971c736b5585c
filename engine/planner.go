package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/fetch"
	"github.com/easelhq/easel/internal/fsx"
	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/lockfile"
	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/schema"
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// planned is the engine's own record of one image in a plan: what Apply
// needs beside the public Change.
type planned struct {
	change *Change
	node   *node
	spec   *specInput
	// refs are the reference hashes in declaration order; "" where an
	// upstream image will change first.
	refs []refState
	// outputSum is the current output file's sha256 ("" when missing).
	outputSum string
	// sum and size describe the output once the plan is applied: the
	// locked output, or the one a restore from the spec index brings back.
	// sum is "" when a provider will make it.
	sum  string
	size int64
	// cached is the spec index entry a restore brings back.
	cached *cacheEntry
	// locked is the lockfile entry the plan was made against (nil: none).
	locked *lockfile.Image
}

type refState struct {
	spec schema.RefSpec
	sum  string
	size int64
	// attr names the file attribute this file is the value of; empty for
	// references.
	attr string
}

// planner holds the state of one Plan call.
type planner struct {
	p       *Project
	opts    PlanOptions
	replace map[string]bool
	byAddr  map[string]*planned
	diags   hcl.Diagnostics
	cache   *outputCache
	// sums are the files this plan hashed, by absolute path (prehash.go).
	sums map[string]hashed
	// lockedOutputs are the output paths the lockfile records, made on
	// first use by guardCreate.
	lockedOutputs map[string]bool
	// dirs remembers which directories exist: a plan of many new images
	// in output directories that do not exist yet (a first apply, a new
	// section of a site), or with no spec index yet (a fresh clone), then
	// makes one call to the file system per directory rather than two per
	// image.
	dirs map[string]bool
}

// dirExists reports whether dir exists, asking the file system once.
func (pl *planner) dirExists(dir string) bool {
	if pl.dirs == nil {
		pl.dirs = map[string]bool{}
	}
	ok, seen := pl.dirs[dir]
	if !seen {
		_, err := os.Stat(dir)
		ok = !errors.Is(err, fs.ErrNotExist)
		pl.dirs[dir] = ok
	}
	return ok
}

// Plan compares the configuration with the lockfile and the files on disk
// and says what Apply would do. It makes no network call.
func (p *Project) Plan(ctx context.Context, opts PlanOptions) (*Plan, hcl.Diagnostics) {
	var loadDiags hcl.Diagnostics
	if p.cached != nil {
		if len(opts.Targets) == 0 && len(opts.Replace) == 0 && len(opts.Exclude) == 0 && !opts.Refresh && len(opts.URLContent) == 0 {
			return p.cached.plan()
		}
		if loadDiags = p.Load(ctx); loadDiags.HasErrors() {
			return nil, loadDiags
		}
	}
	if p.graph == nil {
		return nil, append(loadDiags, errDiag("Nothing to plan", "The configuration did not load.")...)
	}
	pl := &planner{p: p, opts: opts, byAddr: map[string]*planned{}, cache: newOutputCache(p.dir), sums: map[string]hashed{}}
	selected, diags := p.selectImages(opts.Targets, opts.Exclude)
	pl.diags = append(loadDiags, diags...)
	pl.replace, diags = p.matchAddresses(opts.Replace, "-replace")
	pl.diags = append(pl.diags, diags...)
	if pl.diags.HasErrors() {
		return nil, append(pl.diags, p.providersStarted()...)
	}
	if opts.Refresh {
		if p.opts.ReadOnly {
			// Fetched content goes through the cache, which only the
			// holder of the run lock may write.
			return nil, append(pl.diags, errDiag("Cannot refresh read-only", "The project was opened read-only, without the run lock; -refresh downloads into .easel/cache and needs it.")...)
		}
		if pl.refresh(ctx, selected); pl.diags.HasErrors() {
			return nil, append(pl.diags, p.providersStarted()...)
		}
	}
	nodes := p.graph.nodes
	if selected != nil {
		nodes = make([]*node, 0, len(selected))
		for _, n := range p.graph.nodes {
			if selected[n] {
				nodes = append(nodes, n)
			}
		}
	}
	pl.prehash(ctx, nodes)
	plan := &Plan{}
	for _, n := range nodes {
		pi := pl.planImage(n)
		pl.byAddr[n.addr()] = pi
		if pi.change.Action == NoOp {
			plan.Unchanged++
		}
		plan.Changes = append(plan.Changes, pi.change)
	}
	plan.Changes = append(plan.Changes, pl.deletes(len(opts.Targets) > 0)...)
	plan.RefreshedURLs = pl.refreshedURLs()
	// The check is the first use of the providers: with
	// Options.PlanWhileProvidersStart, they started while the plan was made.
	started := p.providersStarted()
	pl.diags = append(pl.diags, started...)
	if !started.HasErrors() {
		pl.diags = append(pl.diags, pl.checkProviders(ctx)...)
	}
	sort.Slice(plan.Changes, func(i, j int) bool { return plan.Changes[i].Address < plan.Changes[j].Address })
	plan.Changes = withoutNoOps(plan.Changes)
	plan.Fingerprint = pl.fingerprint(plan)
	plan.Warnings = warningsOf(pl.diags)
	p.mu.Lock()
	p.lastPlan = pl
	p.mu.Unlock()
	if !p.opts.ReadOnly {
		pl.saveCaches(plan)
	}
	return plan, pl.diags
}

// saveCaches keeps the stat cache and, for a complete plan with nothing to
// do, the plan cache. Both are caches: failures are logged, not fatal.
func (pl *planner) saveCaches(plan *Plan) {
	p := pl.p
	if err := p.stat.save(); err != nil {
		fmt.Fprintln(p.opts.Log, "warning:", err)
	}
	if len(pl.opts.Targets) > 0 || len(pl.opts.Replace) > 0 || len(pl.opts.Exclude) > 0 || pl.diags.HasErrors() || len(plan.Changes) > 0 {
		dropPlanCache(p.dir)
		return
	}
	if err := writePlanCache(p, plan, pl, pl.diags); err != nil {
		fmt.Fprintln(p.opts.Log, "warning: writing the plan cache:", err)
	}
}

func withoutNoOps(cs []*Change) []*Change {
	out := cs[:0]
	for _, c := range cs {
		if c.Action != NoOp {
			out = append(out, c)
		}
	}
	return out
}

func warningsOf(diags hcl.Diagnostics) hcl.Diagnostics {
	var out hcl.Diagnostics
	for _, d := range diags {
		if d.Severity == hcl.DiagWarning {
			out = append(out, d)
		}
	}
	return out
}

// planImage decides one image's action; its dependencies are planned first.
func (pl *planner) planImage(n *node) *planned {
	inst := n.inst
	name := providerName(inst.ProviderKey)
	sch := pl.p.Schemas[name]
	c := &Change{
		Address:    inst.Address,
		Provider:   inst.ProviderKey,
		Model:      attrString(inst.Attrs, "model"),
		Size:       attrString(inst.Attrs, "size"),
		Quality:    attrString(inst.Attrs, "quality"),
		Output:     inst.Output,
		Candidates: inst.Candidates,
	}
	pi := &planned{change: c, node: n}
	pi.spec = &specInput{source: pl.p.sourceOf(name), format: formatOf(inst), attrs: hashAttrs(inst.Attrs, sch.Image), candidates: inst.Candidates}
	pi.spec.hashVersion = sch.HashVersion
	upstreamChanges := pl.hashRefs(pi)
	pl.hashFileAttrs(pi, sch)
	if !upstreamChanges {
		pi.spec.refs = make([]string, len(pi.refs))
		for i, r := range pi.refs {
			pi.spec.refs[i] = r.key(r.sum)
		}
		c.SpecHash = pi.spec.hash()
	}
	le := pl.p.Lock.Image(inst.Address)
	pl.decide(pi, le)
	pl.settle(pi, le)
	pl.lifecycleWarnings(pi, sch)
	return pi
}

// hashRefs hashes every reference; it reports whether an upstream image
// will change first (then the spec hash is known only at apply).
func (pl *planner) hashRefs(pi *planned) (upstreamChanges bool) {
	inst := pi.node.inst
	pi.refs = make([]refState, len(inst.References))
	for i, ref := range inst.References {
		rs := refState{spec: ref}
		switch ref.Kind {
		case schema.RefImage:
			if up := pl.byAddr[ref.Value]; up != nil && up.sum != "" {
				rs.sum, rs.size = up.sum, up.size
			} else {
				upstreamChanges = true
			}
		case schema.RefURL:
			rs.sum, rs.size = pl.urlSum(inst.Address, ref.Value)
			if rs.sum == "" {
				upstreamChanges = true // its content is known only once apply fetches it
			}
		default:
			sum, size, err := pl.hash(pl.p.abs(ref.Value))
			if err != nil {
				pl.diags = append(pl.diags, refFileDiag(inst.Address, ref, err))
			}
			rs.sum, rs.size = sum, size
		}
		pi.refs[i] = rs
	}
	return upstreamChanges
}

// hashFileAttrs adds the files named by file attributes (a mask) to the
// image's references: their bytes, not their paths, are in the spec hash.
func (pl *planner) hashFileAttrs(pi *planned, sch *plugins.Schema) {
	inst := pi.node.inst
	for _, a := range sch.Image {
		if !a.File {
			continue
		}
		path := attrString(inst.Attrs, a.Name)
		if path == "" {
			continue
		}
		rng := inst.AttrRanges[a.Name]
		abs, err := fsx.Confine(pl.p.dir, path)
		if err != nil {
			pl.diags = append(pl.diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid file path",
				Detail: fmt.Sprintf("%s = %q must name a file inside the project directory: %v.", a.Name, path, err), Subject: rng.Ptr()})
			continue
		}
		rel, _ := filepath.Rel(pl.p.dir, abs)
		ref := schema.RefSpec{Kind: schema.RefFile, Value: filepath.ToSlash(rel), Range: rng}
		sum, size, err := pl.hash(abs)
		if err != nil {
			pl.diags = append(pl.diags, refFileDiag(inst.Address, ref, err))
		}
		pi.refs = append(pi.refs, refState{spec: ref, sum: sum, size: size, attr: a.Name})
	}
}

// urlSum is a URL reference's content hash: as fetched by this plan's
// refresh, as a saved plan's refresh found it, or as the lockfile pins it
// for this image. Empty when none knows it (a URL never fetched): apply
// fetches it and only then is the image's spec hash known.
func (pl *planner) urlSum(addr, url string) (string, int64) {
	if pl.opts.Refresh {
		if f, ok := pl.p.fetched(url); ok {
			return f.sum, f.size
		}
	}
	if sum := pl.opts.URLContent[url]; sum != "" {
		return sum, 0
	}
	if le := pl.p.Lock.Image(addr); le != nil {
		for _, r := range le.References {
			if r.Name == url && r.Kind == lockfile.KindURL && r.SHA256 != "" {
				return r.SHA256, 0
			}
		}
	}
	return "", 0
}

// refreshedURLs lists what a refresh fetched, for a saved plan.
func (pl *planner) refreshedURLs() map[string]string {
	out := maps.Clone(pl.opts.URLContent)
	if !pl.opts.Refresh {
		return out
	}
	for _, pi := range pl.byAddr {
		for _, r := range pi.refs {
			if r.spec.Kind == schema.RefURL && r.sum != "" {
				if out == nil {
					out = map[string]string{}
				}
				out[r.spec.Value] = r.sum
			}
		}
	}
	return out
}

func refFileDiag(addr string, ref schema.RefSpec, err error) *hcl.Diagnostic {
	detail := fmt.Sprintf("%s references %s, which cannot be read: %v.", addr, ref.Value, err)
	if os.IsNotExist(err) {
		detail = fmt.Sprintf("%s references %s, but there is no such file. Paths are relative to the directory of the configuration.", addr, ref.Value)
	}
	return &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Reference file not found", Detail: detail, Subject: ref.Range.Ptr()}
}

// decide sets the action and reasons by comparing with the locked entry and
// the output file on disk.
func (pl *planner) decide(pi *planned, le *lockfile.Image) {
	c := pi.change
	switch {
	case le == nil:
		c.Action = Create
		c.Reasons = []Reason{{Kind: ReasonNew, Message: "not generated yet"}}
		pl.guardCreate(pi)
		return
	case pl.replace[c.Address]:
		c.Action = Regenerate
		c.Reasons = []Reason{{Kind: ReasonReplace, Message: "forced by -replace"}}
		pl.checkDrift(pi, le, false)
		return
	case c.SpecHash == "" || c.SpecHash != le.SpecHash:
		c.Action = Regenerate
		c.Reasons = pl.diffReasons(pi, le)
		if le.Output != c.Output {
			c.PrevOutput = le.Output
		}
		pl.checkDrift(pi, le, true)
		return
	}
	pl.decideUnchangedSpec(pi, le)
}

// checkDrift protects a hand-edited output from being overwritten by a
// regeneration: it becomes drift unless -replace names it.
func (pl *planner) checkDrift(pi *planned, le *lockfile.Image, guard bool) {
	if le.Output != pi.change.Output {
		return
	}
	sum, ok := pl.outputSum(pi.change.Output)
	pi.outputSum = sum
	if !ok || sum == le.SHA256 || !guard {
		return
	}
	pi.change.Action = Drift
	pi.change.Reasons = append(pi.change.Reasons, Reason{Kind: ReasonOutputEdited,
		Message: "the output was edited outside easel: it is kept; pass -replace=" + pi.change.Address + " to regenerate it anyway"})
}

// decideUnchangedSpec handles an image whose spec is as locked: the output
// may still be missing, edited or moved.
func (pl *planner) decideUnchangedSpec(pi *planned, le *lockfile.Image) {
	c := pi.change
	sum, ok := pl.outputSum(c.Output)
	pi.outputSum = sum
	if c.Output != le.Output {
		c.PrevOutput = le.Output
		oldSum, oldOK := pl.outputSum(le.Output)
		switch {
		case ok && sum == le.SHA256, oldOK && oldSum == le.SHA256, pl.cache.has(le.SHA256):
			c.Action = Move
			c.Reasons = []Reason{{Kind: ReasonOutputPath, Old: le.Output, New: c.Output,
				Message: fmt.Sprintf("output path changed from %s to %s", le.Output, c.Output)}}
			if ok && sum != le.SHA256 {
				pl.guardOverwrite(pi)
			}
			return
		}
		pl.missingOutput(pi, le, "output moved to "+c.Output+" and the old file is gone")
		return
	}
	switch {
	case !ok:
		pl.missingOutput(pi, le, "the output file is missing")
	case sum != le.SHA256:
		c.Action = Drift
		c.Reasons = []Reason{{Kind: ReasonOutputEdited,
			Message: "the output was edited outside easel: it is kept; pass -replace=" + c.Address + " to regenerate it"}}
	default:
		c.Action = NoOp
	}
}

// guardCreate refuses to create an image over a file easel did not write
// (none of the lockfile's outputs, bytes not in the output cache), unless
// -replace names the image: a
// designer's file dropped at that path, or one left by a lost lockfile,
// is not overwritten by a paid generation nobody asked for.
func (pl *planner) guardCreate(pi *planned) {
	c := pi.change
	if pl.replace[c.Address] {
		return
	}
	out := pl.p.abs(c.Output)
	if !pl.dirExists(filepath.Dir(out)) {
		return
	}
	if _, err := os.Lstat(out); err != nil {
		return
	}
	if pl.lockedOutputs == nil {
		pl.lockedOutputs = make(map[string]bool, len(pl.p.Lock.Images))
		for _, le := range pl.p.Lock.Images {
			pl.lockedOutputs[le.Output] = true
		}
	}
	if pl.lockedOutputs[c.Output] {
		return // easel wrote it, for an image renamed or removed
	}
	if sum, ok := pl.outputSum(c.Output); ok && pl.cache.has(sum) {
		return // easel wrote it, in a run killed before it was recorded
	}
	pl.diags = append(pl.diags, &hcl.Diagnostic{Severity: hcl.DiagError,
		Summary: "Output path is taken",
		Detail: fmt.Sprintf("%s would be created at %s, but a file easel did not write is already there. Move or delete that file, or pass -replace=%s to overwrite it; easel never overwrites a file it did not write unasked.",
			c.Address, c.Output, c.Address),
		Subject: pi.node.inst.AttrRanges["output"].Ptr()})
}

// guardOverwrite refuses to move an image onto a different existing file.
func (pl *planner) guardOverwrite(pi *planned) {
	pl.diags = append(pl.diags, &hcl.Diagnostic{Severity: hcl.DiagError,
		Summary: "Output path is taken",
		Detail: fmt.Sprintf("%s moves to %s, but a different file is already there. Move or delete that file first; easel never overwrites a file it did not write.",
			pi.change.Address, pi.change.Output),
		Subject: pi.node.inst.AttrRanges["output"].Ptr()})
}

// missingOutput restores from the cache when it can, else regenerates.
func (pl *planner) missingOutput(pi *planned, le *lockfile.Image, why string) {
	c := pi.change
	if pl.cache.has(le.SHA256) {
		c.Action = Restore
		c.Reasons = []Reason{{Kind: ReasonOutputMissing, Message: why + "; restored from .easel/cache at no cost"}}
		return
	}
	c.Action = Regenerate
	c.Reasons = []Reason{{Kind: ReasonOutputMissing, Message: why + " and no cached copy exists"}}
}

// outputSum hashes a project-relative output path through the stat cache.
func (pl *planner) outputSum(rel string) (string, bool) {
	sum, _, err := pl.hash(pl.p.abs(rel))
	return sum, err == nil
}

// diffReasons explains a spec change against the locked entry.
func (pl *planner) diffReasons(pi *planned, le *lockfile.Image) []Reason {
	var rs []Reason
	inst := pi.node.inst
	if le.Provider != inst.ProviderKey {
		rs = append(rs, Reason{Kind: ReasonAttribute, Attribute: "provider", Old: le.Provider, New: inst.ProviderKey,
			Message: fmt.Sprintf("provider changed from %s to %s", le.Provider, inst.ProviderKey)})
	}
	rs = append(rs, attrReasons(le.Inputs, pi.spec.attrs)...)
	if old, cur := max(len(le.Candidates), 1), max(pi.spec.candidates, 1); old != cur {
		rs = append(rs, Reason{Kind: ReasonAttribute, Attribute: "candidates", Old: strconv.Itoa(old), New: strconv.Itoa(cur),
			Message: "candidates changed"})
	}
	rs = append(rs, pl.refReasons(pi, le)...)
	if len(rs) == 0 {
		rs = append(rs, Reason{Kind: ReasonProvider,
			Message: "the provider's hash version, a sensitive or provider-side input, or the output format changed"})
	}
	return rs
}

func attrReasons(old, cur map[string]cty.Value) []Reason {
	names := map[string]bool{}
	for k := range old {
		names[k] = true
	}
	for k := range cur {
		names[k] = true
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	var rs []Reason
	for _, name := range sorted {
		o, ok1 := old[name]
		n, ok2 := cur[name]
		if ok1 && ok2 && lockfile.NormalizeValue(o).RawEquals(lockfile.NormalizeValue(n)) {
			continue
		}
		r := Reason{Kind: ReasonAttribute, Attribute: name, Old: renderValue(o, ok1), New: renderValue(n, ok2)}
		r.Message = fmt.Sprintf("%s changed", name)
		rs = append(rs, r)
	}
	return rs
}

func (pl *planner) refReasons(pi *planned, le *lockfile.Image) []Reason {
	var rs []Reason
	old := map[string]string{}
	for _, r := range le.References {
		old[r.Name] = r.SHA256
	}
	seen := map[string]bool{}
	for _, r := range pi.refs {
		name := r.spec.Value
		seen[name] = true
		prev, had := old[name]
		shown := refShown(string(r.spec.Kind), name)
		switch {
		case r.spec.Kind == schema.RefImage && (r.sum == "" || (had && prev != r.sum)):
			rs = append(rs, Reason{Kind: ReasonUpstream, Reference: name, Message: "upstream image " + name + " changes"})
		case r.spec.Kind == schema.RefURL && had && prev != r.sum && r.sum != "":
			rs = append(rs, Reason{Kind: ReasonReference, Reference: name, Old: short(prev), New: short(r.sum),
				Message: "the content at " + shown + " changed since it was pinned"})
		case !had:
			rs = append(rs, Reason{Kind: ReasonReference, Reference: name, Message: "reference " + shown + " added"})
		case prev != r.sum:
			rs = append(rs, Reason{Kind: ReasonReference, Reference: name, Old: short(prev), New: short(r.sum),
				Message: "reference file " + name + " changed"})
		}
	}
	for _, r := range le.References {
		if !seen[r.Name] {
			rs = append(rs, Reason{Kind: ReasonReference, Reference: r.Name, Message: "reference " + refShown(r.Kind, r.Name) + " removed"})
		}
	}
	if len(rs) == 0 && len(le.References) == len(pi.refs) {
		for i, r := range le.References {
			if r.Name != pi.refs[i].spec.Value {
				return []Reason{{Kind: ReasonReference, Message: "references reordered"}}
			}
		}
	}
	return rs
}

// refShown is a reference's name as plan text shows it: a URL without its
// query, which may hold a signature, as every fetch error shows it.
func refShown(kind, name string) string {
	if kind == string(schema.RefURL) {
		return fetch.Redact(name)
	}
	return name
}

func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}

// deletes lists locked images that are no longer configured. With targets,
// only explicitly targeted addresses are deleted.
func (pl *planner) deletes(targeted bool) []*Change {
	why := "no longer in the configuration; the output is removed (a copy stays in .easel/cache)"
	if pl.opts.KeepOrphans {
		why = "no longer in the configuration; its lockfile entry is removed and the file kept (-keep-orphans)"
	}
	var out []*Change
	for _, le := range pl.p.Lock.Images {
		if pl.p.byAddr[le.Address] != nil {
			continue
		}
		if targeted && !matchAny(pl.opts.Targets, le.Address) || matchAny(pl.opts.Exclude, le.Address) {
			continue
		}
		out = append(out, &Change{Address: le.Address, Action: Delete, Provider: le.Provider, Model: le.Model,
			Output: le.Output, PrevOutput: le.Output,
			Reasons: []Reason{{Kind: ReasonRemoved, Message: why}}})
	}
	return out
}

// sourceOf is the provider's source address for the spec hash.
func (p *Project) sourceOf(name string) string {
	if rp, ok := p.Config.RequiredProviders[name]; ok && rp.Source != "" {
		return rp.Source
	}
	return "easel/" + name
}

func formatOf(inst *schema.ImageInstance) string {
	f, _ := imagefmt.FormatFromPath(inst.Output)
	return f
}

func attrString(attrs cty.Value, name string) string {
	if attrs == cty.NilVal || attrs.IsNull() || !attrs.Type().IsObjectType() || !attrs.Type().HasAttribute(name) {
		return ""
	}
	v := attrs.GetAttr(name)
	if v.IsNull() || !v.IsKnown() || v.IsMarked() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// lifecycleWarnings warns about images on deprecated or shut-down models,
// from the provider's model table. Images that need generating on a
// shut-down model are errors from the provider's validation instead.
func (pl *planner) lifecycleWarnings(pi *planned, sch *plugins.Schema) {
	model := pi.change.Model
	if model == "" || pi.change.Action.Generates() {
		return
	}
	for _, m := range sch.Models {
		if m.ID != model || m.Status == plugins.Active || m.Status == "" {
			continue
		}
		msg := fmt.Sprintf("%s uses %s, deprecated; it shuts down on %s.", pi.change.Address, model, m.Date)
		if m.Status == plugins.Shutdown {
			msg = fmt.Sprintf("%s uses %s, shut down since %s. The generated image stays valid, but any change to it will need another model.", pi.change.Address, model, m.Date)
		}
		if m.Replacement != "" {
			msg += " Use " + m.Replacement + " instead."
		}
		pi.change.Warnings = append(pi.change.Warnings, msg)
		pl.diags = append(pl.diags, &hcl.Diagnostic{Severity: hcl.DiagWarning, Summary: "Model " + model + " is " + string(m.Status),
			Detail: msg, Subject: pi.node.inst.AttrRanges["model"].Ptr()})
	}
}

// fingerprint binds a plan to its inputs: the lockfile's bytes and every
// change's spec, references and output state.
func (pl *planner) fingerprint(plan *Plan) string {
	h := sha256.New()
	h.Write([]byte(pl.p.lockSum()))
	if pl.opts.KeepOrphans {
		h.Write([]byte("\nkeep-orphans\n"))
	}
	for _, c := range plan.Changes {
		fmt.Fprintf(h, "%s %s %s %s %s\n", c.Address, c.Action, c.SpecHash, c.Output, c.PrevOutput)
		if pi := pl.byAddr[c.Address]; pi != nil {
			for _, r := range pi.refs {
				fmt.Fprintf(h, " ref %s %s\n", r.spec.Value, r.sum)
			}
			fmt.Fprintf(h, " out %s\n", pi.outputSum)
		}
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

func renderValue(v cty.Value, ok bool) string {
	if !ok || v.IsNull() {
		return "(unset)"
	}
	if v.Type() == cty.String {
		return fmt.Sprintf("%q", v.AsString())
	}
	return strings.TrimSpace(canonicalJSON(v))
}
