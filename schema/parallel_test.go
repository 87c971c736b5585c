package schema

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEvaluateManyImages evaluates enough images to spread them over
// several workers, and checks what a user sees does not depend on that:
// images sorted by address, diagnostics in configuration order (output
// problems of pass 1 first, then reference problems of pass 2), every
// file read reported, and a shared reference checked for each image.
func TestEvaluateManyImages(t *testing.T) {
	const n = 500
	var src strings.Builder
	line := 1
	type diagAt struct {
		Summary string
		Line    int
	}
	var pass1, pass2 []diagAt
	reads := 0
	for i := range n {
		ext, ref, prompt := "png", "brand/ref.png", fmt.Sprintf("%q", fmt.Sprint(i))
		if i%97 == 13 {
			ext = "bmp"
			pass1 = append(pass1, diagAt{"Unsupported output format", line + 2})
		}
		if i%89 == 5 {
			ref = fmt.Sprintf("missing/%d.png", i)
			pass2 = append(pass2, diagAt{"Reference file not found", line + 3})
		}
		if i%10 == 0 {
			prompt = `file("prompt.txt")`
			reads++
		}
		fmt.Fprintf(&src, "image \"img%03d\" {\n  prompt     = %s\n  output     = \"out/%d.%s\"\n  references = [%q]\n}\n", i, prompt, i, ext, ref)
		line += 5
	}
	dir := writeProject(t, map[string]string{
		"main.easel.hcl": src.String(),
		"brand/ref.png":  "png",
		"prompt.txt":     "from a file",
	})
	var mu sync.Mutex
	read := map[string]int{}
	c, diags := Load(dir)
	if diags.HasErrors() {
		t.Fatal(diagString(diags))
	}
	ev, diags := c.Evaluate(Inputs{OnFileRead: func(p string) {
		mu.Lock()
		defer mu.Unlock()
		read[p]++
	}}, testSchemas())
	var got []diagAt
	for _, d := range diags {
		got = append(got, diagAt{d.Summary, d.Subject.Start.Line})
	}
	if diff := cmp.Diff(append(pass1, pass2...), got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
	if len(ev.Images) != n || !sort.SliceIsSorted(ev.Images, func(i, j int) bool { return ev.Images[i].Address < ev.Images[j].Address }) {
		t.Errorf("%d images, sorted %v; want %d sorted by address", len(ev.Images), sort.SliceIsSorted(ev.Images, func(i, j int) bool { return ev.Images[i].Address < ev.Images[j].Address }), n)
	}
	if got, want := read[filepath.Join(dir, "prompt.txt")], reads; got != want {
		t.Errorf("prompt.txt reported read %d times; want %d", got, want)
	}
	if img := findImage(t, ev, "image.img010"); jsonOf(t, img.Attrs.GetAttr("prompt")) != `"from a file"` || len(img.References) != 1 || img.References[0].Value != "brand/ref.png" {
		t.Errorf("image.img010: prompt %s, references %v", jsonOf(t, img.Attrs.GetAttr("prompt")), img.References)
	}
}

// TestLoadManyImagesInOrder loads enough image blocks to decode them on
// several workers: the images keep the file's order, and a duplicate name
// is reported against its second declaration.
func TestLoadManyImagesInOrder(t *testing.T) {
	var src strings.Builder
	for i := range 300 {
		name := fmt.Sprintf("img%03d", i)
		if i == 250 {
			name = "img100"
		}
		fmt.Fprintf(&src, "image %q {\n  output = \"out/%d.png\"\n}\n", name, i)
	}
	dir := writeProject(t, map[string]string{"main.easel.hcl": src.String()})
	c, diags := Load(dir)
	if len(diags) != 1 || diags[0].Summary != "Duplicate image" || diags[0].Subject.Start.Line != 751 {
		t.Fatalf("diagnostics %s; want one duplicate image at line 751", diagString(diags))
	}
	if len(c.Images) != 299 {
		t.Fatalf("%d images; want 299", len(c.Images))
	}
	for i, img := range c.Images {
		j := i
		if i >= 250 {
			j = i + 1
		}
		if want := fmt.Sprintf("img%03d", j); img.Name != want {
			t.Fatalf("image %d is %s; want %s", i, img.Name, want)
		}
	}
}
