// Package engine turns an evaluated configuration into a plan and applies it:
// the image graph, spec hashing, the stat cache, planning (offline) and the
// parallel apply walk that writes outputs atomically and persists each result
// in the lockfile at once.
//
// The engine sees providers only through plugins.Provider and starts them
// through a ProviderSource given by the caller. It never imports cobra,
// go-plugin, gRPC, plugins/host or anything about the terminal. Its API is
// internal to easel.
package engine
