package sdk

import (
	"slices"
	"strings"
)

// nativeOnly are the output formats easel cannot convert an image to: a
// GIF or SVG output must come as such from a model that makes it.
var nativeOnly = []string{"gif", "svg"}

// madeFormats lists which of nativeOnly some model of p makes.
func madeFormats(p Provider) []string {
	var made []string
	for _, m := range p.Schema().Models {
		for _, f := range m.Formats {
			if slices.Contains(nativeOnly, f) && !slices.Contains(made, f) {
				made = append(made, f)
			}
		}
	}
	return made
}

// unmadeFormat refuses an image whose output is GIF or SVG when none of
// the provider's models lists that format, before the provider sees it:
// a provider written before easel wrote those formats is never asked for
// one. A provider whose models make them checks each model itself.
func (s *server) unmadeFormat(r *Request) Diagnostics {
	if !slices.Contains(nativeOnly, r.Format) || slices.Contains(s.made(), r.Format) {
		return nil
	}
	f := strings.ToUpper(r.Format)
	return Diagnostics{Errorf("output", "Unsupported output format",
		"The output %s is a %s file, and no model of this provider makes %s images; easel cannot convert to %s. End the output path in .png, .jpg or .webp.",
		r.OutputPath, f, f, f)}
}
