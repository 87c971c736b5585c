// Package sdk is the only API promised to provider authors. A provider is a
// value implementing Provider; its main function calls Serve. The SDK speaks
// the plugin protocol (plugins/proto over go-plugin gRPC) so authors never see
// it. This package imports nothing of easel's engine side, and its API is
// stable: changes are additive.
package sdk
