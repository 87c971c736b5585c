package proto

// The generated code is checked in; regenerate after editing provider.proto
// (protoc, protoc-gen-go and protoc-gen-go-grpc on PATH).
//go:generate protoc --go_out=. --go_opt=paths=source_relative --go-grpc_out=. --go-grpc_opt=paths=source_relative provider.proto
