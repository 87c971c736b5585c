// Package fakeapi holds test-only fakes of the image APIs easel's providers
// call. OpenAI serves the OpenAI Images API (/v1/images/generations and
// /v1/images/edits) over HTTP: it validates requests as strictly as the real
// service (auth, required fields, per-model enums and size rules, MIME types
// of uploaded parts, mask dimensions) and answers with real PNG, JPEG, WebP
// or GIF images of the requested size, realistic token usage and an
// x-request-id. Faults (latency, 429s with Retry-After, 500s, dropped
// connections, moderation refusals, insufficient_quota, garbage bodies,
// unverified organizations, retired models) are knobs in Config, drawn from
// a seeded source so runs are reproducible.
//
// Gemini fakes generateContent for Google's image models: refusals come as
// HTTP 200 with a finish reason or a blocked prompt and no image, rate
// limits carry google.rpc.RetryInfo. Stability fakes the v2beta
// stable-image endpoints: multipart requests, raw image bytes with the
// finish-reason and seed headers, CONTENT_FILTERED on a 200. Oakgen fakes
// POST /v1/generate/image with bearer auth; since Oakgen documents little,
// its unconfirmed parts (answer shape: image URL, base64 or data URL; an
// async job with a polling_url; the reference-URL field) are knobs. BFL
// fakes submit-then-poll: POST /v1/<model> answers a task id and
// polling_url, get_result reports Pending, Ready, Error or a moderation
// status, result links expire, tasks in flight are capped (24, 6 for
// Kontext [max]) and the image bytes follow the seed. Each fake has its own
// Config and shares the renderer, Fault and Stats.
//
// The model facts here are a second, independent transcription of
// shared/reference/image-apis.md (as of 2026-11-23): the fake must not
// import the provider's tables, or a wrong fact would agree with itself.
//
// This package imports nothing of easel's. It is test and demo tooling; its
// API is internal and may change. cmd/fakeapi serves it for demos and
// benchmarks.
package fakeapi
