package lockfile

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// trickyStrings are strings HCL treats specially: template introducers and
// their escapes, quotes, backslashes, control and non-ASCII characters.
var trickyStrings = []string{
	"", " ", "plain", `say "hi"`, `back\slash`, `\n literally`, "new\nline", "tab\there", "cr\r\n",
	"${var.x}", "$${escaped}", "$$${x}", "%{ if true }x%{ endif }", "%%{", "$", "%", "${", "100% ${",
	"ünïcödé", "日本語", "emoji 🦦", "rtl \u202e", "nul \x00 byte", "del \x7f", "e\u0301", // NFC folds this
	"# not a comment", "// nor this", "}", "{", "]", "= sign", "a\\\"b", "<<EOF\nx\nEOF",
}

// trickyKeys are object keys that are HCL keywords, not identifiers, or both.
var trickyKeys = []string{
	"for", "in", "if", "null", "true", "false", "a b", "1abc", "-", "", "ключ", "with.dot", `q"uote`, "prompt",
}

func trickyNumbers() []cty.Value {
	third := new(big.Float).SetPrec(512).Quo(big.NewFloat(1).SetPrec(512), big.NewFloat(3).SetPrec(512))
	return []cty.Value{
		cty.Zero, cty.NumberIntVal(-1), cty.NumberIntVal(1 << 62), cty.NumberFloatVal(0.1),
		cty.NumberFloatVal(1e-30), cty.NumberFloatVal(1e30), cty.NumberFloatVal(-2.5),
		cty.NumberVal(third), cty.MustParseNumberVal("123456789012345678901234567890.5"),
		cty.MustParseNumberVal("1e300"), cty.MustParseNumberVal("-2.5e-300"), cty.NumberFloatVal(math.MaxFloat64),
		cty.MustParseNumberVal("1.5e330"), cty.MustParseNumberVal("-1e-330"),
	}
}

func TestRoundTripTable(t *testing.T) {
	tests := []struct {
		name string
		file *File
	}{
		{name: "empty", file: New()},
		{name: "sample", file: sampleFile()},
		{name: "tricky strings", file: withInputs(stringInputs())},
		{name: "tricky keys", file: withInputs(keyInputs())},
		{name: "numbers", file: withInputs(numberInputs())},
		{name: "nested", file: withInputs(nestedInputs())},
		{name: "tricky addresses and names", file: trickyNames()},
		{name: "costs", file: costs()},
		{name: "candidates", file: candidates()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assertRoundTrip(t, tt.file)
		})
	}
}

// TestRoundTripRandom checks the same property on many generated files, a
// fuzz test with a fixed seed that runs in every go test.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 200 {
		f := randomFile(rng)
		t.Run(fmt.Sprint(i), func(t *testing.T) { assertRoundTrip(t, f) })
	}
}

// assertRoundTrip checks that f is valid, that Bytes parses back to f (with
// inputs normalised) and that Parse then Bytes is byte-identical.
func assertRoundTrip(t *testing.T, f *File) {
	t.Helper()
	if err := f.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	src := f.Bytes()
	got := mustParse(t, src)
	if diff := cmp.Diff(normalized(f), got, valueComparer); diff != "" {
		t.Errorf("Parse(Bytes(f)) != f (-want +got):\n%s\nsource:\n%s", diff, src)
	}
	if again := got.Bytes(); string(again) != string(src) {
		t.Errorf("Parse then Bytes is not byte-identical:\n%s", cmp.Diff(string(src), string(again)))
	}
}

func withInputs(inputs map[string]cty.Value) *File {
	f := New()
	img := image("image.x")
	img.Inputs = inputs
	f.SetImage(img)
	return f
}

func stringInputs() map[string]cty.Value {
	m := make(map[string]cty.Value)
	for i, s := range trickyStrings {
		m[fmt.Sprintf("s%02d", i)] = cty.StringVal(s)
	}
	m["all"] = cty.StringVal(strings.Join(trickyStrings, ""))
	return m
}

func keyInputs() map[string]cty.Value {
	m := make(map[string]cty.Value)
	nested := make(map[string]cty.Value)
	for _, k := range trickyKeys {
		m[k] = cty.StringVal(k)
		nested[k] = cty.True
	}
	m["nested"] = cty.ObjectVal(nested)
	m["for_only"] = cty.ObjectVal(map[string]cty.Value{"for": cty.Zero})
	m["in_only"] = cty.MapVal(map[string]cty.Value{"in": cty.Zero})
	return m
}

func numberInputs() map[string]cty.Value {
	m := make(map[string]cty.Value)
	for i, n := range trickyNumbers() {
		m[fmt.Sprintf("n%d", i)] = n
	}
	m["list"] = cty.TupleVal(trickyNumbers())
	return m
}

