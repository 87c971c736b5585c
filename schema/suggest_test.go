package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func TestSuggestName(t *testing.T) {
	candidates := []string{"campaign", "prompt", "size", "style", "quality", "references"}
	tests := []struct {
		name, given, want string
	}{
		{"one missing letter", "campain", "campaign"},
		{"transposition", "stlye", "style"},
		{"case only", "Prompt", "prompt"},
		{"substitution", "qualty", "quality"},
		{"substitution in a long word", "referenses", "references"},
		{"too far", "colour", ""},
		{"short words need a close match", "sz", ""},
		{"exact match is not a suggestion", "size", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SuggestName(tt.given, candidates); got != tt.want {
				t.Errorf("SuggestName(%q) = %q, want %q", tt.given, got, tt.want)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	in := "image \"a\" {\nprompt=\"x\"\n    output =   \"a.png\"\n}\n"
	want := "image \"a\" {\n  prompt = \"x\"\n  output = \"a.png\"\n}\n"
	if got := string(Format([]byte(in))); got != want {
		t.Errorf("Format:\n%s\nwant:\n%s", got, want)
	}
}

func TestProviderNames(t *testing.T) {
	c, diags := Load("testdata/full")
	if diags.HasErrors() {
		t.Fatal(diagString(diags))
	}
	want := []string{"openai", "placeholder", "solid", "transform"}
	if diff := cmp.Diff(want, c.ProviderNames()); diff != "" {
		t.Errorf("ProviderNames (-want +got):\n%s", diff)
	}
	if got := c.RequiredProviders["solid"]; got.Source != "acme/solid" || got.Version != ">= 1.2" {
		t.Errorf("required provider solid = %+v", got)
	}
}

func TestLoadProviderKeys(t *testing.T) {
	c, diags := Load("testdata/full")
	if diags.HasErrors() {
		t.Fatal(diagString(diags))
	}
	var got []string
	for _, img := range c.Images {
		got = append(got, img.Name+"="+img.ProviderKey)
	}
	want := []string{"mascot=openai", "hero=openai.eu", "social=transform", "banner=placeholder"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("images in file order with provider keys (-want +got):\n%s", diff)
	}
}

func TestImageAddress(t *testing.T) {
	tests := []struct {
		name string
		key  cty.Value
		want string
	}{
		{"single", cty.NilVal, "image.hero"},
		{"for_each key", cty.StringVal("twitter"), `image.hero["twitter"]`},
		{"key needing escapes", cty.StringVal(`a"b\c ${x}`), `image.hero["a\"b\\c $${x}"]`},
		{"count index", cty.NumberIntVal(12), "image.hero[12]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ImageAddress("hero", tt.key); got != tt.want {
				t.Errorf("ImageAddress = %s, want %s", got, tt.want)
			}
		})
	}
}
