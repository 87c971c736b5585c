package schema

import (
	"fmt"
	"os"
	"strings"

	"github.com/easelhq/easel/internal/marks"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// EnvVarPrefix prefixes the environment variables that set variables.
const EnvVarPrefix = "EASEL_VAR_"

// varValue is a variable value and where it came from.
type varValue struct {
	val cty.Value
	// rng is the source of the value: a default, a -var-file attribute,
	// or a synthetic file for -var and environment values.
	rng hcl.Range
	// from describes the source for messages ("-var", "EASEL_VAR_x").
	from string
}

// evalVariables sets ev.vars from defaults, environment, -var-file and
// -var (in increasing precedence), converts, marks and validates them.
func (ev *evaluator) evalVariables() hcl.Diagnostics {
	vals := map[string]varValue{}
	for name, v := range ev.c.Variables {
		if !v.Required() {
			vals[name] = varValue{val: v.Default, rng: v.defaultRange, from: "its default"}
		}
	}
	diags := ev.envVars(vals)
	for _, path := range ev.in.VarFiles {
		diags = append(diags, ev.varFile(path, vals)...)
	}
	for _, arg := range ev.in.Vars {
		diags = append(diags, ev.cliVar(arg, vals)...)
	}
	for _, name := range ev.varNames {
		diags = append(diags, ev.finishVariable(ev.c.Variables[name], vals)...)
	}
	for _, name := range ev.varNames {
		diags = append(diags, ev.validateVariable(ev.c.Variables[name], vals[name])...)
	}
	return diags
}

func (ev *evaluator) envVars(vals map[string]varValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	for _, kv := range ev.in.Env {
		key, raw, ok := strings.Cut(kv, "=")
		name, isVar := strings.CutPrefix(key, EnvVarPrefix)
		if !ok || !isVar {
			continue
		}
		v, declared := ev.c.Variables[name]
		if !declared {
			continue // like Terraform: the environment may hold variables of other projects
		}
		val, rng, vDiags := ev.parseRaw(v, raw, fmt.Sprintf("<value for %s>", key))
		diags = append(diags, vDiags...)
		vals[name] = varValue{val: val, rng: rng, from: "the environment variable " + key}
	}
	return diags
}

func (ev *evaluator) cliVar(arg string, vals map[string]varValue) hcl.Diagnostics {
	name, raw, ok := strings.Cut(arg, "=")
	if !ok || name == "" {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid -var option",
			Detail:   fmt.Sprintf("The option -var %q is not of the form name=value. Write for example -var 'campaign=winter'.", arg),
		}}
	}
	v, declared := ev.c.Variables[name]
	if !declared {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Value for undeclared variable",
			Detail: fmt.Sprintf("A -var option sets %q, but no variable %q is declared.%s",
				name, name, didYouMean(name, ev.varNames, "%q")),
		}}
	}
	val, rng, diags := ev.parseRaw(v, raw, fmt.Sprintf("<value for var.%s>", name))
	vals[name] = varValue{val: val, rng: rng, from: "the -var option"}
	return diags
}

// parseRaw turns a -var or environment value into a cty value: taken
// literally for string and unconstrained variables, else parsed as an HCL
// expression. The value is registered as a synthetic file for snippets.
func (ev *evaluator) parseRaw(v *Variable, raw, filename string) (cty.Value, hcl.Range, hcl.Diagnostics) {
	src := []byte(raw)
	if !v.Sensitive {
		ev.files[filename] = &hcl.File{Bytes: src} // no snippet of a secret
	}
	rng := hcl.Range{
		Filename: filename,
		Start:    hcl.InitialPos,
		End:      hcl.Pos{Line: 1, Column: len(raw) + 1, Byte: len(raw)},
	}
	if v.rawInput {
		return cty.StringVal(raw), rng, nil
	}
	expr, diags := hclsyntax.ParseExpression(src, filename, hcl.InitialPos)
	if !diags.HasErrors() {
		var val cty.Value
		val, diags = expr.Value(nil)
		if !diags.HasErrors() {
			return val, rng, diags
		}
	}
	given := fmt.Sprintf("The value %q given", raw)
	if v.Sensitive {
		given = "The value given"
	}
	return cty.DynamicVal, rng, hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Invalid value for variable",
		Detail: fmt.Sprintf("%s for var.%s is not a valid expression of type %s: %s. Write it in HCL syntax, such as 42, true, [\"a\", \"b\"] or { key = \"value\" }; quote strings.",
			given, v.Name, typeexpr.TypeString(v.Type), strings.TrimSuffix(diags[0].Detail, ".")),
		Subject: rng.Ptr(),
	}}
}

