package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/big"
	"os"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// restoreHint ends the detail of every diagnostic about a damaged lockfile.
const restoreHint = "easel writes this file itself; restore it from version control " +
	"(git checkout " + FileName + ") or fix the entry by hand. easel will not overwrite it until it can be read."

// Load reads and parses the lockfile at path. A missing file is an empty
// lockfile (New()) without diagnostics. When the diagnostics have errors the
// File is nil, so a lockfile that could not be read is never overwritten.
func Load(path string) (*File, hcl.Diagnostics) {
	src, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return New(), nil
	}
	if err != nil {
		return nil, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Failed to read lockfile",
			Detail:   fmt.Sprintf("easel could not read %s: %s.", path, err),
		}}
	}
	return Parse(src, path)
}

// Parse parses lockfile source. filename is used in diagnostic ranges.
// Every independent problem is reported; when there is any error the File
// is nil.
func Parse(src []byte, filename string) (*File, hcl.Diagnostics) {
	if f, ok := parseCanonical(src); ok {
		return f, nil
	}
	return parseHCL(src, filename)
}

// parseHCL parses any HCL spelling of a lockfile (hand-edited, merged, or
// written by an older easel) and reports what is wrong with it.
func parseHCL(src []byte, filename string) (*File, hcl.Diagnostics) {
	if diags := conflictMarkers(src, filename); diags.HasErrors() {
		return nil, diags
	}
	hf, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	body := hf.Body.(*hclsyntax.Body)
	d := &decoder{}
	if !d.version(body) {
		return nil, append(diags, d.diags...)
	}
	f := d.file(hf.Body)
	diags = append(diags, d.diags...)
	if diags.HasErrors() {
		return nil, diags
	}
	f.Sort()
	return f, diags
}

// conflictMarkers reports the first git conflict marker, which would
// otherwise show as an obscure syntax error.
func conflictMarkers(src []byte, filename string) hcl.Diagnostics {
	offset := 0
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		if isConflictMarker(line) {
			return hcl.Diagnostics{{
				Severity: hcl.DiagError,
				Summary:  "Unresolved merge conflict in lockfile",
				Detail: "Resolve it like a conflict in code: keep both blocks when the two sides " +
					"recorded different images; when both changed the same image, keep either " +
					"one, and easel plan will show whether its output still matches.",
				Subject: lineRange(filename, i+1, offset, bytes.TrimRight(line, "\r\n")).Ptr(),
			}}
		}
		offset += len(line)
	}
	return nil
}

func isConflictMarker(line []byte) bool {
	for _, m := range []string{"<<<<<<<", "|||||||", "=======", ">>>>>>>"} {
		if bytes.HasPrefix(line, []byte(m)) {
			return true
		}
	}
	return false
}

func lineRange(filename string, line, offset int, text []byte) hcl.Range {
	return hcl.Range{
		Filename: filename,
		Start:    hcl.Pos{Line: line, Column: 1, Byte: offset},
		End:      hcl.Pos{Line: line, Column: 1 + len(text), Byte: offset + len(text)},
	}
}

// decoder turns HCL into a File, collecting every problem it finds.
type decoder struct {
	diags hcl.Diagnostics
}

func (d *decoder) errorf(subject hcl.Range, summary, format string, args ...any) {
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...) + " " + restoreHint,
		Subject:  subject.Ptr(),
	})
}

// version checks the format version before anything else: a newer format may
// differ in every block, and one clear message beats a screenful.
func (d *decoder) version(body *hclsyntax.Body) bool {
	attr, ok := body.Attributes["version"]
	if !ok {
		start := body.SrcRange.Start
		d.errorf(hcl.Range{Filename: body.SrcRange.Filename, Start: start, End: start},
			"Missing lockfile version", "The lockfile has no version attribute.")
		return false
	}
	hattr := attr.AsHCLAttribute()
	n, ok := d.wholeNumber(hattr, math.MaxInt32)
	if ok && n != Version {
		d.diags = append(d.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Unsupported lockfile version",
			Detail: fmt.Sprintf("This lockfile has format version %d; this easel reads version %d. "+
				"A newer easel probably wrote it: upgrade easel. This easel will not change the file.", n, Version),
			Subject: hattr.Expr.Range().Ptr(),
		})
		return false
	}
	return ok
}

