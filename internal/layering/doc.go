// Package layering holds no code, only the test that enforces the import
// rules of DESIGN.md section 3: the engine, the language and the lockfile
// never see cobra, go-plugin, gRPC or the plugin host; nothing imports the
// command; the SDK imports nothing of the engine side; the fake APIs import
// nothing of easel.
package layering
