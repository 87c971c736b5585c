package vendortest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Value is v as a cty value: a string, int, float64, bool or cty.Value.
// Any other type is a mistake in the test, and panics.
func Value(v any) cty.Value {
	switch v := v.(type) {
	case string:
		return cty.StringVal(v)
	case int:
		return cty.NumberIntVal(int64(v))
	case float64:
		return cty.NumberFloatVal(v)
	case bool:
		return cty.BoolVal(v)
	case cty.Value:
		return v
	}
	panic(fmt.Sprintf("vendortest.Value: %T is not a string, int, float64, bool or cty.Value", v))
}

// Pairs turns alternating names and values into a map of cty values.
func Pairs(kv ...any) map[string]cty.Value {
	m := map[string]cty.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = Value(kv[i+1])
	}
	return m
}

// Request builds an image request the way easel does from the provider's
// image attributes: every attribute present, defaults applied, null where
// unset. kv alternates names and values (see Value); "output" sets the
// output path and so the format, which are out.png and png otherwise. A
// name the schema does not have fails the test.
func Request(t testing.TB, attrs []sdk.Attribute, kv ...any) *sdk.Request {
	t.Helper()
	req := &sdk.Request{Address: "image.test", OutputPath: "out.png", Format: "png", SpecHash: "sha256:00"}
	given := map[string]cty.Value{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "output" {
			req.OutputPath = kv[i+1].(string)
			req.Format, _ = imagefmt.FormatFromPath(req.OutputPath)
			continue
		}
		given[kv[i].(string)] = Value(kv[i+1])
	}
	if names := unknown(attrs, given); len(names) > 0 {
		t.Fatalf("vendortest.Request: unknown attributes %v", names)
	}
	req.Values = sdk.ValuesOf(attrs, given)
	return req
}

// unknown lists the names in given that attrs does not declare, sorted.
func unknown(attrs []sdk.Attribute, given map[string]cty.Value) []string {
	var names []string
	for name := range given {
		if !slices.ContainsFunc(attrs, func(a sdk.Attribute) bool { return a.Name == name }) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// Config builds a provider block's value from the provider's attributes:
// every attribute present, given's value or the default, else null. Names
// not in attrs are ignored.
func Config(attrs []sdk.Attribute, given map[string]cty.Value) sdk.Config {
	return sdk.Config{Values: sdk.ValuesOf(attrs, given)}
}

// Configure configures p with cfg, failing the test on an error.
func Configure(t testing.TB, p sdk.Provider, cfg sdk.Config) {
	t.Helper()
	if diags := p.Configure(context.Background(), cfg); diags.HasErrors() {
		t.Fatalf("Configure: %v", diags)
	}
}

// Server is a fake vendor API of internal/fakeapi, served until the test
// ends.
type Server interface{ Start(t testing.TB) string }

// Serve starts fake and configures p against it: a provider block of
// attrs with base_url the fake's URL, then kv's values (which win). It
// returns fake.
func Serve[F Server](t testing.TB, p sdk.Provider, attrs []sdk.Attribute, fake F, kv map[string]cty.Value) F {
	t.Helper()
	given := map[string]cty.Value{"base_url": cty.StringVal(fake.Start(t))}
	maps.Copy(given, kv)
	Configure(t, p, Config(attrs, given))
	return fake
}
