package lockfile

import (
	"fmt"
	"testing"

	"github.com/zclconf/go-cty/cty"
)

// benchFile is a lockfile of n images shaped like a real project's.
func benchFile(n int) *File {
	f := New()
	f.SetProvider(&Provider{Name: "openai", Source: "easel/openai", Version: "1.2.0"})
	for i := range n {
		img := image(fmt.Sprintf("image.i%05d", i))
		img.Model = "gpt-image-2"
		img.CostUSD = usd(0.042)
		img.Inputs = map[string]cty.Value{
			"prompt":  cty.StringVal("Product shot of item, flat vector illustration, brand blue #0055ff"),
			"size":    cty.StringVal("1024x1024"),
			"quality": cty.StringVal("medium"),
		}
		img.References = []*Reference{{Name: "brand/logo.png", Kind: KindFile, SHA256: hex64('c')}}
		img.Metadata = map[string]string{"revised_prompt": "A product shot", "seed": "42"}
		f.SetImage(img)
	}
	return f
}

func BenchmarkBytes10k(b *testing.B) {
	f := benchFile(10_000)
	b.ReportAllocs()
	for b.Loop() {
		b.SetBytes(int64(len(f.Bytes())))
	}
}

func BenchmarkParse10k(b *testing.B) {
	src := benchFile(10_000).Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, diags := Parse(src, FileName); diags.HasErrors() {
			b.Fatal(diags)
		}
	}
}

func BenchmarkSetImage10k(b *testing.B) {
	f := benchFile(10_000)
	img := f.Images[5000]
	b.ReportAllocs()
	for b.Loop() {
		f.SetImage(img)
	}
}

// BenchmarkRender10k is the engine's save of a 10,000-image file whose
// blocks were added as the images were made (compare BenchmarkBytes10k).
func BenchmarkRender10k(b *testing.B) {
	f := benchFile(10_000)
	var blocks Blocks
	for _, img := range f.Images {
		blocks.Add(img)
	}
	b.ReportAllocs()
	for b.Loop() {
		data, err := f.Render(&blocks)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(data)))
	}
}
