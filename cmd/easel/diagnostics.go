package main

import (
	"encoding/json"
	"io"
	"maps"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/easelhq/easel/engine"
	"github.com/hashicorp/hcl/v2"
)

// printDiags renders diagnostics on stderr with source snippets, line
// numbers and the offending expression underlined; colour only on a
// terminal without NO_COLOR.
func (a *app) printDiags(diags hcl.Diagnostics, files map[string]*hcl.File) {
	if len(diags) == 0 {
		return
	}
	diags = sortedDiags(a.relativeNames(diags))
	w := hcl.NewDiagnosticTextWriter(a.stderr, a.withSources(diags, files), uint(width(a.stderr)), a.colour(a.stderr))
	_ = w.WriteDiagnostics(diags)
}

// relativeNames shows files inside the project (the lockfile, a -var-file
// given as an absolute path) by their path relative to it.
func (a *app) relativeNames(diags hcl.Diagnostics) hcl.Diagnostics {
	dir, err := filepath.Abs(a.dir())
	if err != nil {
		return diags
	}
	out := make(hcl.Diagnostics, len(diags))
	for i, d := range diags {
		out[i] = d
		if d.Subject == nil || !filepath.IsAbs(d.Subject.Filename) {
			continue
		}
		rel, err := filepath.Rel(dir, d.Subject.Filename)
		if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			continue
		}
		c := *d
		c.Subject = withFilename(d.Subject, rel)
		c.Context = withFilename(d.Context, rel)
		out[i] = &c
	}
	return out
}

func withFilename(r *hcl.Range, name string) *hcl.Range {
	if r == nil {
		return nil
	}
	c := *r
	c.Filename = name
	return &c
}

// sortedDiags orders diagnostics by file and position, keeping those
// without a location first, in their original order.
func sortedDiags(diags hcl.Diagnostics) hcl.Diagnostics {
	out := append(hcl.Diagnostics(nil), diags...)
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := out[i].Subject, out[j].Subject
		switch {
		case si == nil || sj == nil:
			return si == nil && sj != nil
		case si.Filename != sj.Filename:
			return si.Filename < sj.Filename
		}
		return si.Start.Byte < sj.Start.Byte
	})
	return out
}

// withSources adds the source of every file a diagnostic points into that
// is not in files yet (the lockfile, a -var-file), read from disk.
func (a *app) withSources(diags hcl.Diagnostics, files map[string]*hcl.File) map[string]*hcl.File {
	out := maps.Clone(files)
	if out == nil {
		out = map[string]*hcl.File{}
	}
	for _, d := range diags {
		if d.Subject == nil || out[d.Subject.Filename] != nil {
			continue
		}
		path := d.Subject.Filename
		if !filepath.IsAbs(path) {
			path = filepath.Join(a.dir(), path)
		}
		if src, err := os.ReadFile(path); err == nil {
			out[d.Subject.Filename] = &hcl.File{Bytes: src}
		}
	}
	return out
}

// projectFiles returns the sources a project's diagnostics may point into.
func projectFiles(p *engine.Project) map[string]*hcl.File {
	if p == nil {
		return nil
	}
	return p.Files()
}

// jsonFormatVersion is the version of every machine-readable output
// (plan -json, apply -json, show -json, providers schema -json).
const jsonFormatVersion = "1.0"

type jsonDiag struct {
	Type          string     `json:"type"`
	FormatVersion string     `json:"format_version"`
	Severity      string     `json:"severity"`
	Summary       string     `json:"summary"`
	Detail        string     `json:"detail,omitempty"`
	Range         *jsonRange `json:"range,omitempty"`
}

type jsonRange struct {
	Filename string  `json:"filename"`
	Start    jsonPos `json:"start"`
	End      jsonPos `json:"end"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Byte   int `json:"byte"`
}

// writeJSONDiags writes one {"type":"diagnostic"} line per diagnostic.
func writeJSONDiags(w io.Writer, diags hcl.Diagnostics) {
	enc := json.NewEncoder(w)
	for _, d := range sortedDiags(diags) {
		jd := jsonDiag{Type: "diagnostic", FormatVersion: jsonFormatVersion,
			Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			jd.Severity = "warning"
		}
		if s := d.Subject; s != nil {
			jd.Range = &jsonRange{Filename: s.Filename,
				Start: jsonPos{s.Start.Line, s.Start.Column, s.Start.Byte},
				End:   jsonPos{s.End.Line, s.End.Column, s.End.Byte}}
		}
		_ = enc.Encode(jd)
	}
}
