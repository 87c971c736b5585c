package lockfile

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// referenceBytes is the lockfile written the plain way: one hclwrite tree
// for the whole file, then hclwrite.Format. Bytes must give the same bytes.
func referenceBytes(f *File) []byte {
	wf := hclwrite.NewEmptyFile()
	body := wf.Body()
	body.AppendUnstructuredTokens(hclwrite.Tokens{{Type: hclsyntax.TokenComment, Bytes: []byte(header)}})
	body.AppendNewline()
	body.SetAttributeValue("version", cty.NumberIntVal(Version))
	for _, p := range sortedBy(f.Providers, func(p *Provider) string { return p.Name }) {
		body.AppendNewline()
		writeProvider(body.AppendNewBlock("provider", []string{p.Name}).Body(), p)
	}
	for _, img := range sortedBy(f.Images, func(img *Image) string { return img.Address }) {
		body.AppendNewline()
		writeImage(body.AppendNewBlock("image", []string{img.Address}).Body(), img)
	}
	return hclwrite.Format(wf.Bytes())
}

func assertSameAsReference(t *testing.T, f *File) {
	t.Helper()
	got, want := f.Bytes(), referenceBytes(f)
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("Bytes differs from hclwrite + Format (-hclwrite +Bytes):\n%s", diff)
	}
}

func TestBytesMatchesHCLWrite(t *testing.T) {
	files := map[string]*File{
		"empty":          New(),
		"sample":         sampleFile(),
		"tricky strings": withInputs(stringInputs()),
		"tricky keys":    withInputs(keyInputs()),
		"numbers":        withInputs(numberInputs()),
		"nested":         withInputs(nestedInputs()),
		"names":          trickyNames(),
		"costs":          costs(),
		"candidates":     candidates(),
		"objects in lists": withInputs(map[string]cty.Value{
			"a": cty.TupleVal([]cty.Value{cty.ObjectVal(map[string]cty.Value{"k": cty.True}), cty.Zero}),
		}),
	}
	for name, f := range files {
		t.Run(name, func(t *testing.T) { assertSameAsReference(t, f) })
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		assertSameAsReference(t, randomFile(rng))
	}
}
