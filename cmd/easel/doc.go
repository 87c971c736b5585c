// Command easel is the command-line interface: it parses arguments
// (Terraform-style single-dash long flags included), wires the engine to the
// plugin host, renders diagnostics, plans, progress and summaries, and maps
// outcomes to exit codes. It is the only place that knows about cobra, the
// terminal and signals.
//
// Plans are rendered for people (text with word diffs, a pull-request
// comment in Markdown, an HTML report) and for programs (JSON lines and
// documents, described in docs/json-format.md with their version). Budgets
// (-max-cost, easel { budget }) and -lockfile=readonly are checked here,
// once the plan is shown. The CI recipes of examples/ci are embedded from
// ci/ for easel init -ci.
//
// Built-in providers are served by this same binary, re-executed as
// "easel __provider NAME"; they are listed in builtinProviders.
//
// Nothing imports this package.
package main
