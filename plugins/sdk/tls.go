package sdk

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	pb "github.com/easelhq/easel/plugins/proto"
)

// hostTLS is the server TLS of a built-in provider: easel passes its
// certificate, its key and easel's own certificate on the inherited file
// descriptor named by pb.TLSFDEnv, and only easel's certificate is
// accepted. Without the variable it returns nil, and go-plugin sets up
// AutoMTLS (or plain gRPC in debug mode).
func hostTLS() (*tls.Config, error) {
	v := os.Getenv(pb.TLSFDEnv)
	if v == "" {
		return nil, nil
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("%s=%q is not an inherited file descriptor", pb.TLSFDEnv, v)
	}
	f := os.NewFile(uintptr(fd), "easel-tls") // not nil: fd >= 0; a closed fd fails the read
	defer f.Close()
	return serverTLS(f)
}

// maxTLSMaterial bounds what is read from the descriptor: three PEM blocks
// take about two kilobytes.
const maxTLSMaterial = 64 << 10

// serverTLS reads the PEM blocks of the provider's certificate, its key
// and the one client certificate to trust.
func serverTLS(r io.Reader) (*tls.Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxTLSMaterial))
	if err != nil {
		return nil, fmt.Errorf("reading the TLS certificate from easel: %w", err)
	}
	var blocks []*pem.Block
	for len(blocks) < 3 {
		var b *pem.Block
		if b, data = pem.Decode(data); b == nil {
			break
		}
		blocks = append(blocks, b)
	}
	if len(blocks) != 3 || blocks[0].Type != "CERTIFICATE" || blocks[1].Type != "PRIVATE KEY" || blocks[2].Type != "CERTIFICATE" {
		return nil, errors.New("the TLS material from easel is not a certificate, a key and a certificate")
	}
	pair, err := tls.X509KeyPair(pem.EncodeToMemory(blocks[0]), pem.EncodeToMemory(blocks[1]))
	if err != nil {
		return nil, fmt.Errorf("the TLS certificate from easel: %w", err)
	}
	client, err := x509.ParseCertificate(blocks[2].Bytes)
	if err != nil {
		return nil, fmt.Errorf("easel's TLS certificate: %w", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(client)
	return &tls.Config{Certificates: []tls.Certificate{pair}, ClientAuth: tls.RequireAndVerifyClientCert,
		ClientCAs: pool, MinVersion: tls.VersionTLS13}, nil
}
