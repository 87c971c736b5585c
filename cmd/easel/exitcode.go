package main

import (
	"errors"
	"fmt"
	"io"
)

// Exit codes: the one table, also shown in the root command's help.
const (
	exitOK          = 0   // success; with -detailed-exitcode: no changes
	exitError       = 1   // an error, a config problem or a failed image
	exitChanges     = 2   // plan -detailed-exitcode: changes are present
	exitInterrupted = 130 // interrupted (Ctrl-C)
)

const exitCodeHelp = `Exit status:
  0    success; with plan -detailed-exitcode: no changes
  1    error: invalid configuration, failed image, refused or stale plan
  2    plan -detailed-exitcode: the plan has changes
  130  interrupted (Ctrl-C)`

// errReported means the problem was already shown to the user (as
// diagnostics or a summary): exit 1 without printing anything more.
var errReported = errors.New("reported")

// errChanges ends plan -detailed-exitcode with changes present.
var errChanges = errors.New("changes present")

// errInterrupted ends a run that was stopped by Ctrl-C.
var errInterrupted = errors.New("interrupted")

// exitCode maps the error a command returned to the process exit code,
// printing errors that were not reported yet.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errChanges):
		return exitChanges
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.Is(err, errReported):
		return exitError
	}
	fmt.Fprintf(stderr, "Error: %s\n", err)
	return exitError
}
