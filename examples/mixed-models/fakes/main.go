// Command fakes serves the fake OpenAI, Oakgen, Black Forest Labs, Gemini
// and Stability APIs of internal/fakeapi on consecutive local ports, so the
// mixed-models example runs with no account and no network:
//
//	go run ./examples/mixed-models/fakes &
//	go run ./cmd/easel -chdir=examples/mixed-models apply
//
// The ports (8781 to 8785 by default) are the defaults of the example's
// base_url variables. The fakes accept any non-empty API key; the command
// prints the variables to export.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/easelhq/easel/internal/fakeapi"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "fakes:", err)
		os.Exit(1)
	}
}

// fake is one vendor's server: its name, the path the provider's base_url
// adds, its key variable and its handler.
type fake struct {
	name, suffix, keyEnv string
	handler              http.Handler
}

func fakes(latency time.Duration, seed uint64) []fake {
	return []fake{
		{"openai", "/v1", "OPENAI_API_KEY", fakeapi.NewOpenAI(fakeapi.Config{Seed: seed, Latency: latency})},
		{"oakgen", "", "OAKGEN_API_KEY", fakeapi.NewOakgen(fakeapi.OakgenConfig{Seed: seed, Latency: latency})},
		{"bfl", "", "BFL_API_KEY", fakeapi.NewBFL(fakeapi.BFLConfig{Seed: seed, Latency: latency})},
		{"gemini", "", "GEMINI_API_KEY", fakeapi.NewGemini(fakeapi.GeminiConfig{Seed: seed, Latency: latency})},
		{"stability", "", "STABILITY_API_KEY", fakeapi.NewStability(fakeapi.StabilityConfig{Seed: seed, Latency: latency})},
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("fakes", flag.ContinueOnError)
	fs.SetOutput(stderr)
	host := fs.String("host", "127.0.0.1", "address to listen on")
	port := fs.Int("port", 8781, "port of the first fake; the others take the next ones")
	latency := fs.Duration("latency", 0, "latency of every generation")
	seed := fs.Uint64("seed", 1, "seed of ids, faults and images")
	if err := fs.Parse(args); err != nil {
		return err
	}
	servers, err := serve(fakes(*latency, *seed), *host, *port, stdout)
	if err != nil {
		return err
	}
	<-ctx.Done()
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		if err := srv.Shutdown(shutCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
	}
	return nil
}

// serve starts every fake on its port and prints its base URL, then the
// keys to export.
func serve(all []fake, host string, port int, out io.Writer) ([]*http.Server, error) {
	var servers []*http.Server
	exports := "export"
	for i, f := range all {
		ln, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(port+i)))
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			return nil, err
		}
		srv := &http.Server{Handler: f.handler, ReadHeaderTimeout: 10 * time.Second}
		go func() { _ = srv.Serve(ln) }() // ends with Shutdown
		servers = append(servers, srv)
		fmt.Fprintf(out, "%-10s http://%s%s\n", f.name, ln.Addr(), f.suffix)
		exports += fmt.Sprintf(" %s=fake-%s-key", f.keyEnv, f.name)
	}
	fmt.Fprintf(out, "\nThe fakes take any key:\n\n%s\n", exports)
	return servers, nil
}
