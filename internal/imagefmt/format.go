package imagefmt

import (
	"path/filepath"
	"strings"
)

// The formats easel reads and writes. PNG, JPEG, WebP and GIF are raster
// images it can decode; SVG is a vector format it checks as XML but never
// decodes or converts, so it is written only as a provider returns it.
const (
	PNG  = "png"
	JPEG = "jpeg"
	WebP = "webp"
	GIF  = "gif"
	SVG  = "svg"
)

// Encodable reports whether Encode writes format, so that easel can
// convert an image to it (PNG, JPEG and WebP).
func Encodable(format string) bool {
	return format == PNG || format == JPEG || format == WebP
}

// DefaultQuality is the JPEG and WebP quality Encode uses when given 0.
const DefaultQuality = 90

// MaxPixels is the largest image, in pixels, that Decode accepts: 8192x8192.
// A larger image is refused before any pixel memory is allocated.
const MaxPixels = 8192 * 8192

// FormatFromPath returns the format a path's extension names (.png, .jpg,
// .jpeg, .webp, .gif, .svg; any case), and false for any other extension.
func FormatFromPath(path string) (string, bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png":
		return PNG, true
	case ".jpg", ".jpeg":
		return JPEG, true
	case ".webp":
		return WebP, true
	case ".gif":
		return GIF, true
	case ".svg":
		return SVG, true
	}
	return "", false
}

// MediaType returns the media type of a format ("image/png", "image/jpeg",
// "image/webp", "image/gif", "image/svg+xml"), or "" for an unknown format.
func MediaType(format string) string {
	switch format {
	case PNG:
		return "image/png"
	case JPEG:
		return "image/jpeg"
	case WebP:
		return "image/webp"
	case GIF:
		return "image/gif"
	case SVG:
		return "image/svg+xml"
	}
	return ""
}