func (ev *evaluator) varFile(path string, vals map[string]varValue) hcl.Diagnostics {
	src, err := os.ReadFile(path)
	if err != nil {
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Cannot read variables file",
			Detail:   fmt.Sprintf("Reading the -var-file %s: %s.", path, err),
		}}
	}
	f, diags := hclparse.NewParser().ParseHCL(src, path)
	if f == nil {
		return diags
	}
	ev.files[path] = f
	attrs, aDiags := f.Body.JustAttributes()
	diags = append(diags, aDiags...)
	for _, attr := range sortedAttrs(attrs) {
		if _, declared := ev.c.Variables[attr.Name]; !declared {
			diags = append(diags, &hcl.Diagnostic{
				Severity: hcl.DiagWarning,
				Summary:  "Value for undeclared variable",
				Detail: fmt.Sprintf("The variables file sets %q, but no variable %q is declared; the value is ignored.%s",
					attr.Name, attr.Name, didYouMean(attr.Name, ev.varNames, "%q")),
				Subject: attr.NameRange.Ptr(),
			})
			continue
		}
		val, vDiags := attr.Expr.Value(nil)
		diags = append(diags, vDiags...)
		if vDiags.HasErrors() {
			val = cty.DynamicVal
		}
		vals[attr.Name] = varValue{val: val, rng: attr.Expr.Range(), from: "the variables file " + path}
	}
	return diags
}

// finishVariable converts and marks the final value of v, or reports it
// missing.
func (ev *evaluator) finishVariable(v *Variable, vals map[string]varValue) hcl.Diagnostics {
	vv, ok := vals[v.Name]
	if !ok {
		ev.vars[v.Name] = cty.DynamicVal
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "No value for required variable",
			Detail: fmt.Sprintf("The variable %q has no default, so it must be set: with -var '%s=...', with a -var-file, or with the environment variable %s%s.",
				v.Name, v.Name, EnvVarPrefix, v.Name),
			Subject: v.DeclRange.Ptr(),
		}}
	}
	if !vv.val.IsKnown() {
		ev.vars[v.Name] = cty.DynamicVal // its value was invalid: already reported
		return nil
	}
	val, err := v.convert(vv.val)
	if err != nil {
		ev.vars[v.Name] = cty.DynamicVal
		return hcl.Diagnostics{{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("The value from %s is not compatible with the type %s of variable %q: %s.",
				vv.from, typeexpr.TypeString(v.Type), v.Name, errorText(err)),
			Subject: v.valueSubject(vv),
		}}
	}
	if v.Sensitive {
		val = val.Mark(SensitiveMark)
	}
	ev.vars[v.Name] = val
	return nil
}

func (ev *evaluator) validateVariable(v *Variable, vv varValue) hcl.Diagnostics {
	var diags hcl.Diagnostics
	if !ev.vars[v.Name].IsWhollyKnown() {
		return nil // already reported
	}
	sc := scope{what: "A variable validation"}
	for _, rule := range v.Validations {
		ok, cDiags := ev.evalCondition(rule.Condition, sc)
		diags = append(diags, cDiags...)
		if ok || cDiags.HasErrors() {
			continue
		}
		diags = append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid value for variable",
			Detail: fmt.Sprintf("%s\n\nThe value of var.%s comes from %s; this was checked by the validation rule at %s.",
				ev.errorMessage(rule.ErrorMessage, sc), v.Name, vv.from, rule.DeclRange),
			Subject: v.valueSubject(vv),
		})
	}
	return diags
}

// evalCondition evaluates a validation condition; true when it holds or
// cannot be decided.
func (ev *evaluator) evalCondition(expr hcl.Expression, sc scope) (bool, hcl.Diagnostics) {
	val, diags := ev.evalExpr(expr, sc)
	if diags.HasErrors() || !val.IsWhollyKnown() {
		return true, diags
	}
	val = marks.Strip(val)
	if val.IsNull() || val.Type() != cty.Bool {
		return true, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid validation condition",
			Detail:   "The condition must be a boolean expression, true when the value is valid.",
			Subject:  expr.Range().Ptr(),
		})
	}
	return val.True(), diags
}

// errorMessage evaluates a validation's error_message. A message derived
// from a sensitive value is not shown.
func (ev *evaluator) errorMessage(expr hcl.Expression, sc scope) string {
	val, diags := ev.evalExpr(expr, sc)
	if diags.HasErrors() || !val.IsKnown() || val.IsNull() || val.Type() != cty.String {
		return "The value is invalid."
	}
	if val.IsMarked() {
		return "The value is invalid (the error message is derived from a sensitive value and is not shown)."
	}
	return val.AsString()
}

// valueSubject is where a diagnostic about a variable's value points: at
// the value, or for a sensitive variable at its declaration, so that no
// snippet shows the secret.
func (v *Variable) valueSubject(vv varValue) *hcl.Range {
	if v.Sensitive {
		return v.DeclRange.Ptr()
	}
	return vv.rng.Ptr()
}
