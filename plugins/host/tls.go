package host

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"runtime"
	"strconv"
	"time"

	"github.com/hashicorp/go-plugin"

	pb "github.com/easelhq/easel/plugins/proto"
)

// The connection to a provider is mutual TLS, so no other local process
// can drive it. go-plugin's AutoMTLS makes a P-521 key in each process and
// verifies P-521 signatures in the handshake: 25 ms of every plan and
// apply on an idle 2-core machine, 45 to 60 ms on a loaded one. A built-in
// provider is this same binary, so easel makes both ephemeral P-256
// certificates itself and hands the provider its own over an inherited
// pipe, never the environment or a file. Other providers, whose SDK may
// predate this, keep AutoMTLS; so does Windows, which cannot pass pipes to
// a child.

// secure sets up the TLS of a provider process: our own for a built-in,
// AutoMTLS otherwise. The files it adds to the command are closed once the
// process has started (see launch).
func secure(cfg *plugin.ClientConfig, builtin bool) error {
	if !builtin || runtime.GOOS == "windows" {
		cfg.AutoMTLS = true
		return nil
	}
	server, err := newCert()
	if err != nil {
		return err
	}
	client, err := newCert()
	if err != nil {
		return err
	}
	var material bytes.Buffer
	material.Write(server.certPEM)
	material.Write(server.keyPEM)
	material.Write(client.certPEM)
	r, err := pipeOf(material.Bytes())
	if err != nil {
		return fmt.Errorf("handing the provider its certificate: %w", err)
	}
	cfg.Cmd.ExtraFiles = append(cfg.Cmd.ExtraFiles, r)
	fd := 2 + len(cfg.Cmd.ExtraFiles) // after stdin, stdout and stderr
	cfg.Cmd.Env = append(cfg.Cmd.Env, pb.TLSFDEnv+"="+strconv.Itoa(fd))
	roots := x509.NewCertPool()
	roots.AddCert(server.leaf)
	cfg.TLSConfig = &tls.Config{Certificates: []tls.Certificate{client.pair}, RootCAs: roots,
		ServerName: "localhost", MinVersion: tls.VersionTLS13}
	return nil
}

// pipeOf returns the read end of a pipe that holds b, already written and
// closed: a few kilobytes fit any pipe buffer.
func pipeOf(b []byte) (*os.File, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	_, err = w.Write(b)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

// cert is an ephemeral self-signed certificate for localhost, valid for
// both ends of a connection.
type cert struct {
	pair            tls.Certificate
	leaf            *x509.Certificate
	certPEM, keyPEM []byte
}

func newCert() (*cert, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating a provider key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("generating a provider certificate: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial, Subject: pkix.Name{CommonName: "localhost", Organization: []string{"easel"}},
		DNSNames: []string{"localhost"}, NotBefore: now.Add(-time.Minute), NotAfter: now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth, x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("generating a provider certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding a provider key: %w", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("generating a provider certificate: %w", err)
	}
	return &cert{
		pair:    tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf},
		leaf:    leaf,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}, nil
}
