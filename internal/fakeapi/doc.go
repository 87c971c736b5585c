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
// The model facts here are a second, independent transcription of
// shared/reference/image-apis.md (as of 2026-11-23): the fake must not
// import the provider's tables, or a wrong fact would agree with itself.
//
// This package imports nothing of easel's. It is test and demo tooling; its
// API is internal and may change. cmd/fakeapi serves it for demos and
// benchmarks.
package fakeapi
