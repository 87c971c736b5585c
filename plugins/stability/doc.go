// Package stability is easel's provider for Stability AI's REST v2beta
// stable-image generate endpoints: Stable Image Ultra, Stable Image Core
// and Stable Diffusion 3.5 (large, large turbo, medium). It is written on
// plugins/sdk like any third-party provider and knows nothing of the
// engine, HCL or the plugin protocol.
//
// What it knows of each service (endpoint, output formats, whether it
// takes a reference image or a style preset, its price in credits) is
// data in models.go, with sources from shared/reference/image-apis.md
// section 5; validation and estimates are local computations on it.
// Generate sends a multipart/form-data request (always multipart, even
// without a file) with Accept: image/*, through internal/vendorapi's
// client, retry policy and redaction, and reads raw image bytes back. The
// finish-reason header is checked on every 200: CONTENT_FILTERED is a
// refusal, never an image. A 403 content_moderation is a refusal too.
// Every image is checked (complete file, format); an sd3 model, which
// cannot write WebP, is asked for PNG and converted locally.
//
// The Go API (New, NewWithOptions, Options, Models, Lookup) is internal to
// easel and may change; the attributes are a user-facing contract.
package stability