func nestedInputs() map[string]cty.Value {
	return map[string]cty.Value{
		"empty_list":   cty.ListValEmpty(cty.String),
		"empty_map":    cty.MapValEmpty(cty.Number),
		"empty_object": cty.EmptyObjectVal,
		"empty_tuple":  cty.EmptyTupleVal,
		"null_string":  cty.NullVal(cty.String),
		"bools":        cty.ListVal([]cty.Value{cty.True, cty.False}),
		"set":          cty.SetVal([]cty.Value{cty.StringVal("b"), cty.StringVal("a")}),
		"deep": cty.ObjectVal(map[string]cty.Value{
			"list_of_maps": cty.ListVal([]cty.Value{cty.MapVal(map[string]cty.Value{"k": cty.StringVal("v")})}),
			"tuple":        cty.TupleVal([]cty.Value{cty.StringVal("x"), cty.NumberIntVal(1), cty.NullVal(cty.Bool)}),
		}),
	}
}

func trickyNames() *File {
	f := New()
	for i, s := range []string{`image.social["twitter"]`, `image.x["${y}"]`, `image.x["a\\b"]`, `image.ünï["日本"]`, `image.x["%{"]`} {
		img := image(s)
		img.Output = fmt.Sprintf("out/%d.png", i)
		img.References = []*Reference{{Name: `weird "ref" ${x}.png`, Kind: KindFile, SHA256: hex64('c')}}
		img.Metadata = map[string]string{"for": "x", "request id": "req_123", "seed": "42", "revised_prompt": trickyStrings[7]}
		f.SetImage(img)
	}
	f.SetProvider(&Provider{Name: "openai.eu", Source: `acme/"odd"`})
	return f
}

func costs() *File {
	f := New()
	for i, c := range []float64{0, 0.042, 0.1, 1e-9, 123.456, 1.0 / 3, 1e-300, math.MaxFloat64} {
		img := image(fmt.Sprintf("image.c%d", i))
		img.CostUSD = usd(c)
		f.SetImage(img)
	}
	return f
}

// candidates has an image generated as four candidates, the third
// picked, beside one generated once.
func candidates() *File {
	f := New()
	img := image("image.hero")
	img.CostUSD = usd(0.16)
	img.Candidates = []string{hex64('1'), hex64('2'), hex64('3'), hex64('4')}
	img.SHA256 = hex64('3')
	img.Metadata = map[string]string{"seed": "7"}
	f.SetImage(img)
	f.SetImage(image("image.once"))
	return f
}

func randomFile(rng *rand.Rand) *File {
	f := New()
	for i := range rng.IntN(4) {
		f.SetProvider(&Provider{Name: fmt.Sprintf("p%d", i), Source: "acme/" + randomString(rng), Version: randomString(rng)})
	}
	for range rng.IntN(5) {
		img := image(fmt.Sprintf("image.i%d[%q]", rng.IntN(1000), randomString(rng)))
		img.Model = randomString(rng)
		img.Bytes = rng.Int64()
		img.Width, img.Height = rng.IntN(1<<31), rng.IntN(1<<31)
		if rng.IntN(2) == 0 {
			img.CostUSD = usd(rng.Float64() * float64(rng.IntN(1000)))
		}
		img.Inputs = randomObject(rng, 2)
		img.Metadata = map[string]string{randomString(rng): randomString(rng)}
		// Candidates come from values already drawn, so the random
		// stream (and the files other tests draw from it) stays the same.
		for i := range img.Bytes % 3 {
			img.Candidates = append(img.Candidates, hex64("0123456789abcdef"[(img.Width+int(i))%16]))
		}
		f.SetImage(img)
	}
	return f
}

func randomObject(rng *rand.Rand, depth int) map[string]cty.Value {
	m := make(map[string]cty.Value)
	for range rng.IntN(5) {
		m[randomKey(rng)] = randomValue(rng, depth)
	}
	return m
}

func randomValue(rng *rand.Rand, depth int) cty.Value {
	kinds := 5
	if depth > 0 {
		kinds = 7
	}
	switch rng.IntN(kinds) {
	case 0:
		return cty.StringVal(randomString(rng))
	case 1:
		return cty.NumberFloatVal((rng.Float64() - 0.5) * float64(rng.Int64N(1<<40)))
	case 2:
		return trickyNumbers()[rng.IntN(len(trickyNumbers()))]
	case 3:
		return cty.BoolVal(rng.IntN(2) == 0)
	case 4:
		return cty.NullVal(cty.String)
	case 5:
		var elems []cty.Value
		for range rng.IntN(4) {
			elems = append(elems, randomValue(rng, depth-1))
		}
		return cty.TupleVal(elems)
	default:
		return cty.ObjectVal(randomObject(rng, depth-1))
	}
}

func randomKey(rng *rand.Rand) string {
	if rng.IntN(2) == 0 {
		return trickyKeys[rng.IntN(len(trickyKeys))]
	}
	return randomString(rng)
}

func randomString(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(4) {
		if rng.IntN(3) == 0 {
			b.WriteRune(rune(rng.IntN(0x3000)))
		} else {
			b.WriteString(trickyStrings[rng.IntN(len(trickyStrings))])
		}
	}
	return b.String()
}
