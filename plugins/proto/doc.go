// Package proto is easel's provider plugin protocol: provider.proto
// (package easel.provider.v1), the Go code generated from it, and the
// handshake constants both sides of go-plugin must agree on. It holds no
// logic: plugins/host is the client side and plugins/sdk the server side.
//
// The protocol is stable: it changes only by adding fields and messages,
// and a breaking change would need a new ProtocolVersion.
package proto
