// Package plugins is the Go contract the engine sees of a provider, whatever
// process the provider runs in: its schema, validation, cost estimation and
// generation. The engine programs against Provider; plugins/host implements it
// over go-plugin gRPC. This package knows nothing of HCL source files, gRPC or
// the terminal. Its API is internal to easel and may change; provider authors
// use plugins/sdk instead.
package plugins
