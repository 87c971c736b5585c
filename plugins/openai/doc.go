// Package openai is easel's provider for OpenAI's Images API (the
// gpt-image family, and the retired dall-e models for their lifecycle
// messages). It is written on plugins/sdk like any third-party provider and
// knows nothing of the engine, HCL or the plugin protocol.
//
// What it knows of each model (sizes, qualities, formats, which options
// apply, token prices, output-token tables or formulas, prompt limits,
// lifecycle dates) is data in models.go, each fact group with its source
// and date from shared/reference/image-apis.md; updating a fact never
// touches logic. Validation and cost estimation are local computations on
// that table; Generate sends to /v1/images/generations (JSON), or to
// /v1/images/edits (multipart, one image[] part per reference with its real
// MIME type, streamed) when an image has references. The shared provider
// settings, the client with its concurrency and requests-per-minute limits,
// the retry loop (429s wait honouring Retry-After; a 5xx, dropped
// connection or unusable 200 after the request was sent may have been
// billed and is retried at most max_billed_retries times), redaction and
// the image checks are internal/vendorapi's. What is OpenAI's stays here:
// its error codes (insufficient_quota stops all further calls of the run,
// moderation_blocked and content_policy_violation are refusals with their
// categories, an unverified organization, a model not served), the body
// shapes, and the cost from the answer's token usage. Every returned image
// is checked (format, dimensions, complete file) before it is handed back.
//
// It speaks HTTP itself rather than through github.com/openai/openai-go,
// the official SDK, because that SDK's defaults work against a user who
// pays per image: it retries 429s (an insufficient_quota 429 included) and
// every 5xx on its own, so a request that generated an image before the
// error bills again without the caller knowing; its image edits are
// multipart only and send files as application/octet-stream unless each
// is wrapped with its type, which the edits endpoint refuses; and it sets
// no timeout. Disabling its retries and wrapping every file would leave
// little of it, while the shared vendorapi client already counts every
// retry that may have been billed (shared/reference/image-apis.md, 1.9).
//
// The mask is a file attribute: easel confines it to the project, puts its
// bytes in the spec hash and hands it over with the references. The
// provider opens no file itself. Reference and mask dimensions, which easel
// reads at plan time where it can, let validation compare the mask with the
// first reference and let estimates price references by their real size.
//
// Lifecycles are judged on today's date, or on the day EASEL_OPENAI_TODAY
// names (YYYY-MM-DD), so a team can check a plan against a coming shutdown.
//
// The API key never appears in an error, a diagnostic or metadata: server
// messages are redacted of it, and a 401's message (which echoes part of
// the key) is not repeated at all.
//
// The Go API (New, NewWithOptions, Options, Models, Lookup) is internal to
// easel and may change; the attributes are a user-facing contract.
package openai
