package lockfile

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"path"
	"regexp"
	"strings"

	"github.com/easelhq/easel/internal/marks"
	"github.com/zclconf/go-cty/cty"
)

var (
	hexSHA256  = regexp.MustCompile(`^[0-9a-f]{64}$`)
	specHashRe = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)
)

// Validate reports every problem that would make f unsafe or impossible to
// write and read back: missing names, duplicate providers or images, hashes
// not in their hex form, an output path that is absolute or leaves the
// project, and inputs that are unknown, marked (sensitive) or not
// representable. Save calls it; the engine may call it earlier.
func (f *File) Validate() error {
	return f.validate((*Image).validate)
}

// validate is Validate with each image checked by check.
func (f *File) validate(check func(*Image) error) error {
	var errs []error
	names := make(map[string]bool)
	for i, p := range f.Providers {
		if err := p.validate(); err != nil {
			errs = append(errs, fmt.Errorf("provider %d: %w", i, err))
			continue
		}
		if names[p.Name] {
			errs = append(errs, fmt.Errorf("provider %q: recorded twice", p.Name))
		}
		names[p.Name] = true
	}
	addrs := make(map[string]bool)
	for i, img := range f.Images {
		if img == nil {
			errs = append(errs, fmt.Errorf("image %d: nil image", i))
			continue
		}
		if err := check(img); err != nil {
			errs = append(errs, fmt.Errorf("image %d: %w", i, err))
			continue
		}
		if addrs[img.Address] {
			errs = append(errs, fmt.Errorf("%s: recorded twice", img.Address))
		}
		addrs[img.Address] = true
	}
	return errors.Join(errs...)
}

func (p *Provider) validate() error {
	switch {
	case p == nil:
		return errors.New("nil provider")
	case p.Name == "":
		return errors.New("empty name")
	case p.Source == "":
		return fmt.Errorf("provider %q: empty source", p.Name)
	}
	return nil
}

func (img *Image) validate() error {
	if img == nil {
		return errors.New("nil image")
	}
	if img.Address == "" {
		return errors.New("empty address")
	}
	errs := []error{
		nonEmpty("provider", img.Provider),
		checkSpecHash(img.SpecHash),
		checkOutput(img.Output),
		checkHex("sha256", img.SHA256),
		nonNegative("bytes", img.Bytes),
		dimension("width", img.Width),
		dimension("height", img.Height),
	}
	if img.CostUSD != nil {
		errs = append(errs, checkCost(*img.CostUSD))
	}
	for i, c := range img.Candidates {
		if err := checkHex("sha256", c); err != nil {
			errs = append(errs, fmt.Errorf("candidate %d: %w", i+1, err))
		}
	}
	for k, v := range img.Inputs {
		if err := checkValue(v); err != nil {
			errs = append(errs, fmt.Errorf("input %q: %w", k, err))
		}
	}
	for _, r := range img.References {
		errs = append(errs, r.validate())
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("%s: %w", img.Address, err)
	}
	return nil
}

func (r *Reference) validate() error {
	switch {
	case r == nil:
		return errors.New("nil reference")
	case r.Name == "":
		return errors.New("reference with empty name")
	case !validKind(r.Kind):
		return fmt.Errorf("reference %q: kind %q is not file, image or url", r.Name, r.Kind)
	case r.SHA256 != "" && !hexSHA256.MatchString(r.SHA256):
		return fmt.Errorf("reference %q: sha256 is not 64 lowercase hex digits", r.Name)
	}
	return nil
}

func validKind(k string) bool {
	return k == KindFile || k == KindImage || k == KindURL
}

func nonEmpty(name, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s", name)
	}
	return nil
}

func nonNegative(name string, n int64) error {
	if n < 0 {
		return fmt.Errorf("%s is negative", name)
	}
	return nil
}

func dimension(name string, n int) error {
	if n < 0 || n > math.MaxInt32 {
		return fmt.Errorf("%s %d is out of range", name, n)
	}
	return nil
}

