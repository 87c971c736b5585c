package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/easelhq/easel/engine"
)

// jsonDocTypes are the Go types behind each example of
// docs/json-format.md; extra names the sections whose descriptions also
// cover an example (a plan document holds planned changes).
var jsonDocTypes = map[string]struct {
	typ   reflect.Type
	extra []string
}{
	"diagnostic":        {reflect.TypeFor[jsonDiag](), nil},
	"planned_change":    {reflect.TypeFor[jsonPlannedChange](), nil},
	"plan_summary":      {reflect.TypeFor[jsonPlanSummary](), nil},
	"budget":            {reflect.TypeFor[jsonBudget](), nil},
	"apply_progress":    {reflect.TypeFor[jsonProgress](), nil},
	"apply_result":      {reflect.TypeFor[jsonResult](), nil},
	"interrupt":         {reflect.TypeFor[jsonInterrupt](), nil},
	"apply_summary":     {reflect.TypeFor[jsonApplySummary](), nil},
	"plan_document":     {reflect.TypeFor[jsonPlanDocument](), []string{"planned_change", "plan_summary"}},
	"lockfile_document": {reflect.TypeFor[jsonLockDocument](), nil},
	"list_document":     {reflect.TypeFor[jsonList](), nil},
}

// TestJSONFormatDocumented checks docs/json-format.md against the code:
// each example parses, every field easel writes is described (in the
// example or the section's table), every documented key exists, and every
// line type has an example.
func TestJSONFormatDocumented(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "docs", "json-format.md"))
	if err != nil {
		t.Fatal(err)
	}
	sections := docSections(string(src))
	for name, dt := range jsonDocTypes {
		t.Run(name, func(t *testing.T) {
			sec, ok := sections[name]
			if !ok {
				t.Fatalf("docs/json-format.md has no example marked <!-- json: %s -->", name)
			}
			var example any
			if err := json.Unmarshal([]byte(sec.example), &example); err != nil {
				t.Fatalf("the example does not parse: %v", err)
			}
			documented := map[string]bool{}
			for _, s := range append([]string{name}, dt.extra...) {
				collectKeys(mustParse(t, sections[s].example), documented)
				for _, k := range sections[s].tableKeys {
					documented[k] = true
				}
			}
			emitted := map[string]bool{}
			jsonKeys(dt.typ, emitted)
			var undocumented, unknown []string
			for k := range emitted {
				if !documented[k] {
					undocumented = append(undocumented, k)
				}
			}
			exampleKeys := map[string]bool{}
			collectKeys(example, exampleKeys)
			for k := range exampleKeys {
				if !emitted[k] && !isAction(k) {
					unknown = append(unknown, k)
				}
			}
			sort.Strings(undocumented)
			sort.Strings(unknown)
			if len(undocumented) > 0 {
				t.Errorf("fields written but not documented in docs/json-format.md: %v", undocumented)
			}
			if len(unknown) > 0 {
				t.Errorf("the example has fields easel does not write: %v", unknown)
			}
		})
	}
}

type docSection struct {
	example   string
	tableKeys []string
}

var (
	docMarker = regexp.MustCompile("(?s)<!-- json: ([a-z_]+) -->\n```json\n(.*?)```\n(.*?)(?:\n#|$)")
	tableKey  = regexp.MustCompile("(?m)^\\| ([^|]+) \\|")
	backtick  = regexp.MustCompile("`([a-z_.]+)`")
)

// docSections finds each marked example and the field names in the first
// column of the tables that follow it, up to the next heading.
func docSections(src string) map[string]docSection {
	out := map[string]docSection{}
	for _, m := range docMarker.FindAllStringSubmatch(src, -1) {
		sec := docSection{example: m[2]}
		for _, row := range tableKey.FindAllStringSubmatch(m[3], -1) {
			for _, k := range backtick.FindAllStringSubmatch(row[1], -1) {
				for _, part := range strings.Split(k[1], ".") {
					sec.tableKeys = append(sec.tableKeys, part)
				}
			}
		}
		out[m[1]] = sec
	}
	return out
}

func mustParse(t *testing.T, s string) any {
	t.Helper()
	if s == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("an example does not parse: %v", err)
	}
	return v
}

// collectKeys adds every object key in v, at any depth, to keys. The
// values of maps keyed by data (counts by action) are not fields; their
// keys are added too, which is harmless.
func collectKeys(v any, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			keys[k] = true
			collectKeys(e, keys)
		}
	case []any:
		for _, e := range v {
			collectKeys(e, keys)
		}
	}
}

// jsonKeys adds the JSON field names of t and of the structs it holds.
func jsonKeys(t reflect.Type, keys map[string]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Map {
		if t.Kind() == reflect.Map {
			return // keyed by data: counts by action
		}
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && name == "" {
			jsonKeys(f.Type, keys)
			continue
		}
		if name == "" {
			name = f.Name
		}
		keys[name] = true
		jsonKeys(f.Type, keys)
	}
}

// isAction reports whether a key is an action name: the keys of the counts
// by action, which are data rather than fields.
func isAction(k string) bool {
	for _, a := range append(actionOrder, engine.Drift) {
		if string(a) == k {
			return true
		}
	}
	return false
}
