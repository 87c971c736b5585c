// Package vendorapi holds what every HTTP image provider needs and nothing
// a particular vendor owns: the provider-block settings they share
// (api_key, base_url, timeout, max_concurrency, requests_per_minute,
// max_billed_retries), a per-provider client with a concurrency semaphore,
// a requests-per-minute token bucket and a quota latch, a retry loop that
// tells requests that were never sent, rate limits, requests that may have
// been billed and final failures apart, error classification producing
// *sdk.Error, secret redaction for every text that reaches an error, image
// checks (format, dimensions, complete file), a bounded download helper for
// result URLs and an async poller for submit-then-poll APIs.
//
// Providers keep their own wire formats, model tables and messages: a
// provider builds its request, calls Client.Do inside Retrier.Run, and
// turns the answer into an Outcome with the helpers here, adding what only
// it knows (a refusal code, a quota code) before falling back to
// ClassifyStatus.
//
// The clock, sleeping and jitter come in through Env, so tests drive
// retries and polling without waiting. The package imports the provider
// SDK and internal/imagefmt only: it knows nothing of the engine, HCL or the
// plugin protocol. Its API is internal to easel and may change.
package vendorapi
