// Package gemini is easel's provider for Google's Gemini image models
// ("Nano Banana": gemini-nano-banana-2.1, gemini-3-pro-image, and the older
// gemini-2.5-flash-image and gemini-3.1-flash-image for their lifecycle
// messages) through the Gemini Developer API's generateContent with image
// output. It is written on plugins/sdk like any third-party provider and
// knows nothing of the engine, HCL or the plugin protocol.
//
// What it knows of each model (aspect ratios, resolution tiers, reference
// limits, token prices, lifecycle) is data in models.go with sources and
// dates from shared/reference/image-apis.md section 4; validation and cost
// estimation are local computations on that table. Generate sends the
// prompt and each reference as an inline image part (base64 with its real
// MIME type) over plain net/http, through internal/vendorapi's client,
// retry policy and redaction. The API key goes in the x-goog-api-key
// header, never in a URL.
//
// google.golang.org/genai is not used: its errors carry neither the
// response headers nor whether the request was sent, so neither
// Retry-After nor the "may have been billed" accounting of vendorapi could
// be kept, and it would bring a dozen modules (cloud.google.com/go/auth,
// s2a, opencensus, websocket) for one JSON POST. Its types were the source
// of the wire names (imageConfig, thinkingConfig, finish reasons).
//
// Gemini refuses with HTTP 200: a blocked prompt (promptFeedback), a
// finish reason such as IMAGE_SAFETY, or a text answer and no image. These
// are reported as sdk.ErrRefused with Google's reason, never retried.
// Gemini picks PNG or JPEG itself; an image in another format than the
// output file's is converted locally. Every image is decoded and checked;
// an aspect ratio or resolution other than asked is kept with a warning,
// since Google's exact pixel sizes are not confirmed in our notes.
//
// The Go API (New, NewWithOptions, Options, Models, Lookup) is internal to
// easel and may change; the attributes are a user-facing contract.
package gemini
