// Package vendortest holds the test helpers the HTTP image providers
// (plugins/openai, oakgen, bfl, gemini, stability) and internal/vendorapi
// share: a fake clock that sleeping moves forward at once, real image
// bytes, references as easel hands them over, and requests and provider
// blocks built the way easel builds them from a schema.
//
// It is imported only from _test.go files; no production code may import
// it. It imports plugins/sdk, internal/imagefmt and go-cty, and not
// internal/vendorapi, so that vendorapi's own tests can use it too. Its API
// is internal to easel and may change with the tests that use it.
package vendortest
