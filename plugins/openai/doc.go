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
// that table; Generate talks plain net/http to /v1/images/generations, or
// /v1/images/edits (multipart, one image[] part per reference with its real
// MIME type) when an image has references. Retries are its own: 429s wait
// with backoff and jitter honouring Retry-After; insufficient_quota stops
// all further calls; a 5xx, dropped connection or unusable 200 after the
// request was sent may have been billed and is retried at most
// max_billed_retries times. Every returned image is checked (format,
// dimensions, complete file) before it is handed back.
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
// messages are scrubbed of it, and a 401's message (which echoes part of
// the key) is not repeated at all.
//
// The Go API (New, NewWithOptions, Options, Models, Lookup) is internal to
// easel and may change; the attributes are a user-facing contract.
package openai
