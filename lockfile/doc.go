// Package lockfile owns easel.lock.hcl: the record of what every image was
// generated from (provider, model, spec hash, inputs, references) and what it
// produced (output path, SHA-256, size, dimensions, cost, provider metadata,
// and the SHA-256 of every candidate when it was generated several times).
//
// The format is HCL. Writing is deterministic (providers sorted by name,
// images by address, keys sorted, numbers normalised, strings in Unicode
// NFC) and byte-for-byte what hclwrite.Format gives, so loading and saving
// an unchanged file gives the same bytes, and the layout (one attribute per
// line, one blank line between blocks, no totals) lets two branches that
// touch different images merge cleanly. Files in exactly that form are read
// by a fast line reader; anything else (hand edits, merges) by hclsyntax.
// A damaged file is reported as hcl.Diagnostics with source ranges, and
// Parse returns no File then, so a caller cannot overwrite what it could
// not read. Saving is atomic (internal/fsx).
//
// This package knows nothing of the engine, the configuration language,
// providers' schemas or plugin processes: it stores values it is given. It
// never holds secrets or image bytes: values marked by cty (the engine marks
// sensitive values) are never written, and Validate and Save refuse them.
// Its API is internal to easel and may change; the file format is versioned
// by Version.
package lockfile
