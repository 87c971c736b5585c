package schema

import (
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// stringValue turns the value of a meta attribute into a Go string. ok is
// false (with no diagnostic) when the value is unknown because of an
// earlier error.
func stringValue(val cty.Value, expr hcl.Expression, what, hint string) (string, bool, hcl.Diagnostics) {
	if !val.IsWhollyKnown() {
		return "", false, nil
	}
	val, _ = val.UnmarkDeep()
	bad := func(detail string) (string, bool, hcl.Diagnostics) {
		return "", false, hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  fmt.Sprintf("Invalid %s", what),
			Detail:   detail,
			Subject:  expr.Range().Ptr(),
		}}
	}
	if val.IsNull() {
		return bad(fmt.Sprintf("%s is null; it must be %s.", what, hint))
	}
	s, err := convert.Convert(val, cty.String)
	if err != nil {
		return bad(fmt.Sprintf("%s must be %s, not %s.", what, hint, typeDescription(val.Type())))
	}
	return s.AsString(), true, nil
}

func convertNumber(val cty.Value) (cty.Value, error) {
	return convert.Convert(val, cty.Number)
}

// projectPath validates a project-relative path written in the
// configuration and returns it cleaned, with forward slashes.
func (ev *evaluator) projectPath(p string) (string, error) {
	clean, err := cleanRelPath(p)
	if err != nil {
		return "", err
	}
	if err := ev.paths.check(filepath.Join(ev.c.Dir, filepath.FromSlash(clean))); err != nil {
		return "", err
	}
	return clean, nil
}

func pathDiag(summary string, err error, rng hcl.Range) *hcl.Diagnostic {
	return &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf("%s. Outputs and references must be relative paths inside the project directory, such as \"assets/hero.png\".", capitalize(err.Error())),
		Subject:  rng.Ptr(),
	}
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
