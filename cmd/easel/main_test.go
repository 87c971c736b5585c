package main

import (
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/easelhq/easel/plugins/sdk"
	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expectations of cmp commands in testdata/script")

// TestMain installs the test binary on PATH as "easel" (and as a
// third-party provider binary, easel-provider-solid), so that scripts and
// tests run the real CLI in real subprocesses, and built-in providers run
// as "easel __provider NAME" re-executions of it.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"easel":                 func() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ())) },
		"easel-provider-solid":  func() { sdk.Serve(solidProvider{}) },
		"easel-provider-priced": func() { sdk.Serve(pricedProvider{}) },
	})
}

func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata/script",
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *update,
		Setup: func(env *testscript.Env) error {
			env.Setenv("NO_COLOR", "1")
			// The race detector sleeps a second at every process exit;
			// scripts start hundreds of processes.
			env.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
			return nil
		},
		Cmds: scriptCommands(),
	})
}
