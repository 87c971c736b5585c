package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/easelhq/easel/lockfile"
	"github.com/rogpeppe/go-internal/testscript"
)

// cmdRefServer is the "refserver DIR" script command: it serves the files
// under DIR over https until the script ends, as a CDN serves reference
// images. It sets $REFSERVER to the base URL (https://127.0.0.1:PORT) and
// SSL_CERT_FILE to the server's certificate, so the easel binary trusts it
// exactly as it trusts a public CA, and appends "GET /PATH STATUS" to
// refserver.log for each request.
func cmdRefServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: refserver DIR")
	}
	root := ts.MkAbs(args[0])
	logPath := ts.MkAbs("refserver.log")
	ts.Check(os.WriteFile(logPath, nil, 0o644))
	var mu sync.Mutex
	files := http.FileServer(http.Dir(root))
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		files.ServeHTTP(rec, r)
		mu.Lock()
		defer mu.Unlock()
		f, err := os.OpenFile(logPath, os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			fmt.Fprintf(f, "%s %s %d\n", r.Method, r.URL.Path, rec.status)
			f.Close()
		}
	}))
	ts.Defer(srv.Close)
	cert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	certPath := ts.MkAbs("refserver.pem")
	ts.Check(os.WriteFile(certPath, cert, 0o644))
	ts.Setenv("SSL_CERT_FILE", certPath)
	ts.Setenv("REFSERVER", srv.URL)
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

// cmdLockRef is "lockref ADDR N FILE": reference N (from 1) of ADDR in
// easel.lock.hcl pins the sha256 of FILE's bytes. With !, it pins
// something else.
func cmdLockRef(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 3 {
		ts.Fatalf("usage: lockref ADDR N FILE")
	}
	lf, diags := lockfile.Load(ts.MkAbs(lockfile.FileName))
	if diags.HasErrors() {
		ts.Fatalf("lockfile does not load: %s", diags.Error())
	}
	img := lf.Image(args[0])
	n, err := strconv.Atoi(args[1])
	if img == nil || err != nil || n < 1 || n > len(img.References) {
		ts.Fatalf("%s has no reference %s in the lockfile", args[0], args[1])
	}
	data, err := os.ReadFile(ts.MkAbs(args[2]))
	ts.Check(err)
	sum := sha256.Sum256(data)
	want, got := hex.EncodeToString(sum[:]), img.References[n-1].SHA256
	switch {
	case !neg && got != want:
		ts.Fatalf("%s reference %d pins %s; %s has %s", args[0], n, got, filepath.Base(args[2]), want)
	case neg && got == want:
		ts.Fatalf("%s reference %d pins %s, the sha256 of %s", args[0], n, got, filepath.Base(args[2]))
	}
}
