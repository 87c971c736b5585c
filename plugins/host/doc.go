// Package host runs provider plugins and implements plugins.Provider over
// the plugin protocol (plugins/proto on hashicorp/go-plugin gRPC). It owns
// finding a provider (built into the easel binary, a third-party
// easel-provider-NAME in .easel/plugins or on PATH, a developer override, or
// a debugger-run process to reattach to), verifying third-party checksums
// before anything runs, the process lifecycle, and the proto <-> plugins
// conversions.
//
// It must not know pipelines, graphs, lockfiles, HCL or how anything is
// shown to the user: the caller passes pins in and decides what to render.
// Its API is internal to easel and may change.
package host
