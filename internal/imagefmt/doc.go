// Package imagefmt owns easel's knowledge of image file formats: which
// formats exist (PNG, JPEG and WebP), their extensions and media types, how
// to encode and decode them, and how to check an image's format and
// dimensions from its header alone. The engine uses Sniff to check every
// image a provider returns before writing it; built-in providers use Encode
// and Decode.
//
// It knows nothing of HCL, providers, the engine or the plugin protocol, and
// it registers nothing with the standard library's image package: Decode
// chooses a decoder by magic bytes itself. Its API is internal to easel and
// may change.
package imagefmt
