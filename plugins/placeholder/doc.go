// Package placeholder is easel's offline, free default provider: it renders
// a wireframe image of exactly the requested size and format, showing the
// image's address, its prompt, its size and thumbnails of its reference
// images, on a background colour derived from the spec hash. The quickstart
// and the engine's tests run on it: it needs no key, no network and costs
// nothing, and the same request always gives byte-identical output.
//
// It is written on plugins/sdk like any third-party provider and knows
// nothing of the engine, HCL or the plugin protocol. Its attributes are a
// user-facing contract; its Go API is only New. A cosmetic change to the
// drawing does not bump HashVersion: images already generated stay valid.
package placeholder
