// Package schema owns the easel language: it loads the *.easel.hcl files of a
// project directory into a config model (Load), and evaluates that model
// (Config.Evaluate) into provider and image instances: variables from their
// defaults, EASEL_VAR_* environment, -var-file files and -var arguments;
// locals; the function table (go-cty's standard library plus file,
// templatefile and filesha256, confined to the project); for_each and count
// expansion; and image bodies decoded against each provider's declared
// schema. Every problem a user can fix is an hcl.Diagnostic with a source
// range, with "did you mean" suggestions where a name was mistyped.
//
// schema knows nothing of the terminal, cobra, gRPC, go-plugin, plugin
// processes, the engine or the lockfile: it sees providers only as the
// plugins.Schema they declare. Reference cycles between images are the
// engine's concern.
//
// The API is internal to easel and may change.
package schema
