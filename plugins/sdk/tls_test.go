package sdk

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"testing"
	"time"
)

// testCert returns a self-signed certificate and its key, as PEM.
func testCert(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// A built-in provider serves with the certificate easel hands it and
// accepts only easel's; anything else on the descriptor stops it.
func TestServerTLS(t *testing.T) {
	serverCert, serverKey := testCert(t)
	clientCert, clientKey := testCert(t)
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name     string
		material []byte
		wantErr  bool
	}{
		{name: "certificate, key, easel's certificate", material: join(serverCert, serverKey, clientCert)},
		{name: "nothing", material: nil, wantErr: true},
		{name: "easel's certificate missing", material: join(serverCert, serverKey), wantErr: true},
		{name: "key first", material: join(serverKey, serverCert, clientCert), wantErr: true},
		{name: "key of another certificate", material: join(serverCert, clientKey, clientCert), wantErr: true},
		{name: "not PEM", material: []byte("certificate"), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := serverTLS(bytes.NewReader(tc.material))
			if tc.wantErr {
				if err == nil {
					t.Fatal("serverTLS succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.ClientAuth != tls.RequireAndVerifyClientCert || len(cfg.Certificates) != 1 {
				t.Errorf("ClientAuth %v with %d certificates, want client certificates required and one of its own", cfg.ClientAuth, len(cfg.Certificates))
			}
			block, _ := pem.Decode(clientCert)
			trusted, _ := x509.ParseCertificate(block.Bytes)
			if _, err := trusted.Verify(x509.VerifyOptions{Roots: cfg.ClientCAs, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
				t.Errorf("easel's certificate is not trusted: %v", err)
			}
		})
	}
}
