package schema

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// MaxCandidates bounds the candidates meta attribute: each candidate is a
// paid generation, so a typo must not order a hundred.
const MaxCandidates = 16

// evalCandidates evaluates the candidates meta attribute of an instance: a
// whole number from 1 to MaxCandidates. It may use variables, locals and
// each or count, but no image: the number of candidates decides what is
// generated, before any image exists.
func (ev *evaluator) evalCandidates(inst *instance, sc scope) (int, hcl.Diagnostics) {
	expr := inst.img.Candidates
	sc.what = attrCandidates
	sc.images = false
	val, diags := ev.evalExpr(expr, sc)
	if diags.HasErrors() || !val.IsKnown() {
		return 0, diags
	}
	val, _ = val.Unmark()
	if val.IsNull() {
		return 0, diags
	}
	n, msg := candidatesValue(val)
	if msg != "" {
		return 0, append(diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Invalid candidates argument",
			Detail:   msg,
			Subject:  expr.Range().Ptr(),
		})
	}
	return n, diags
}

func candidatesValue(val cty.Value) (int, string) {
	num, err := convertNumber(val)
	if err != nil {
		return 0, fmt.Sprintf("candidates must be a whole number: %s.", err)
	}
	bf := num.AsBigFloat()
	n, _ := bf.Int64()
	if !bf.IsInt() || n < 1 || n > MaxCandidates {
		return 0, fmt.Sprintf("candidates is how many images to generate to choose from (each one is paid for): a whole number from 1 to %d, not %s.",
			MaxCandidates, bf.Text('f', -1))
	}
	return int(n), ""
}
