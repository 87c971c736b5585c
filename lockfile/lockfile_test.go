package lockfile

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

func addresses(f *File) []string {
	var out []string
	for _, img := range f.Images {
		out = append(out, img.Address)
	}
	return out
}

func TestSetImageKeepsOrder(t *testing.T) {
	f := New()
	for _, a := range []string{"image.m", "image.b", "image.z", `image.b["x"]`, "image.a"} {
		f.SetImage(image(a))
	}
	want := []string{"image.a", "image.b", `image.b["x"]`, "image.m", "image.z"}
	if diff := cmp.Diff(want, addresses(f)); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	for _, a := range want {
		if got := f.Image(a); got == nil || got.Address != a {
			t.Errorf("Image(%q) = %v", a, got)
		}
	}
	if got := f.Image("image.c"); got != nil {
		t.Errorf("Image of an absent address = %v, want nil", got)
	}
}

func TestSetImageReplaces(t *testing.T) {
	f := New()
	f.SetImage(image("image.a"))
	repl := image("image.a")
	repl.Bytes = 99
	f.SetImage(repl)
	if len(f.Images) != 1 || f.Image("image.a").Bytes != 99 {
		t.Errorf("after replacing, images = %v", addresses(f))
	}
	f.SetImage(nil)
	if len(f.Images) != 1 {
		t.Error("SetImage(nil) changed the file")
	}
}

