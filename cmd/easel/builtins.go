package main

import (
	"fmt"
	"sort"

	"github.com/easelhq/easel/plugins/bfl"
	"github.com/easelhq/easel/plugins/gemini"
	"github.com/easelhq/easel/plugins/oakgen"
	"github.com/easelhq/easel/plugins/openai"
	"github.com/easelhq/easel/plugins/placeholder"
	pb "github.com/easelhq/easel/plugins/proto"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/easelhq/easel/plugins/stability"
	"github.com/easelhq/easel/plugins/transform"
)

// builtinProviders lists every provider built into the easel binary. It is
// the one place a built-in provider is registered.
func builtinProviders() map[string]func() sdk.Provider {
	return map[string]func() sdk.Provider{
		"bfl":         bfl.New,
		"gemini":      gemini.New,
		"oakgen":      oakgen.New,
		"openai":      openai.New,
		"placeholder": placeholder.New,
		"stability":   stability.New,
		"transform":   transform.New,
	}
}

// builtinNames returns the built-in provider names, sorted.
func builtinNames() []string {
	var names []string
	for name := range builtinProviders() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// builtinSchema is the schema the named built-in's process serves, read
// without starting it.
func builtinSchema(name string) (*pb.Schema, error) {
	factory, ok := builtinProviders()[name]
	if !ok {
		return nil, fmt.Errorf("%q is not a built-in provider", name)
	}
	return sdk.WireSchema(factory())
}

func isBuiltin(name string) bool {
	_, ok := builtinProviders()[name]
	return ok
}
