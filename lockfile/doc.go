// Package lockfile owns easel.lock.hcl: the record of what every image was
// generated from (provider, model, spec hash, inputs, references) and what it
// produced (output path, SHA-256, size, dimensions, cost, provider metadata).
//
// The format is HCL written with hclwrite and read with hclsyntax. Writing is
// deterministic (providers sorted by name, images by address, keys sorted,
// numbers normalised), so loading and saving an unchanged file gives the same
// bytes, and the layout (one attribute per line, one blank line between
// blocks, no totals) lets two branches that touch different images merge
// cleanly. A damaged file is reported as hcl.Diagnostics with source ranges,
// and Parse returns no File then, so a caller cannot overwrite what it could
// not read. Saving is atomic (internal/fsx).
//
// This package knows nothing of the engine, the configuration language,
// providers' schemas or plugin processes: it stores values it is given. It
// never holds secrets or image bytes: values marked by cty (the engine marks
// sensitive values) are refused by Validate and Save. Its API is internal to
// easel and may change; the file format is versioned by Version.
package lockfile
