package lockfile

import (
	"fmt"
	"maps"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// hex64 is a valid hex SHA-256 made of one repeated digit.
func hex64(c byte) string { return strings.Repeat(string(c), 64) }

func specHash(c byte) string { return "sha256:" + hex64(c) }

func usd(f float64) *float64 { return &f }

// valueComparer compares cty values by their type and contents.
var valueComparer = cmp.Comparer(func(a, b cty.Value) bool { return a.RawEquals(b) })

// image returns a valid minimal image at addr.
func image(addr string) *Image {
	return &Image{
		Address:  addr,
		Provider: "placeholder",
		SpecHash: specHash('a'),
		Output:   "assets/" + fmt.Sprintf("%x", addr) + ".png",
		SHA256:   hex64('b'),
		Bytes:    1024,
		Width:    64,
		Height:   64,
	}
}

// sampleFile is the lockfile shown in DESIGN.md and the brief.
func sampleFile() *File {
	f := New()
	f.SetProvider(&Provider{Name: "solid", Source: "acme/solid", Version: "1.0.0", Checksum: "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"})
	f.SetProvider(&Provider{Name: "placeholder", Source: "easel/placeholder", Version: "0.1.0"})
	f.SetImage(&Image{
		Address:  `image.social["twitter"]`,
		Provider: "placeholder",
		Model:    "gpt-image-2",
		SpecHash: specHash('1'),
		Output:   "assets/hero-twitter.webp",
		SHA256:   hex64('2'),
		Bytes:    48213,
		Width:    1500,
		Height:   500,
		CostUSD:  usd(0.042),
		Inputs: map[string]cty.Value{
			"prompt": cty.StringVal("A friendly otter"),
			"size":   cty.StringVal("1500x500"),
		},
		References: []*Reference{{Name: "brand/logo.png", Kind: KindFile, SHA256: hex64('3')}},
		Metadata:   map[string]string{"revised_prompt": "A friendly otter, waving"},
	})
	f.SetImage(&Image{
		Address:  "image.mascot",
		Provider: "solid",
		SpecHash: specHash('4'),
		Output:   "assets/mascot.png",
		SHA256:   hex64('5'),
		Bytes:    1_234_567,
		Width:    1024,
		Height:   1024,
		Inputs: map[string]cty.Value{
			"color":  cty.StringVal("#0055ff"),
			"layers": cty.ListVal([]cty.Value{cty.NumberIntVal(1), cty.NumberIntVal(2)}),
			"opts":   cty.MapVal(map[string]cty.Value{"dither": cty.True}),
		},
		References: []*Reference{
			{Name: "image.hero", Kind: KindImage, SHA256: hex64('6')},
			{Name: "https://example.com/ref.png", Kind: KindURL},
		},
	})
	return f
}

// mustParse parses src and fails the test on any diagnostic.
func mustParse(t *testing.T, src []byte) *File {
	t.Helper()
	f, diags := Parse(src, FileName)
	if len(diags) > 0 {
		t.Fatalf("Parse: %s\nsource:\n%s", diags.Error(), src)
	}
	return f
}

// nfc returns s in Unicode normal form C, as cty (and so Parse) keeps strings.
func nfc(s string) string { return cty.StringVal(s).AsString() }

// normalized returns a copy of f as it should read back: strings in NFC,
// inputs normalised, empty maps nil.
func normalized(f *File) *File {
	c := f.Clone()
	for _, p := range c.Providers {
		p.Name = nfc(p.Name)
		p.Source, p.Version, p.Checksum = nfc(p.Source), nfc(p.Version), nfc(p.Checksum)
	}
	for _, img := range c.Images {
		img.Address, img.Provider, img.Model = nfc(img.Address), nfc(img.Provider), nfc(img.Model)
		for _, r := range img.References {
			r.Name = nfc(r.Name)
		}
		img.Inputs = normalizedInputs(img.Inputs)
		img.Metadata = normalizedMetadata(img.Metadata)
	}
	return c
}

func normalizedInputs(in map[string]cty.Value) map[string]cty.Value {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]cty.Value, len(in))
	for k, v := range in {
		out[nfc(k)] = NormalizeValue(v)
	}
	return out
}

func normalizedMetadata(in map[string]string) map[string]string {
	if len(in) == 0 {
		return nil
	}
	out := make(map[string]string, len(in))
	for k, v := range maps.All(in) {
		out[nfc(k)] = nfc(v)
	}
	return out
}