func checkHex(name, s string) error {
	if !hexSHA256.MatchString(s) {
		return fmt.Errorf("%s %q is not 64 lowercase hex digits", name, s)
	}
	return nil
}

func checkSpecHash(s string) error {
	if !specHashRe.MatchString(s) {
		return fmt.Errorf("spec_hash %q is not \"sha256:\" and 64 lowercase hex digits", s)
	}
	return nil
}

// checkOutput accepts a clean, relative, slash-separated path inside the
// project. A lockfile comes from version control: a hostile one must not make
// easel delete or overwrite files elsewhere.
func checkOutput(p string) error {
	switch {
	case p == "" || p == ".":
		return errors.New("empty output path")
	case strings.Contains(p, `\`):
		return fmt.Errorf("output %q: use forward slashes", p)
	case path.IsAbs(p):
		return fmt.Errorf("output %q is absolute", p)
	case path.Clean(p) != p:
		return fmt.Errorf("output %q is not a clean path (it should be %q)", p, path.Clean(p))
	case p == ".." || strings.HasPrefix(p, "../"):
		return fmt.Errorf("output %q leaves the project directory", p)
	}
	return nil
}

func checkCost(c float64) error {
	if math.IsNaN(c) || math.IsInf(c, 0) || c < 0 {
		return fmt.Errorf("cost_usd %v is not a non-negative number", c)
	}
	return nil
}

// checkValue reports why v cannot be recorded, or nil.
func checkValue(v cty.Value) error {
	if marks.Contains(v) {
		return errors.New("is marked (sensitive values are never recorded)")
	}
	if !v.IsWhollyKnown() {
		return errors.New("is not known")
	}
	return cty.Walk(v, func(_ cty.Path, v cty.Value) (bool, error) {
		switch {
		case v.Type().IsCapsuleType():
			return false, fmt.Errorf("has type %s, which cannot be written", v.Type().FriendlyName())
		case v.Type() == cty.Number && !v.IsNull():
			return false, checkNumber(v.AsBigFloat())
		}
		return true, nil
	})
}

// maxExp bounds the binary exponent of a recorded number (2^1100 is about
// 1e331): far beyond any real input, and it keeps a hostile lockfile from
// making easel print numbers with millions of digits.
const maxExp = 1100

func checkNumber(bf *big.Float) error {
	if bf.IsInf() {
		return errors.New("is infinite")
	}
	if exp := bf.MantExp(nil); exp > maxExp || exp < -maxExp {
		return errors.New("is too large or too small to record")
	}
	return nil
}

// NormalizeValue returns v as it reads back from the lockfile: lists, sets
// and tuples become tuples, maps and objects become objects, nulls lose
// their type, strings are in Unicode NFC (as cty keeps them) and numbers are
// rounded to their written decimal form. The engine compares configured
// inputs with recorded ones through it. Values that cannot be written
// (unknown, marked, out of range) are returned unchanged.
func NormalizeValue(v cty.Value) cty.Value {
	ty := v.Type()
	switch {
	case !v.IsKnown() || v.IsMarked():
		return v
	case v.IsNull():
		return cty.NullVal(cty.DynamicPseudoType)
	case ty == cty.Number:
		return normalizeNumber(v)
	case ty.IsListType() || ty.IsSetType() || ty.IsTupleType():
		var elems []cty.Value
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			elems = append(elems, NormalizeValue(e))
		}
		return cty.TupleVal(elems)
	case ty.IsMapType() || ty.IsObjectType():
		attrs := make(map[string]cty.Value, v.LengthInt())
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			attrs[k.AsString()] = NormalizeValue(e)
		}
		return cty.ObjectVal(attrs)
	}
	return v
}

func normalizeNumber(v cty.Value) cty.Value {
	if checkNumber(v.AsBigFloat()) != nil {
		return v // refused by checkValue
	}
	n, err := cty.ParseNumberVal(numberText(v.AsBigFloat()))
	if err != nil {
		return v
	}
	return n
}
