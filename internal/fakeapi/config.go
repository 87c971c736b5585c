package fakeapi

import (
	"time"
)

// Config sets up a fake OpenAI server. The zero value serves every known
// model, accepts any bearer key, answers at once and injects no faults.
type Config struct {
	// APIKey is the key the Authorization header must carry as
	// "Bearer <key>". Empty accepts any non-empty key.
	APIKey string
	// Seed makes latency, fault draws, request ids and images reproducible.
	Seed uint64
	// Latency delays every request that reaches generation: fixed, or drawn
	// uniformly from [Latency, LatencyMax] when LatencyMax is larger.
	Latency    time.Duration
	LatencyMax time.Duration

	// RateLimit answers 429 rate_limit_exceeded asking to wait RetryAfter
	// (default 1s): Retry-After in whole seconds, rounded up, and
	// Retry-After-Ms in milliseconds.
	RateLimit  Fault
	RetryAfter time.Duration
	// ServerError answers 500 server_error after the latency, as if the
	// image had been generated and lost.
	ServerError Fault
	// Disconnect drops the connection after the latency without answering.
	Disconnect Fault
	// Garbage answers 200 with a body whose image is not what was asked
	// for; GarbageKind picks how (default: each kind in turn, by draw).
	Garbage     Fault
	GarbageKind GarbageKind

	// InsufficientQuota answers every request with 429 insufficient_quota.
	InsufficientQuota bool
	// ModerationWord refuses, with 400 moderation_blocked, any prompt that
	// contains it (case-insensitive), naming ModerationCategories (default
	// ["violence"]).
	ModerationWord       string
	ModerationCategories []string
	// UnverifiedModels answer 403 "organization must be verified".
	UnverifiedModels []string
	// RetiredModels answer 404 model_not_found "has been deprecated", as
	// OpenAI does after a shutdown date.
	RetiredModels []string

	// Now stamps "created" (default time.Now).
	Now func() time.Time
	// MaxRecords bounds the requests kept for Received (default 1000).
	MaxRecords int
}

// Fault is how often a fault happens: the first First requests that reach
// it always get it, later ones with probability Rate.
type Fault struct {
	First int
	Rate  float64
}

// GarbageKind is how a garbage answer is broken.
type GarbageKind int

const (
	// GarbageAny picks one of the kinds below per answer.
	GarbageAny GarbageKind = iota
	// GarbageBase64 sends b64_json that is not valid base64.
	GarbageBase64
	// GarbageNotImage sends valid base64 of bytes that are no image.
	GarbageNotImage
	// GarbageWrongSize sends a real image of another size.
	GarbageWrongSize
	// GarbageWrongFormat sends a real image in another format.
	GarbageWrongFormat
	// GarbageTruncated sends the right image cut off halfway.
	GarbageTruncated
)

const garbageKinds = 5

func (c Config) withDefaults() Config {
	if c.RetryAfter <= 0 {
		c.RetryAfter = time.Second
	}
	if len(c.ModerationCategories) == 0 {
		c.ModerationCategories = []string{"violence"}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.MaxRecords <= 0 {
		c.MaxRecords = 1000
	}
	return c
}
