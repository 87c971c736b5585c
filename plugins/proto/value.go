package proto

import (
	"fmt"
	"sync"

	"github.com/easelhq/easel/internal/marks"
	"github.com/zclconf/go-cty/cty"
	ctyjson "github.com/zclconf/go-cty/cty/json"
	"github.com/zclconf/go-cty/cty/msgpack"
)

// EncodeValue turns a cty value into its wire form: msgpack with the type as
// JSON. Marks (sensitive values and the like) cannot cross the wire and are
// stripped; cty.NilVal is sent as no value at all. Errors never include the
// value, so secrets do not leak into them.
func EncodeValue(v cty.Value) (*DynamicValue, error) {
	return encodeValue(v, ctyjson.MarshalType)
}

// DecodeValue is the inverse of EncodeValue; no value gives cty.NilVal.
func DecodeValue(dv *DynamicValue) (cty.Value, error) {
	return decodeValue(dv, ctyjson.UnmarshalType)
}

func encodeValue(v cty.Value, typeJSON func(cty.Type) ([]byte, error)) (*DynamicValue, error) {
	if v == cty.NilVal {
		return nil, nil
	}
	v = marks.Strip(v)
	ty, err := typeJSON(v.Type())
	if err != nil {
		return nil, fmt.Errorf("encoding value type: %w", err)
	}
	mp, err := msgpack.Marshal(v, v.Type())
	if err != nil {
		return nil, fmt.Errorf("encoding %s value: %w", v.Type().FriendlyName(), err)
	}
	return &DynamicValue{Msgpack: mp, TypeJson: ty}, nil
}

func decodeValue(dv *DynamicValue, parseType func([]byte) (cty.Type, error)) (cty.Value, error) {
	if dv == nil || len(dv.TypeJson) == 0 {
		return cty.NilVal, nil
	}
	ty, err := parseType(dv.TypeJson)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding value type: %w", err)
	}
	v, err := msgpack.Unmarshal(dv.Msgpack, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("decoding %s value: %w", ty.FriendlyName(), err)
	}
	return v, nil
}

// Codec is EncodeValue and DecodeValue with a memory of the types it has
// seen. Every image of a provider has the same attribute type, whose JSON
// form would otherwise be written and parsed again for every request. It
// remembers a few types (a schema with dynamic attributes can give many)
// and forgets them all when full. The zero value is ready to use, and it
// is safe for concurrent use.
type Codec struct {
	mu      sync.Mutex
	parsed  map[string]cty.Type // by type JSON
	written []typeJSON          // newest last
}

type typeJSON struct {
	ty   cty.Type
	json []byte
}

// codecTypes is how many types a Codec remembers each way.
const codecTypes = 16

// Encode is EncodeValue.
func (c *Codec) Encode(v cty.Value) (*DynamicValue, error) {
	return encodeValue(v, c.typeJSON)
}

// Decode is DecodeValue.
func (c *Codec) Decode(dv *DynamicValue) (cty.Value, error) {
	return decodeValue(dv, c.parseType)
}

// typeJSON returns t as JSON. The bytes are shared by every value of the
// type: messages are only read after they are built.
func (c *Codec) typeJSON(t cty.Type) ([]byte, error) {
	c.mu.Lock()
	for i := len(c.written) - 1; i >= 0; i-- {
		if c.written[i].ty.Equals(t) {
			b := c.written[i].json
			c.mu.Unlock()
			return b, nil
		}
	}
	c.mu.Unlock()
	b, err := ctyjson.MarshalType(t)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if len(c.written) >= codecTypes {
		c.written = c.written[:0]
	}
	c.written = append(c.written, typeJSON{ty: t, json: b})
	c.mu.Unlock()
	return b, nil
}

func (c *Codec) parseType(b []byte) (cty.Type, error) {
	c.mu.Lock()
	t, ok := c.parsed[string(b)]
	c.mu.Unlock()
	if ok {
		return t, nil
	}
	t, err := ctyjson.UnmarshalType(b)
	if err != nil {
		return cty.NilType, err
	}
	c.mu.Lock()
	if c.parsed == nil || len(c.parsed) >= codecTypes {
		c.parsed = make(map[string]cty.Type, codecTypes)
	}
	c.parsed[string(b)] = t
	c.mu.Unlock()
	return t, nil
}
