// Package transform is easel's built-in provider for derived images: it
// reads one source image (source = image.NAME or a project file, which the
// engine hands over as the request's first reference) and crops, resizes,
// pads and re-encodes it. It is local, free and deterministic: the same
// source bytes and attributes always give the same output bytes on a given
// machine, so a regenerated hero re-derives its social variants and
// nothing else changes.
//
// Resampling goes through golang.org/x/image/draw's separable kernels
// (Catmull-Rom by default, Lanczos-3 on request), never nearest-neighbour.
// A scale whose scratch would exceed 1 MiB runs in two passes over bands
// of rows and columns, so beyond the decoded source, one intermediate
// image and the output, memory stays bounded even for an 8192x8192
// source. The last decoded source is kept for the next call (the variants
// of one hero come together) and shared by parallel calls; it is the
// provider's only state.
//
// Every output is re-encoded, so the source's metadata (EXIF, XMP, ICC
// profiles) is always dropped: strip_metadata = false is not supported and
// only warns. A JPEG source's EXIF orientation is applied first (by
// imagefmt.Decode), so a phone photo stored sideways comes out upright, as
// viewers show it. ICC profiles are not converted: pixels are taken as sRGB.
//
// It is written on plugins/sdk like any third-party provider and knows
// nothing of the engine, HCL or the plugin protocol. Its attributes are a
// user-facing contract; its Go API is only New.
package transform
