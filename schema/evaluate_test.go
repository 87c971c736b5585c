package schema

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"
)

// instanceSummary is what a user relies on from an evaluated image.
type instanceSummary struct {
	Provider string
	Output   string
	Attrs    string
	Refs     []string
	Deps     []string
}

func summarize(t *testing.T, ev *Evaluated) map[string]instanceSummary {
	t.Helper()
	out := map[string]instanceSummary{}
	for _, img := range ev.Images {
		s := instanceSummary{Provider: img.ProviderKey, Output: img.Output, Attrs: jsonOf(t, img.Attrs), Deps: img.DependsOn}
		for _, r := range img.References {
			s.Refs = append(s.Refs, string(r.Kind)+":"+r.Value)
		}
		out[img.Address] = s
	}
	return out
}

func TestEvaluateFullConfig(t *testing.T) {
	ev := mustEvaluate(t, "testdata/full", Inputs{})
	want := map[string]instanceSummary{
		"image.mascot": {
			Provider: "openai", Output: "assets/mascot.png",
			Attrs: `{"model":"gpt-image-2","prompt":"A friendly otter mascot, flat vector illustration, brand blue #0055ff","quality":"medium","size":"1024x1024"}`,
		},
		"image.hero": {
			Provider: "openai.eu", Output: "assets/winter/hero.png",
			Attrs: `{"model":"gpt-image-2","prompt":"Poster: title 'winter sale' at top, the mascot centre, price tag bottom-right","quality":"auto","size":"1536x1024"}`,
			Refs:  []string{"file:brand/logo.png", "image:image.mascot"},
		},
		`image.social["linkedin"]`: {
			Provider: "transform", Output: "assets/winter/hero-linkedin.webp",
			Attrs: `{"resize":"1584x396"}`,
			Refs:  []string{"image:image.hero"},
		},
		`image.social["twitter"]`: {
			Provider: "transform", Output: "assets/winter/hero-twitter.webp",
			Attrs: `{"resize":"1500x500"}`,
			Refs:  []string{"image:image.hero"},
		},
		"image.banner[0]": {
			Provider: "placeholder", Output: "assets/banner-0.jpg",
			Attrs: `{"latency":null,"model":"placeholder-1","prompt":"Banner one for winter\n","size":"1024x1024"}`,
			Refs:  []string{`image:image.social["twitter"]`, "url:https://cdn.example.com/ref.jpg"},
			Deps:  []string{"image.mascot"},
		},
		"image.banner[1]": {
			Provider: "placeholder", Output: "assets/banner-1.jpg",
			Attrs: `{"latency":null,"model":"placeholder-1","prompt":"Banner 2 for winter\n","size":"1024x1024"}`,
			Refs:  []string{`image:image.social["twitter"]`, "url:https://cdn.example.com/ref.jpg"},
			Deps:  []string{"image.mascot"},
		},
	}
	if diff := cmp.Diff(want, summarize(t, ev)); diff != "" {
		t.Errorf("images (-want +got):\n%s", diff)
	}
	var order []string
	for _, img := range ev.Images {
		order = append(order, img.Address)
	}
	wantOrder := []string{"image.banner[0]", "image.banner[1]", "image.hero", "image.mascot", `image.social["linkedin"]`, `image.social["twitter"]`}
	if diff := cmp.Diff(wantOrder, order); diff != "" {
		t.Errorf("image order (-want +got):\n%s", diff)
	}
}

func TestEvaluateFullConfigProviders(t *testing.T) {
	ev := mustEvaluate(t, "testdata/full", Inputs{})
	type prov struct{ Key, Source, Config string }
	var got []prov
	for _, p := range ev.Providers {
		got = append(got, prov{p.Key, p.Source, jsonOf(t, p.Config)})
	}
	want := []prov{
		{"openai", "easel/openai", `{"api_key":null,"base_url":null,"max_concurrency":4}`},
		{"openai.eu", "easel/openai", `{"api_key":null,"base_url":"https://eu.api.example.com/v1","max_concurrency":2}`},
		{"placeholder", "easel/placeholder", `{}`},
		{"transform", "easel/transform", `{}`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("providers (-want +got):\n%s", diff)
	}
	if !ev.Providers[0].Config.GetAttr("api_key").HasMark(SensitiveMark) {
		t.Errorf("api_key is declared sensitive by the schema but is not marked")
	}
}

func TestEvaluateRanges(t *testing.T) {
	ev := mustEvaluate(t, "testdata/full", Inputs{})
	hero := findImage(t, ev, "image.hero")
	tests := []struct {
		name     string
		got      int
		wantLine int
	}{
		{"prompt", hero.AttrRanges["prompt"].Start.Line, 35},
		{"quality (unset: the block)", hero.AttrRanges["quality"].Start.Line, 32},
		{"output", hero.AttrRanges["output"].Start.Line, 38},
		{"provider", hero.AttrRanges["provider"].Start.Line, 33},
		{"first reference", hero.References[0].Range.Start.Line, 36},
		{"declaration", hero.DeclRange.Start.Line, 32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.wantLine {
				t.Errorf("line %d, want %d", tt.got, tt.wantLine)
			}
		})
	}
	if got := hero.References[1].Range; got.Start.Column != 35 || got.End.Column != 47 {
		t.Errorf("image.mascot reference range %s, want columns 35-47", got)
	}
}