func TestRemoveImage(t *testing.T) {
	f := New()
	for _, a := range []string{"image.a", "image.b", "image.c"} {
		f.SetImage(image(a))
	}
	if !f.RemoveImage("image.b") {
		t.Error("RemoveImage of a present image = false")
	}
	if f.RemoveImage("image.b") {
		t.Error("RemoveImage of an absent image = true")
	}
	if diff := cmp.Diff([]string{"image.a", "image.c"}, addresses(f)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestProviders(t *testing.T) {
	f := New()
	f.SetProvider(&Provider{Name: "openai.eu", Source: "easel/openai"})
	f.SetProvider(&Provider{Name: "openai", Source: "easel/openai", Version: "1"})
	f.SetProvider(&Provider{Name: "openai", Source: "easel/openai", Version: "2"})
	if len(f.Providers) != 2 || f.Providers[0].Name != "openai" || f.Provider("openai").Version != "2" {
		t.Errorf("providers = %+v", f.Providers)
	}
	if f.Provider("placeholder") != nil {
		t.Error("Provider of an absent name is not nil")
	}
	if !f.RemoveProvider("openai.eu") || f.Provider("openai.eu") != nil {
		t.Error("RemoveProvider did not remove")
	}
}

func TestSortAfterDirectEdits(t *testing.T) {
	f := New()
	f.Images = append(f.Images, image("image.z"), image("image.a"))
	f.Providers = append(f.Providers, &Provider{Name: "z", Source: "a/z"}, &Provider{Name: "a", Source: "a/a"})
	f.Sort()
	if f.Image("image.a") == nil || f.Image("image.z") == nil || f.Provider("a") == nil {
		t.Errorf("lookups fail after Sort: %v", addresses(f))
	}
}

func TestBytesSortsWithoutSort(t *testing.T) {
	sorted := New()
	unsorted := New()
	for _, a := range []string{"image.c", "image.a", "image.b"} {
		sorted.SetImage(image(a))
		unsorted.Images = append(unsorted.Images, image(a))
	}
	if diff := cmp.Diff(string(sorted.Bytes()), string(unsorted.Bytes())); diff != "" {
		t.Errorf("Bytes depends on slice order (-sorted +unsorted):\n%s", diff)
	}
	if unsorted.Images[0].Address != "image.c" {
		t.Error("Bytes reordered the caller's slice")
	}
}

func TestClone(t *testing.T) {
	orig := sampleFile()
	want := string(orig.Bytes())
	c := orig.Clone()
	if diff := cmp.Diff(orig, c, valueComparer); diff != "" {
		t.Fatalf("Clone differs (-orig +clone):\n%s", diff)
	}
	img := c.Image(`image.social["twitter"]`)
	img.Inputs["prompt"] = cty.StringVal("changed")
	img.Metadata["revised_prompt"] = "changed"
	img.References[0].SHA256 = hex64('f')
	*img.CostUSD = 99
	c.Providers[0].Version = "9.9.9"
	c.SetImage(image("image.new"))
	c.RemoveImage("image.mascot")
	if got := string(orig.Bytes()); got != want {
		t.Errorf("changing the clone changed the original:\n%s", cmp.Diff(want, got))
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(f *File)
		wantErr bool
	}{
		{name: "sample", edit: func(*File) {}},
		{name: "sensitive input", edit: func(f *File) {
			f.Images[0].Inputs["api_key"] = cty.StringVal("sk-secret").Mark("sensitive")
		}, wantErr: true},
		{name: "nested sensitive input", edit: func(f *File) {
			f.Images[0].Inputs["headers"] = cty.ObjectVal(map[string]cty.Value{"auth": cty.StringVal("sk-secret").Mark("sensitive")})
		}, wantErr: true},
		{name: "unknown input", edit: func(f *File) { f.Images[0].Inputs["x"] = cty.UnknownVal(cty.String) }, wantErr: true},
		{name: "infinite input", edit: func(f *File) { f.Images[0].Inputs["x"] = cty.PositiveInfinity }, wantErr: true},
		{name: "huge input", edit: func(f *File) { f.Images[0].Inputs["x"] = cty.MustParseNumberVal("1e400") }, wantErr: true},
		{name: "capsule input", edit: func(f *File) {
			f.Images[0].Inputs["x"] = cty.CapsuleVal(cty.Capsule("thing", reflect.TypeOf(0)), new(int))
		}, wantErr: true},
		{name: "duplicate image", edit: func(f *File) { f.Images = append(f.Images, image(f.Images[0].Address)) }, wantErr: true},
		{name: "duplicate provider", edit: func(f *File) { f.Providers = append(f.Providers, &Provider{Name: "solid", Source: "x/y"}) }, wantErr: true},
		{name: "nil image", edit: func(f *File) { f.Images = append(f.Images, nil) }, wantErr: true},
		{name: "empty address", edit: func(f *File) { f.Images[0].Address = "" }, wantErr: true},
		{name: "bad spec hash", edit: func(f *File) { f.Images[0].SpecHash = hex64('a') }, wantErr: true},
		{name: "output escapes", edit: func(f *File) { f.Images[0].Output = "../x.png" }, wantErr: true},
		{name: "windows output", edit: func(f *File) { f.Images[0].Output = `assets\x.png` }, wantErr: true},
		{name: "negative bytes", edit: func(f *File) { f.Images[0].Bytes = -1 }, wantErr: true},
		{name: "NaN cost", edit: func(f *File) { f.Images[0].CostUSD = usd(nan()) }, wantErr: true},
		{name: "bad reference kind", edit: func(f *File) { f.Images[0].References[0].Kind = "disk" }, wantErr: true},
		{name: "provider without source", edit: func(f *File) { f.Providers[0].Source = "" }, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := sampleFile()
			tt.edit(f)
			err := f.Validate()
			if (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, want error %v", err, tt.wantErr)
			}
		})
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

// TestSecretsNeverWritten checks the last line of defence: even a File that
// fails Validate never puts a marked value into its bytes.
func TestSecretsNeverWritten(t *testing.T) {
	f := sampleFile()
	f.Images[0].Inputs["api_key"] = cty.StringVal("sk-live-0123456789").Mark("sensitive")
	f.Images[0].Inputs["nested"] = cty.ListVal([]cty.Value{cty.StringVal("sk-live-0123456789").Mark("sensitive")})
	out := string(f.Bytes())
	if slices.ContainsFunc([]string{"sk-live", "api_key", "nested"}, func(s string) bool { return strings.Contains(out, s) }) {
		t.Errorf("a sensitive value reached the lockfile bytes:\n%s", out)
	}
	err := f.Validate()
	if err == nil || strings.Contains(err.Error(), "sk-live") {
		t.Errorf("Validate error = %v, want an error that does not quote the secret", err)
	}
}

func TestNormalizeValue(t *testing.T) {
	tests := []struct {
		name string
		in   cty.Value
		want cty.Value
	}{
		{name: "float64 number", in: cty.NumberFloatVal(0.1), want: cty.MustParseNumberVal("0.1")},
		{name: "list", in: cty.ListVal([]cty.Value{cty.StringVal("a")}), want: cty.TupleVal([]cty.Value{cty.StringVal("a")})},
		{name: "empty list", in: cty.ListValEmpty(cty.String), want: cty.EmptyTupleVal},
		{name: "map", in: cty.MapVal(map[string]cty.Value{"k": cty.NumberIntVal(1)}), want: cty.ObjectVal(map[string]cty.Value{"k": cty.NumberIntVal(1)})},
		{name: "typed null", in: cty.NullVal(cty.String), want: cty.NullVal(cty.DynamicPseudoType)},
		{name: "string", in: cty.StringVal("x"), want: cty.StringVal("x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NormalizeValue(tt.in)
			if !got.RawEquals(tt.want) {
				t.Errorf("NormalizeValue(%#v) = %#v, want %#v", tt.in, got, tt.want)
			}
			// The point of NormalizeValue: it matches what Parse reads back.
			f := withInputs(map[string]cty.Value{"v": tt.in})
			back := mustParse(t, f.Bytes()).Images[0].Inputs["v"]
			if !back.RawEquals(got) {
				t.Errorf("read back %#v, NormalizeValue gave %#v", back, got)
			}
		})
	}
}

func ExampleFile_Bytes() {
	f := New()
	f.SetProvider(&Provider{Name: "placeholder", Source: "easel/placeholder", Version: "0.1.0"})
	f.SetImage(&Image{
		Address: "image.mascot", Provider: "placeholder", SpecHash: specHash('1'),
		Output: "assets/mascot.png", SHA256: hex64('2'), Bytes: 2048, Width: 64, Height: 64,
		Inputs: map[string]cty.Value{"prompt": cty.StringVal("A friendly otter")},
	})
	fmt.Print(string(f.Bytes()))
	// Output:
	// # This file is maintained by easel: it records what every image was generated
	// # from. Commit it and review it like code.
	//
	// version = 1
	//
	// provider "placeholder" {
	//   source  = "easel/placeholder"
	//   version = "0.1.0"
	// }
	//
	// image "image.mascot" {
	//   provider  = "placeholder"
	//   spec_hash = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
	//   output    = "assets/mascot.png"
	//   sha256    = "2222222222222222222222222222222222222222222222222222222222222222"
	//   bytes     = 2048
	//   width     = 64
	//   height    = 64
	//   inputs = {
	//     prompt = "A friendly otter"
	//   }
	// }
}
