package lockfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

const header = `# This file is maintained by easel: it records what every image was generated
# from. Commit it and review it like code.
`

// Bytes returns the lockfile in its canonical form: the header comment, the
// current Version, providers sorted by name, then images sorted by address,
// one blank line between blocks. The same File always gives the same bytes.
//
// Bytes never writes a value Validate refuses (an unknown, sensitive or
// infinite value is left out), so a File that fails Validate must not be
// saved; Save checks this.
func (f *File) Bytes() []byte {
	wf := hclwrite.NewEmptyFile()
	body := wf.Body()
	body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(header)}})
	body.AppendNewline()
	body.SetAttributeValue("version", cty.NumberIntVal(Version))
	for _, p := range sortedBy(f.Providers, func(p *Provider) string { return p.Name }) {
		body.AppendNewline()
		writeProvider(body.AppendNewBlock("provider", []string{p.Name}).Body(), p)
	}
	for _, img := range sortedBy(f.Images, func(img *Image) string { return img.Address }) {
		body.AppendNewline()
		writeImage(body.AppendNewBlock("image", []string{img.Address}).Body(), img)
	}
	return hclwrite.Format(wf.Bytes())
}

// sortedBy returns the non-nil elements of s sorted by key, leaving s as it is.
func sortedBy[T any](s []*T, key func(*T) string) []*T {
	out := make([]*T, 0, len(s))
	for _, e := range s {
		if e != nil {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b *T) int { return strings.Compare(key(a), key(b)) })
	return out
}

func writeProvider(body *hclwrite.Body, p *Provider) {
	body.SetAttributeValue("source", cty.StringVal(p.Source))
	setString(body, "version", p.Version)
	setString(body, "checksum", p.Checksum)
}

func writeImage(body *hclwrite.Body, img *Image) {
	body.SetAttributeValue("provider", cty.StringVal(img.Provider))
	setString(body, "model", img.Model)
	body.SetAttributeValue("spec_hash", cty.StringVal(img.SpecHash))
	body.SetAttributeValue("output", cty.StringVal(img.Output))
	body.SetAttributeValue("sha256", cty.StringVal(img.SHA256))
	body.SetAttributeValue("bytes", cty.NumberIntVal(img.Bytes))
	body.SetAttributeValue("width", cty.NumberIntVal(int64(img.Width)))
	body.SetAttributeValue("height", cty.NumberIntVal(int64(img.Height)))
	if img.CostUSD != nil && checkCost(*img.CostUSD) == nil {
		body.SetAttributeRaw("cost_usd", valueTokens(cty.NumberFloatVal(*img.CostUSD)))
	}
	if inputs := writableInputs(img.Inputs); len(inputs) > 0 {
		body.SetAttributeRaw("inputs", valueTokens(cty.ObjectVal(inputs)))
	}
	for _, r := range img.References {
		if r != nil {
			writeReference(body.AppendNewBlock("reference", []string{r.Name}).Body(), r)
		}
	}
	if len(img.Metadata) > 0 {
		body.SetAttributeRaw("metadata", valueTokens(stringMapVal(img.Metadata)))
	}
}

func writeReference(body *hclwrite.Body, r *Reference) {
	body.SetAttributeValue("kind", cty.StringVal(r.Kind))
	setString(body, "sha256", r.SHA256)
}

// setString sets a string attribute that is left out when empty.
func setString(body *hclwrite.Body, name, s string) {
	if s != "" {
		body.SetAttributeValue(name, cty.StringVal(s))
	}
}

// writableInputs returns the inputs that can be written, normalised.
func writableInputs(in map[string]cty.Value) map[string]cty.Value {
	out := make(map[string]cty.Value, len(in))
	for k, v := range in {
		if checkValue(v) == nil {
			out[k] = NormalizeValue(v)
		}
	}
	return out
}

func stringMapVal(m map[string]string) cty.Value {
	vals := make(map[string]cty.Value, len(m))
	for k, s := range m {
		vals[k] = cty.StringVal(s)
	}
	return cty.ObjectVal(vals)
}

// Save validates f and writes it to path atomically (a temp file in the same
// directory, fsync, rename), keeping the permissions of an existing file.
// Callers must not Save over a lockfile that Load could not read.
func (f *File) Save(path string) error {
	if err := f.Validate(); err != nil {
		return fmt.Errorf("writing lockfile: %w", err)
	}
	perm := fs.FileMode(0o644)
	fi, err := os.Stat(path)
	switch {
	case err == nil:
		perm = fi.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("writing lockfile: %w", err)
	}
	if err := fsx.WriteFileAtomic(path, f.Bytes(), perm); err != nil {
		return fmt.Errorf("writing lockfile: %w", err)
	}
	return nil
}
