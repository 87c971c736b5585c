package main

import (
	"fmt"

	"github.com/easelhq/easel/engine"
)

// The values of -lockfile.
const (
	lockfileUpdate   = "update"
	lockfileReadonly = "readonly"
)

// checkFlags rejects -max-cost and -lockfile values that make no sense.
func (f *planFlags) checkFlags() error {
	if f.maxCost < 0 {
		return fmt.Errorf("-max-cost must be a number of US dollars greater than zero, such as -max-cost=5, not %v", f.maxCost)
	}
	if f.lockfile != lockfileUpdate && f.lockfile != lockfileReadonly && f.lockfile != "" {
		return fmt.Errorf("-lockfile must be %q or %q, not %q", lockfileUpdate, lockfileReadonly, f.lockfile)
	}
	return nil
}

// checkPlan holds a plan against -lockfile=readonly and the budget (saved
// is the -max-cost a saved plan was made with). It is called once the plan
// is shown, so the user sees what was refused.
func (a *app) checkPlan(s *session, plan *engine.Plan, f *planFlags, saved float64) error {
	if f.lockfile == lockfileReadonly {
		if err := lockfileUnchanged(plan); err != nil {
			return err
		}
	}
	return a.checkBudget(plan, budgetFor(f.maxCost, saved, s.p.Config), f.json)
}

// lockfileUnchanged fails when applying the plan would change the
// lockfile: anything but restoring outputs from the cache.
func lockfileUnchanged(plan *engine.Plan) error {
	var what []string
	for _, c := range plan.Changes {
		switch c.Action {
		case engine.Create, engine.Regenerate, engine.Move, engine.Delete:
			what = append(what, c.Address+" would be "+pastTense(c.Action))
		}
	}
	if len(what) == 0 {
		return nil
	}
	return fmt.Errorf("easel.lock.hcl would change (-lockfile=readonly): %s. Run easel apply where it may write the lockfile, and commit easel.lock.hcl.",
		joinAnd(what, 3))
}
