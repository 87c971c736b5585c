// Package oakgen is easel's provider for Oakgen (api.oakgen.ai), an
// aggregator that serves gpt-image-1, its mini variant and FLUX1.1 [pro]
// through one endpoint, POST /v1/generate/image, with bearer auth and a
// JSON body, billed in credits.
//
// Oakgen publishes no API reference: only the endpoint, the auth and a
// body with model and prompt are confirmed (shared/reference/image-apis.md
// section 2). The rest is built for the documented behaviour and accepts
// the plausible variants: the image comes back as a URL or as base64 (in
// several field shapes), or as an async job with a polling URL; the
// reference-URL field is a provider setting (reference_field). What is
// unconfirmed is listed in docs/providers/oakgen.md and in the model table.
//
// References are URLs for this service: an https:// reference is sent as
// is; a project file or another image cannot be sent, and ValidateImage
// says so at plan time.
//
// Model facts are data in models.go with their sources. The HTTP client,
// limits, retries (a request that may have been billed is retried at most
// max_billed_retries times and counted), redaction, image checks,
// downloads and polling come from internal/vendorapi. The package knows
// nothing of the engine, HCL or the plugin protocol; its Go API is internal
// to easel, the attributes are a user-facing contract.
package oakgen
