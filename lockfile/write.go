package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/fsx"
	"github.com/zclconf/go-cty/cty"
)

const header = `# This file is maintained by easel: it records what every image was generated
# from. Commit it and review it like code.
`

// Bytes returns the lockfile in its canonical form: the header comment, the
// current Version, providers sorted by name, then images sorted by address,
// one blank line between blocks. The same File always gives the same bytes,
// and they are exactly what hclwrite.Format makes of them.
//
// Bytes never writes a value Validate refuses (an unknown, sensitive or
// out-of-range value is left out), so a File that fails Validate must not
// be saved; Save checks this.
//
// The common shapes are written directly, which is many times faster than
// building an hclwrite tree and formatting it (the engine rewrites the file
// after every generated image); an image whose inputs hold objects inside
// lists is written through hclwrite. Tests hold both paths to the same bytes.
func (f *File) Bytes() []byte {
	return f.write((*blockWriter).imageBlock)
}

// write writes f, each image's block by image.
func (f *File) write(image func(*blockWriter, *Image)) []byte {
	w := &blockWriter{}
	// About what a typical image takes: growing the buffer by doubling
	// was 40% of the bytes allocated.
	w.buf.Grow(len(header) + 64 + 128*len(f.Providers) + 768*len(f.Images))
	w.buf.WriteString(header + "\nversion = " + strconv.Itoa(Version) + "\n")
	for _, p := range sortedBy(f.Providers, func(p *Provider) string { return p.Name }) {
		w.buf.WriteByte('\n')
		w.provider(p)
	}
	for _, img := range sortedBy(f.Images, func(img *Image) string { return img.Address }) {
		w.buf.WriteByte('\n')
		image(w, img)
	}
	return w.buf.Bytes()
}

// imageBlock writes one image block, through hclwrite when its shape is
// not one image writes directly.
func (w *blockWriter) imageBlock(img *Image) {
	if !fastShape(img) {
		w.buf.Write(hclwriteImage(img))
		return
	}
	w.image(img)
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

// blockWriter writes blocks in hclwrite.Format's layout: two spaces of
// indent per level, and the "=" of consecutive one-line attributes aligned.
type blockWriter struct {
	buf   bytes.Buffer
	chain []attrLine // one-line attributes waiting to be aligned
}

type attrLine struct {
	indent int
	key    string
	width  int // columns of key
	value  []byte
}

// attr queues a one-line attribute; it is written when the chain ends.
func (w *blockWriter) attr(indent int, key string, width int, value []byte) {
	w.chain = append(w.chain, attrLine{indent: indent, key: key, width: width, value: value})
}

// line ends the current chain and writes one line as is.
func (w *blockWriter) line(indent int, s string) {
	w.flush()
	w.indent(indent)
	w.buf.WriteString(s)
	w.buf.WriteByte('\n')
}

func (w *blockWriter) flush() {
	widest := 0
	for _, a := range w.chain {
		widest = max(widest, a.width)
	}
	for _, a := range w.chain {
		w.indent(a.indent)
		w.buf.WriteString(a.key)
		w.buf.WriteString(strings.Repeat(" ", widest-a.width+1))
		w.buf.WriteString("= ")
		w.buf.Write(a.value)
		w.buf.WriteByte('\n')
	}
	w.chain = w.chain[:0]
}

func (w *blockWriter) indent(level int) {
	for range level {
		w.buf.WriteString("  ")
	}
}

// field queues a fixed ASCII attribute name inside a block.
func (w *blockWriter) field(name string, value []byte) {
	w.attr(1, name, len(name), value)
}

func (w *blockWriter) stringField(name, s string) {
	if s != "" {
		w.field(name, stringLit(s))
	}
}

func (w *blockWriter) provider(p *Provider) {
	w.line(0, "provider "+string(stringLit(p.Name))+" {")
	w.field("source", stringLit(p.Source))
	w.stringField("version", p.Version)
	w.stringField("checksum", p.Checksum)
	w.line(0, "}")
}

func (w *blockWriter) image(img *Image) {
	w.line(0, "image "+string(stringLit(img.Address))+" {")
	w.field("provider", stringLit(img.Provider))
	w.stringField("model", img.Model)
	w.field("spec_hash", stringLit(img.SpecHash))
	w.field("output", stringLit(img.Output))
	w.field("sha256", stringLit(img.SHA256))
	w.field("bytes", strconv.AppendInt(nil, img.Bytes, 10))
	w.field("width", strconv.AppendInt(nil, int64(img.Width), 10))
	w.field("height", strconv.AppendInt(nil, int64(img.Height), 10))
	if img.CostUSD != nil && checkCost(*img.CostUSD) == nil {
		w.field("cost_usd", costLit(*img.CostUSD))
	}
	if len(img.Candidates) > 0 {
		w.field("candidates", appendValue(nil, candidatesVal(img.Candidates)))
	}
	if inputs := writableInputs(img.Inputs); len(inputs) > 0 {
		w.valueMap(1, "inputs", inputs)
	}
	for _, r := range img.References {
		if r != nil {
			w.line(1, "reference "+string(stringLit(r.Name))+" {")
			w.attr(2, "kind", 4, stringLit(r.Kind))
			if r.SHA256 != "" {
				w.attr(2, "sha256", 6, stringLit(r.SHA256))
			}
			w.line(1, "}")
		}
	}
	if len(img.Metadata) > 0 {
		w.stringMap(1, "metadata", img.Metadata)
	}
	w.line(0, "}")
}

// valueMap and stringMap write m as object would write it as a cty object
// (keys in the same sorted order), without building one when every key is
// plain ASCII (cty normalises other keys, which could reorder or merge them).
func (w *blockWriter) valueMap(indent int, key string, m map[string]cty.Value) {
	if !plainKeys(m) {
		w.object(indent, key, cty.ObjectVal(m))
		return
	}
	w.line(indent, key+" = {")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		name, width := keyLit(k)
		if e := m[k]; isMultiline(e) {
			w.object(indent+1, name, e)
		} else {
			w.attr(indent+1, name, width, appendValue(nil, e))
		}
	}
	w.line(indent, "}")
}

func (w *blockWriter) stringMap(indent int, key string, m map[string]string) {
	if !plainKeys(m) {
		w.object(indent, key, stringMapVal(m))
		return
	}
	w.line(indent, key+" = {")
	for _, k := range slices.Sorted(maps.Keys(m)) {
		name, width := keyLit(k)
		w.attr(indent+1, name, width, appendStringLit(nil, m[k]))
	}
	w.line(indent, "}")
}

func plainKeys[V any](m map[string]V) bool {
	for k := range m {
		if !plainASCII(k) {
			return false
		}
	}
	return true
}

// object writes `key = { ... }` over several lines at the given indent.
// Its values are one-line (fastShape checked) except nested objects.
func (w *blockWriter) object(indent int, key string, v cty.Value) {
	w.line(indent, key+" = {")
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		name, width := keyLit(k.AsString())
		if isMultiline(e) {
			w.object(indent+1, name, e)
			continue
		}
		w.attr(indent+1, name, width, appendValue(nil, e))
	}
	w.line(indent, "}")
}
