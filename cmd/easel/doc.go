// Command easel is the command-line interface: it parses arguments
// (Terraform-style single-dash long flags included), wires the engine to the
// plugin host, renders diagnostics, plans, progress and summaries, and maps
// outcomes to exit codes. It is the only place that knows about cobra, the
// terminal and signals.
//
// Built-in providers are served by this same binary, re-executed as
// "easel __provider NAME"; they are listed in builtinProviders.
//
// Nothing imports this package.
package main
