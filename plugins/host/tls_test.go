package host

import (
	"context"
	"crypto/tls"
	"net"
	"path/filepath"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

// Only the easel that started a provider can drive it: another local
// process that finds its socket gets nowhere without TLS, or with TLS but
// no certificate the provider trusts. Built-ins get their certificate from
// easel; other providers negotiate go-plugin's AutoMTLS.
func TestProviderConnectionsAreMutualTLS(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		start func(t *testing.T) plugins.Provider
	}{
		{name: "built-in", start: func(t *testing.T) plugins.Provider {
			p, _ := startFake(t)
			return p
		}},
		{name: "third-party", start: func(t *testing.T) plugins.Provider {
			opts, _ := testOptions(t, nil)
			installProvider(t, filepath.Join(opts.ProjectDir, ".easel", "plugins"), "thirdparty")
			opts.Pins = map[string]string{"thirdparty": testBinarySum(t)}
			return startProvider(t, newTestHost(t, opts), "thirdparty")
		}},
	}
	intruders := map[string]grpc.DialOption{
		"without TLS":                 grpc.WithTransportCredentials(insecure.NewCredentials()),
		"with TLS but no certificate": grpc.WithTransportCredentials(credentials.NewTLS(&tls.Config{InsecureSkipVerify: true})),
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.start(t)
			if _, err := p.GetSchema(testContext(t)); err != nil {
				t.Fatalf("easel's own call failed: %v", err)
			}
			addr := p.(*provider).client.ReattachConfig().Addr
			for how, creds := range intruders {
				conn, err := grpc.NewClient("passthrough:///provider", creds,
					grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
						return (&net.Dialer{}).DialContext(ctx, addr.Network(), addr.String())
					}))
				if err != nil {
					t.Fatal(err)
				}
				_, err = pb.NewProviderClient(conn).GetSchema(testContext(t), &pb.GetSchema_Request{})
				conn.Close()
				if err == nil {
					t.Errorf("a client %s called GetSchema", how)
				}
			}
		})
	}
}
