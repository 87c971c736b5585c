package proto

// Handshake values shared by easel (the go-plugin client) and providers
// (the go-plugin server).
const (
	// ProtocolVersion is the one version of this protocol.
	ProtocolVersion = 1
	// MagicCookieKey and MagicCookieValue tell a provider binary it was
	// started by easel; they are not a security measure.
	MagicCookieKey   = "EASEL_PLUGIN_MAGIC_COOKIE"
	MagicCookieValue = "c3f1a7d2-easel-provider-v1"
	// PluginName is the name the provider is dispensed under.
	PluginName = "provider"
	// TLSFDEnv names the variable that tells a built-in provider which
	// inherited file descriptor carries its TLS certificate and key and
	// the certificate of the easel process that started it (PEM, in that
	// order). Without it, go-plugin's AutoMTLS secures the connection.
	TLSFDEnv = "EASEL_PLUGIN_TLS_FD"
)

// Transport limits. Bytes are streamed in chunks of at most ChunkSize, and
// both sides refuse any message larger than MaxMessageSize, well under
// gRPC's 4 MiB default. Batches are split to stay below MaxBatchSize.
const (
	ChunkSize      = 256 << 10
	MaxMessageSize = 2 << 20
	MaxBatchSize   = 1 << 20
)
