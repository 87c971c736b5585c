// Package marks strips cty marks (sensitive values) cheaply when there are
// none, the common case.
package marks

import "github.com/zclconf/go-cty/cty"

// Strip returns v with every mark removed, at any depth. A value with no
// mark anywhere is returned as it is: cty's UnmarkDeep rebuilds the whole
// value to find out, which for an image's attributes cost as much as
// encoding them for a provider.
func Strip(v cty.Value) cty.Value {
	if v == cty.NilVal || !Contains(v) {
		return v
	}
	u, _ := v.UnmarkDeep()
	return u
}

// Contains reports whether v or any value nested in it carries a mark. It
// reads an object's attributes in place, without the allocations of
// cty's ContainsMarked.
func Contains(v cty.Value) bool {
	if v.IsMarked() {
		return true
	}
	if !v.IsKnown() || v.IsNull() {
		return false
	}
	ty := v.Type()
	switch {
	case ty.IsObjectType():
		for name := range ty.AttributeTypes() {
			if Contains(v.GetAttr(name)) {
				return true
			}
		}
	case ty.IsListType(), ty.IsSetType(), ty.IsMapType(), ty.IsTupleType():
		for it := v.ElementIterator(); it.Next(); {
			if _, e := it.Element(); Contains(e) {
				return true
			}
		}
	}
	return false
}
