// Package fsx holds the small filesystem helpers the engine and the lockfile
// share: atomic writes (temp file in the target's directory, fsync, rename),
// cleanup of temp files a crash left behind, an advisory run lock, confinement
// of user-supplied paths to the project directory, and streaming file hashes.
//
// It knows nothing of HCL, images, providers or the lockfile format; it only
// moves bytes and checks paths. Its API is internal to easel and may change.
package fsx
