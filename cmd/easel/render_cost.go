package main

import (
	"fmt"
	"sort"

	"github.com/easelhq/easel/engine"
)

// costGroup totals the estimates of the images one provider and model
// would generate.
type costGroup struct {
	Name    string  // "openai/gpt-image-2", or the provider alone
	Images  int     // images that generate
	Unknown int     // of which the price is unknown
	USD     float64 // sum of the known estimates
}

// planCost is a plan's estimated cost, in total and by provider and model.
type planCost struct {
	costGroup
	Groups []costGroup // sorted by name
}

// modelName is "provider/model", or the provider when it has no model.
func modelName(provider, model string) string {
	if model == "" {
		return provider
	}
	return provider + "/" + model
}

// costOf totals the estimates of a plan's changes that generate.
func costOf(plan *engine.Plan) planCost {
	byName := map[string]*costGroup{}
	var pc planCost
	for _, c := range plan.Changes {
		if !c.Action.Generates() {
			continue
		}
		name := modelName(c.Provider, c.Model)
		g := byName[name]
		if g == nil {
			g = &costGroup{Name: name}
			byName[name] = g
		}
		for _, t := range []*costGroup{g, &pc.costGroup} {
			t.Images++
			if c.Estimate.USD == nil {
				t.Unknown++
			} else {
				t.USD += *c.Estimate.USD
			}
		}
	}
	for _, g := range byName {
		pc.Groups = append(pc.Groups, *g)
	}
	sort.Slice(pc.Groups, func(i, j int) bool { return pc.Groups[i].Name < pc.Groups[j].Name })
	return pc
}

// known is the known part of the cost, nil when every price is unknown.
func (g costGroup) known() *float64 {
	if g.Images > 0 && g.Unknown == g.Images {
		return nil
	}
	usd := g.USD
	return &usd
}

// String is the cost as a reader should see it: "$0.084", "unknown", or
// "$0.04 + 1 unknown" when only some prices are known.
func (g costGroup) String() string {
	s := formatUSD(g.known())
	if g.Unknown > 0 && g.Unknown < g.Images {
		s += fmt.Sprintf(" + %d unknown", g.Unknown)
	}
	return s
}
