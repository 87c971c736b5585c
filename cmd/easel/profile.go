package main

import (
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"runtime/trace"

	"github.com/easelhq/easel/plugins/host"
)

// Opt-in profiling, for benchmarks (bench/apply): EASEL_CPUPROFILE names a
// file for a CPU profile and EASEL_TRACE one for an execution trace of the
// whole run. A built-in provider process, which inherits the environment,
// writes beside them with its name appended (cpu.prof.openai), so one run
// profiles both sides of the plugin boundary.
const (
	cpuProfileEnv = "EASEL_CPUPROFILE"
	traceEnv      = "EASEL_TRACE"
)

// startProfiles starts what the environment asks for and returns the
// function that stops it and flushes the files. Failures are warnings on
// stderr: profiling never changes what easel does.
func startProfiles(args, env []string, stderr io.Writer) (stop func()) {
	suffix := ""
	if len(args) == 2 && args[0] == host.BuiltinArg {
		suffix = "." + args[1]
	}
	var stops []func()
	if path, _ := lookupEnv(env, cpuProfileEnv); path != "" {
		stops = appendStop(stops, stderr, path+suffix, pprof.StartCPUProfile, pprof.StopCPUProfile)
	}
	if path, _ := lookupEnv(env, traceEnv); path != "" {
		stops = appendStop(stops, stderr, path+suffix, trace.Start, trace.Stop)
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}

// appendStop creates path, starts a profile into it and adds its stop.
func appendStop(stops []func(), stderr io.Writer, path string, start func(io.Writer) error, stop func()) []func() {
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(stderr, "easel: warning: profiling: %v\n", err)
		return stops
	}
	if err := start(f); err != nil {
		fmt.Fprintf(stderr, "easel: warning: profiling into %s: %v\n", path, err)
		f.Close()
		return stops
	}
	return append(stops, func() {
		stop()
		if err := f.Close(); err != nil {
			fmt.Fprintf(stderr, "easel: warning: profiling: %v\n", err)
		}
	})
}
