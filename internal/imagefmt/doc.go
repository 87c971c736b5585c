// Package imagefmt owns easel's knowledge of image file formats: which
// formats exist (PNG, JPEG, WebP, GIF and SVG), their extensions and media
// types, how to encode and decode them, and how to check an image's format
// and dimensions from its header alone. Encode writes PNG, JPEG and WebP;
// Decode reads those and GIF; an SVG is only checked as XML (CheckSVG),
// never rasterized. The engine uses Sniff to check every
// image a provider returns before writing it; built-in providers use Encode
// and Decode.
//
// It knows nothing of HCL, providers, the engine or the plugin protocol, and
// it does not rely on the image package's global format registry: Decode
// chooses a decoder by magic bytes itself. Decoded JPEGs are turned upright
// by their EXIF orientation, and Sniff reports the upright dimensions. Its API is internal to easel and
// may change.
//
// WebP goes through github.com/gen2brain/webp, which runs libwebp compiled
// to WASM, or a system libwebp.so when one can be loaded; the two may
// encode different (equally valid) bytes, so byte-identical WebP output is
// promised per machine setup, not across machines.
package imagefmt