func TestForEachAndCount(t *testing.T) {
	tests := []struct {
		name   string
		config string
		want   map[string]string // address -> prompt
	}{
		{
			name: "for_each over a map",
			config: `image "a" {
  for_each = { x = "one", y = "two" }
  prompt   = "${each.key}=${each.value}"
  output   = "out/${each.key}.png"
}`,
			want: map[string]string{`image.a["x"]`: "x=one", `image.a["y"]`: "y=two"},
		},
		{
			name: "for_each over a set",
			config: `image "a" {
  for_each = toset(["red", "blue", "red"])
  prompt   = "${each.key}/${each.value}"
  output   = "out/${each.key}.png"
}`,
			want: map[string]string{`image.a["blue"]`: "blue/blue", `image.a["red"]`: "red/red"},
		},
		{
			name: "count",
			config: `variable "n" { default = 3 }
image "a" {
  count  = var.n
  prompt = "number ${count.index}"
  output = "out/${count.index}.png"
}`,
			want: map[string]string{"image.a[0]": "number 0", "image.a[1]": "number 1", "image.a[2]": "number 2"},
		},
		{
			name: "count zero",
			config: `image "a" {
  count  = 0
  output = "out/${count.index}.png"
}`,
			want: map[string]string{},
		},
		{
			name: "for_each instances referred to by key and as a whole",
			config: `image "a" {
  for_each = { x = 1, y = 2 }
  output   = "out/${each.key}.png"
}
image "b" {
  prompt = "${image.a["y"].output} ${join(",", [for o in values(image.a) : o.address])}"
  output = "b.png"
}`,
			want: map[string]string{`image.a["x"]`: "", `image.a["y"]`: "", "image.b": `out/y.png image.a["x"],image.a["y"]`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeProject(t, map[string]string{"main.easel.hcl": tt.config})
			ev := mustEvaluate(t, dir, Inputs{})
			got := map[string]string{}
			for _, img := range ev.Images {
				p := img.Attrs.GetAttr("prompt")
				got[img.Address] = ""
				if !p.IsNull() {
					got[img.Address] = p.AsString()
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("prompts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInstanceKeys(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `
image "a" {
  for_each = toset(["x"])
  output   = "out/${each.key}.png"
}
image "b" {
  count  = 1
  output = "b${count.index}.png"
}
image "c" { output = "c.png" }`})
	ev := mustEvaluate(t, dir, Inputs{})
	want := map[string]cty.Value{`image.a["x"]`: cty.StringVal("x"), "image.b[0]": cty.NumberIntVal(0), "image.c": cty.NilVal}
	for addr, key := range want {
		got := findImage(t, ev, addr).Key
		if key == cty.NilVal {
			if got != cty.NilVal {
				t.Errorf("%s: key %#v, want NilVal", addr, got)
			}
			continue
		}
		if !got.RawEquals(key) {
			t.Errorf("%s: key %#v, want %#v", addr, got, key)
		}
	}
}

func TestDependsOn(t *testing.T) {
	dir := writeProject(t, map[string]string{"main.easel.hcl": `
image "a" {
  for_each = toset(["x", "y"])
  output   = "a-${each.key}.png"
}
image "b" { output = "b.png" }
image "c" { output = "c.png" }
image "d" {
  depends_on = [image.a["x"], image.b]
  prompt     = image.c.output
  references = [image.a["y"]]
  output     = "d.png"
}`})
	ev := mustEvaluate(t, dir, Inputs{})
	d := findImage(t, ev, "image.d")
	if diff := cmp.Diff([]string{`image.a["x"]`, "image.b", "image.c"}, d.DependsOn); diff != "" {
		t.Errorf("DependsOn (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]RefSpec{{Kind: RefImage, Value: `image.a["y"]`}}, d.References, cmp.FilterPath(func(p cmp.Path) bool {
		return p.Last().String() == ".Range"
	}, cmp.Ignore())); diff != "" {
		t.Errorf("References (-want +got):\n%s", diff)
	}
}
