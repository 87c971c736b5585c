package lockfile

import (
	"strings"
	"testing"
)

// Render, from blocks added as images were made or made on demand, gives
// exactly the bytes Bytes gives, through replacements and removals, and
// refuses what Validate refuses.
func TestRenderMatchesBytes(t *testing.T) {
	f := sampleFile()
	var b Blocks
	for _, img := range f.Images {
		b.Add(img)
	}
	check := func(step string) {
		t.Helper()
		got, err := f.Render(&b)
		if err != nil {
			t.Fatalf("%s: Render: %v", step, err)
		}
		if want := f.Bytes(); string(got) != string(want) {
			t.Fatalf("%s: Render differs from Bytes:\n%s\nwant:\n%s", step, got, want)
		}
	}
	check("added")

	// A replaced image is rendered again, whether or not it was added.
	hero := f.Image(`image.social["twitter"]`).Clone()
	hero.SHA256 = hex64('7')
	f.SetImage(hero)
	check("replaced, not added")
	mascot := f.Image("image.mascot").Clone()
	mascot.Bytes = 99
	b.Add(mascot)
	f.SetImage(mascot)
	check("replaced and added")

	f.SetImage(image("image.late"))
	check("new, not added")
	f.RemoveImage("image.mascot")
	check("removed")

	bad := image("image.bad")
	bad.SHA256 = "not hex"
	b.Add(bad)
	f.SetImage(bad)
	_, err := f.Render(&b)
	if err == nil || err.Error() != f.Validate().Error() {
		t.Fatalf("Render of an invalid image: %v, want Validate's error %v", err, f.Validate())
	}
	if !strings.Contains(err.Error(), "image.bad") {
		t.Errorf("the error does not name the image: %v", err)
	}
}