func fileSchema() *hcl.BodySchema {
	return &hcl.BodySchema{
		Attributes: []hcl.AttributeSchema{{Name: "version"}},
		Blocks: []hcl.BlockHeaderSchema{
			{Type: "provider", LabelNames: []string{"name"}},
			{Type: "image", LabelNames: []string{"address"}},
		},
	}
}

func (d *decoder) file(body hcl.Body) *File {
	content, diags := body.Content(fileSchema())
	d.diags = append(d.diags, diags...)
	f := New()
	providers := make(map[string]*hcl.Block)
	images := make(map[string]*hcl.Block)
	for _, b := range content.Blocks {
		switch b.Type {
		case "provider":
			if d.unique(providers, b, "provider") {
				f.Providers = append(f.Providers, d.provider(b))
			}
		case "image":
			if d.unique(images, b, "image") {
				f.Images = append(f.Images, d.image(b))
			}
		}
	}
	return f
}

// unique reports whether b's label is new in seen, and records it.
func (d *decoder) unique(seen map[string]*hcl.Block, b *hcl.Block, kind string) bool {
	first, dup := seen[b.Labels[0]]
	if !dup {
		seen[b.Labels[0]] = b
		return true
	}
	d.errorf(b.LabelRanges[0], fmt.Sprintf("Duplicate %s in lockfile", kind),
		"The %s %q is also recorded on line %d; a merge probably kept both versions. Keep one of them.",
		kind, b.Labels[0], first.DefRange.Start.Line)
	return false
}

func providerSchema() *hcl.BodySchema {
	return &hcl.BodySchema{Attributes: []hcl.AttributeSchema{
		{Name: "source", Required: true},
		{Name: "version"},
		{Name: "checksum"},
	}}
}

func (d *decoder) provider(b *hcl.Block) *Provider {
	content, diags := b.Body.Content(providerSchema())
	d.diags = append(d.diags, diags...)
	p := &Provider{Name: b.Labels[0]}
	if p.Name == "" {
		d.errorf(b.LabelRanges[0], "Invalid provider name", "A provider name must not be empty.")
	}
	p.Source = d.nonEmpty(content.Attributes["source"])
	p.Version = d.str(content.Attributes["version"])
	p.Checksum = d.str(content.Attributes["checksum"])
	return p
}

// wholeNumber decodes a non-negative integer no greater than max.
func (d *decoder) wholeNumber(a *hcl.Attribute, max int64) (int64, bool) {
	v, ok := d.typed(a, cty.Number, "a whole number")
	if !ok {
		return 0, false
	}
	bf := v.AsBigFloat()
	n, acc := bf.Int64()
	if !bf.IsInt() || acc != big.Exact || n < 0 || n > max {
		bounds := fmt.Sprintf("from 0 to %d", max)
		if max == math.MaxInt64 {
			bounds = "not negative"
		}
		d.errorf(a.Expr.Range(), fmt.Sprintf("Invalid %s", a.Name),
			"The %s attribute must be a whole number, %s.", a.Name, bounds)
		return 0, false
	}
	return n, true
}

// str decodes a string attribute; a missing (optional) one is "".
func (d *decoder) str(a *hcl.Attribute) string {
	v, ok := d.typed(a, cty.String, "a string")
	if !ok {
		return ""
	}
	return v.AsString()
}

// typed evaluates a as a literal of type ty. A nil a (an optional attribute
// that is absent) gives false without a diagnostic.
func (d *decoder) typed(a *hcl.Attribute, ty cty.Type, what string) (cty.Value, bool) {
	if a == nil {
		return cty.NilVal, false
	}
	v, diags := a.Expr.Value(nil)
	d.diags = append(d.diags, diags...)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if v.IsNull() || !v.Type().Equals(ty) {
		d.errorf(a.Expr.Range(), fmt.Sprintf("Invalid %s", a.Name),
			"The %s attribute must be %s.", a.Name, what)
		return cty.NilVal, false
	}
	return v, true
}
