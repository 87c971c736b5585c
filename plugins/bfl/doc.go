// Package bfl is easel's provider for Black Forest Labs' FLUX API
// (api.bfl.ai): FLUX1.1 [pro] and its Ultra mode, FLUX.1 Kontext [pro] and
// [max], and the FLUX.2 family. The API is asynchronous: a submission
// (POST /v1/<model>, x-key auth) returns a task id and a polling_url; the
// provider polls it until Ready, Error or a moderation status, or until
// poll_timeout, then downloads the result at once (its signed link expires
// after 10 minutes).
//
// Model facts (endpoints, size rules, reference limits, safety_tolerance
// ranges, tasks in flight, prices per image or per megapixel) are data in
// models.go with their sources (shared/reference/image-apis.md section 3).
// Validation and cost estimation are local computations on that table.
// Reference images go in the body as base64 (input_image... or
// image_prompt), or as the URL itself for https:// references where the
// model takes URLs.
//
// The HTTP client, limits (24 tasks in flight by default, 6 for Kontext
// [max]), retries, redaction, image checks, downloads and polling come from
// internal/vendorapi. A submission that may have been billed (a 5xx, a
// dropped connection, a task that ends in Error, a result that cannot be
// downloaded) is resubmitted at most max_billed_retries times and counted;
// a poll that times out is not resubmitted, since the task may still finish
// and be billed.
//
// The package knows nothing of the engine, HCL or the plugin protocol; its
// Go API is internal to easel, the attributes are a user-facing contract.
package bfl
