package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strconv"
	"strings"

	"github.com/easelhq/easel/internal/marks"
	"github.com/easelhq/easel/plugins"
	"github.com/easelhq/easel/schema"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// specVersion names the canonical encoding below; changing the encoding
// means a new version, or every image would regenerate silently.
const specVersion = "easel-spec-v1"

// specInput is everything that makes an image what it is.
type specInput struct {
	source      string // provider source address, e.g. easel/placeholder
	hashVersion int
	format      string
	// attrs are the hashed attributes: affect output, not sensitive, not null.
	attrs map[string]cty.Value
	// refs are "kind sha256" per reference, in declaration order.
	refs []string
	// candidates is the candidates meta attribute; it enters the hash only
	// above 1, so an image without it hashes as it always did.
	candidates int
}

// hashAttrs picks the attributes that go into the spec hash (and into the
// lockfile's inputs): declared as affecting the output, not sensitive by
// schema or by mark, and set.
func hashAttrs(attrs cty.Value, decl []plugins.Attribute) map[string]cty.Value {
	out := map[string]cty.Value{}
	if attrs == cty.NilVal || attrs.IsNull() || !attrs.Type().IsObjectType() {
		return out
	}
	for _, a := range decl {
		if a.NoHash || a.Sensitive || a.File || !attrs.Type().HasAttribute(a.Name) {
			continue
		}
		v := attrs.GetAttr(a.Name)
		if v.IsNull() || marks.Contains(v) || !v.IsWhollyKnown() {
			continue
		}
		out[a.Name] = v
	}
	return out
}

// canonicalJSON encodes a value with sorted keys and normalised numbers.
func canonicalJSON(v cty.Value) string {
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return "!" + err.Error()
	}
	return string(b)
}

// hash returns the spec hash as "sha256:<hex>".
func (s *specInput) hash() string {
	var b strings.Builder
	b.WriteString(specVersion + "\n")
	b.WriteString("provider " + s.source + "\n")
	b.WriteString("hash_version " + strconv.Itoa(s.hashVersion) + "\n")
	b.WriteString("format " + s.format + "\n")
	names := make([]string, 0, len(s.attrs))
	for name := range s.attrs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		b.WriteString("attr " + name + " " + canonicalJSON(s.attrs[name]) + "\n")
	}
	for _, r := range s.refs {
		b.WriteString("ref " + r + "\n")
	}
	if s.candidates > 1 {
		b.WriteString("candidates " + strconv.Itoa(s.candidates) + "\n")
	}
	sum := sha256.Sum256([]byte(b.String()))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// baseHash is the spec hash without the candidates: the spec of one
// image, from which every candidate's seed is derived.
func (s specInput) baseHash() string {
	s.candidates = 0
	return s.hash()
}

// key is how one reference enters the spec hash: by kind and bytes, never
// by path; a file attribute's file also by the attribute it fills.
func (r refState) key(sha string) string {
	kind := r.spec.Kind
	if kind == schema.RefImage {
		kind = schema.RefFile // an image's output is bytes like any file
	}
	if r.attr != "" {
		return "attr " + r.attr + " " + sha
	}
	return string(kind) + " " + sha
}
