// Package engine turns an evaluated configuration into a plan and applies it:
// the image graph, spec hashing, the stat cache, planning (offline) and the
// parallel apply walk that writes outputs atomically and persists each result
// in the lockfile at once.
//
// It also owns the output cache (.easel/cache): every output by its sha256,
// and a spec index by spec hash, so that a missing output, a moved one, a
// reverted prompt or a deleted and re-added image comes back without a
// provider call. Candidates (one image generated several times), Adopt (a
// hand-edited output accepted as the locked one), Pick (another candidate
// made the output) and the cache's upkeep (Cache: usage and prune) build
// on it.
//
// The engine sees providers only through plugins.Provider and starts them
// through a ProviderSource given by the caller. It never imports cobra,
// go-plugin, gRPC, plugins/host or anything about the terminal. Its API is
// internal to easel.
package engine
