package proto

import (
	"fmt"

	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"github.com/zclconf/go-cty/cty/msgpack"
)

// EncodeValue turns a cty value into its wire form: msgpack with the type as
// JSON. Marks (sensitive values and the like) cannot cross the wire and are
// stripped; cty.NilVal is sent as no value at all. Errors never include the
// value, so secrets do not leak into them.
func EncodeValue(v cty.Value) (*DynamicValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	v, _ = v.UnmarkDeep()
	ty, err := ctyjson.MarshalType(v.Type())
	if err != nil {
		return nil, fmt.Errorf("encoding value type: %w", err)
	}
	mp, err := msgpack.Marshal(v, v.Type())
	if err != nil {
		return nil, fmt.Errorf("encoding %s value: %w", v.Type().FriendlyName(), err)
	}
	return &DynamicValue{Msgpack: mp, TypeJson: ty}, nil
}

// DecodeValue is the inverse of EncodeValue; no value gives cty.NilVal.
func DecodeValue(dv *DynamicValue) (cty.Value, error) {
	if dv == nil || len(dv.TypeJson) == 0 {
		return cty.NilVal, nil
	}
	ty, err := ctyjson.UnmarshalType(dv.TypeJson)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding value type: %w", err)
	}
	v, err := msgpack.Unmarshal(dv.Msgpack, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding %s value: %w", ty.FriendlyName(), err)
	}
	return v, nil
}
