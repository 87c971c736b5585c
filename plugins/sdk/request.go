package sdk

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/zclconf/go-cty/cty"
)

// ErrNoBytes is returned by Reference.Open when the bytes are not available,
// as during validation and estimation.
var ErrNoBytes = errors.New("reference bytes are not available at plan time")

// NewReference makes a Reference whose bytes come from open (nil: none).
// Tests and the SDK's transport use it.
func NewReference(kind, name, sha256, mediaType string, size int64, open func() (io.ReadCloser, error)) Reference {
	return Reference{Kind: kind, Name: name, SHA256: sha256, MediaType: mediaType, Size: size, open: open}
}

// File returns the file named by a file attribute (Attribute.File), with
// its bytes at Generate time.
func (r *Request) File(attribute string) (Reference, bool) {
	ref, ok := r.files[attribute]
	return ref, ok
}

// SetFile attaches the file of a file attribute; tests use it to build
// requests.
func (r *Request) SetFile(attribute string, ref Reference) {
	if r.files == nil {
		r.files = map[string]Reference{}
	}
	ref.Attribute = attribute
	r.files[attribute] = ref
}

// Open returns the reference's bytes.
func (r Reference) Open() (io.ReadCloser, error) {
	if r.open == nil {
		return nil, ErrNoBytes
	}
	return r.open()
}

// Get returns the named attribute, or cty.NilVal if the schema has no such
// attribute.
func (r *Request) Get(name string) cty.Value {
	return getAttr(r.Values, name)
}

// String returns a string attribute, "" when null or absent.
func (r *Request) String(name string) string {
	v := r.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

// Int returns a number attribute as an int64, 0 when null or absent.
func (r *Request) Int(name string) int64 {
	v := r.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return 0
	}
	i, _ := v.AsBigFloat().Int64()
	return i
}

// Float returns a number attribute as a float64, 0 when null or absent.
func (r *Request) Float(name string) float64 {
	v := r.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Number {
		return 0
	}
	f, _ := v.AsBigFloat().Float64()
	return f
}

// Bool returns a bool attribute, false when null or absent.
func (r *Request) Bool(name string) bool {
	v := r.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.Bool {
		return false
	}
	return v.True()
}

// IsSet reports whether the named attribute was given a non-null value.
func (r *Request) IsSet(name string) bool {
	v := r.Get(name)
	return v != cty.NilVal && !v.IsNull()
}

// Size parses the "size" attribute as WIDTHxHEIGHT.
func (r *Request) Size() (width, height int, err error) {
	return ParseSize(r.String("size"))
}

// ParseSize parses "WIDTHxHEIGHT" with positive integers.
func ParseSize(s string) (width, height int, err error) {
	ws, hs, ok := strings.Cut(strings.TrimSpace(s), "x")
	if !ok {
		return 0, 0, fmt.Errorf("size %q is not WIDTHxHEIGHT, such as 1024x1024", s)
	}
	w, err1 := strconv.Atoi(ws)
	h, err2 := strconv.Atoi(hs)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("size %q is not WIDTHxHEIGHT with positive whole numbers", s)
	}
	return w, h, nil
}

// Get returns the named attribute of the provider block, or cty.NilVal.
func (c Config) Get(name string) cty.Value {
	return getAttr(c.Values, name)
}

// String returns a string attribute of the provider block, "" when unset.
func (c Config) String(name string) string {
	v := c.Get(name)
	if v == cty.NilVal || v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return ""
	}
	return v.AsString()
}

func getAttr(obj cty.Value, name string) cty.Value {
	if obj == cty.NilVal || obj.IsNull() || !obj.IsKnown() || !obj.Type().IsObjectType() || !obj.Type().HasAttribute(name) {
		return cty.NilVal
	}
	return obj.GetAttr(name)
}

// USD returns a pointer to a dollar amount, for Estimate and Response.
func USD(v float64) *float64 { return &v }
