package host

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/zclconf/go-cty/cty"

	"github.com/easelhq/easel/internal/testwait"
	"github.com/easelhq/easel/plugins"
)

// A 40 MB reference reaches the provider byte for byte and a 4096x4096 PNG
// comes back byte for byte, both streamed in chunks: gRPC on both sides
// refuses messages over proto.MaxMessageSize, far below either size.
func TestGenerateLargeReferenceAndImage(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	dir := t.TempDir()
	refBytes := make([]byte, 40<<20)
	rand.Read(refBytes)
	refPath := filepath.Join(dir, "reference.bin")
	writeFile(t, refPath, refBytes)
	imgPath := filepath.Join(dir, "big.png")
	writeFile(t, imgPath, bigPNG(t, 4096))

	ref := plugins.Reference{Kind: plugins.ReferenceFile, Name: "brand/huge.png", SHA256: sha(refBytes),
		Size: int64(len(refBytes)), MediaType: "image/png", Open: openFile(refPath)}
	noBytes := plugins.Reference{Kind: plugins.ReferenceImage, Name: "image.upstream"}
	req := imageReq("image.hero", map[string]cty.Value{"mode": cty.StringVal("echo"), "image_path": cty.StringVal(imgPath)}, ref, noBytes)

	var out bytes.Buffer
	res, err := p.Generate(testContext(t), req, &out)
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := map[string]string{
		"address": "image.hero", "spec_hash": "sha256:abc", "format": "png", "output": "assets/image.hero.png",
		"configured": "false",
		"ref0":       fmt.Sprintf("file brand/huge.png %d %s", len(refBytes), sha(refBytes)),
		"ref1":       "image image.upstream 0 no-bytes",
	}
	if diff := cmp.Diff(wantMeta, res.Metadata); diff != "" {
		t.Errorf("what the provider received (-want +got):\n%s", diff)
	}
	wantImg, _ := os.ReadFile(imgPath)
	if sha(out.Bytes()) != sha(wantImg) || out.Len() != len(wantImg) {
		t.Errorf("image: got %d bytes sha256 %s, want %d bytes sha256 %s", out.Len(), sha(out.Bytes()), len(wantImg), sha(wantImg))
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(out.Bytes()))
	if err != nil || cfg.Width != 4096 || cfg.Height != 4096 {
		t.Errorf("decoded image config = %+v, %v; want a 4096x4096 PNG", cfg, err)
	}
	want := &plugins.GenerateResult{MediaType: "image/png", CostUSD: ptr(0.04), Metadata: res.Metadata, BilledRetries: 1,
		Warnings: plugins.Diagnostics{{Severity: plugins.SeverityWarning, Summary: "Seed ignored", Detail: "fake-1 has no seed.", Path: cty.GetAttrPath("seed")}}}
	if diff := cmp.Diff(want, res, ctyCmp); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
}

// bigPNG is a real size x size grayscale PNG (stored, not compressed, so
// making it stays cheap under the race detector).
func bigPNG(t *testing.T, size int) []byte {
	img := image.NewGray(image.Rect(0, 0, size, size))
	pattern := make([]byte, 2*size)
	for i := range pattern {
		pattern[i] = byte(i * 7)
	}
	for y := range size {
		copy(img.Pix[y*img.Stride:], pattern[y%size:][:size])
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.NoCompression}
	if err := enc.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	tests := []struct {
		mode string
		want *plugins.GenerateError
	}{
		{mode: "refuse", want: &plugins.GenerateError{Kind: plugins.ErrRefused, Message: "the prompt was refused",
			Hint: "Rephrase it.", Categories: []string{"violence"}, MayHaveBilled: true}},
		{mode: "fail", want: &plugins.GenerateError{Kind: plugins.ErrFailed, Message: "the vendor returned 500"}},
		{mode: "panic", want: &plugins.GenerateError{Kind: plugins.ErrFailed, Message: "provider panicked in Generate: the fake provider panics"}},
		// The process survived the panic and serves the next image.
		{mode: "refuse", want: &plugins.GenerateError{Kind: plugins.ErrRefused, Message: "the prompt was refused",
			Hint: "Rephrase it.", Categories: []string{"violence"}, MayHaveBilled: true}},
	}
	for _, tc := range tests {
		t.Run(tc.mode, func(t *testing.T) {
			_, err := p.Generate(testContext(t), imageReq("image.x", map[string]cty.Value{"mode": cty.StringVal(tc.mode)}), discard{})
			var ge *plugins.GenerateError
			if !errors.As(err, &ge) {
				t.Fatalf("Generate error = %v, want a *GenerateError", err)
			}
			if diff := cmp.Diff(tc.want, ge); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := p.Generate(testContext(t), imageReq("image.ok", map[string]cty.Value{"mode": cty.StringVal("echo")}), discard{}); err != nil {
		t.Errorf("Generate after a panic: %v", err)
	}
}

// A provider that exits while serving two images fails both with
// ErrCrashed, and every later call fails at once.
func TestGenerateProviderExits(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, mode := range []string{"wait", "exit"} {
		wg.Go(func() {
			_, errs[i] = p.Generate(testContext(t), imageReq("image."+mode, map[string]cty.Value{"mode": cty.StringVal(mode)}), discard{})
		})
	}
	wg.Wait()
	for i, err := range errs {
		var ge *plugins.GenerateError
		if !errors.As(err, &ge) || ge.Kind != plugins.ErrCrashed || !ge.MayHaveBilled {
			t.Errorf("image %d: error = %#v, want a crash that may have billed", i, err)
		}
	}
	_, err := p.Generate(testContext(t), imageReq("image.later", map[string]cty.Value{"mode": cty.StringVal("echo")}), discard{})
	var ge *plugins.GenerateError
	if !errors.As(err, &ge) || ge.Kind != plugins.ErrCrashed || !strings.Contains(ge.Message, "not running") {
		t.Errorf("later Generate: %#v, want ErrCrashed saying it is not running", err)
	}
	if _, err := p.GetSchema(testContext(t)); err == nil || !strings.Contains(err.Error(), "exited unexpectedly") {
		t.Errorf("later GetSchema: %v, want an error saying the process exited", err)
	}
}

// A provider that ignores cancellation fails the image at the deadline,
// and Close ends its process.
func TestGenerateProviderHangs(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	pid := p.(*provider).client.ReattachConfig().Pid
	ctx, cancel := context.WithTimeout(testContext(t), 500*time.Millisecond)
	defer cancel()
	_, err := p.Generate(ctx, imageReq("image.stuck", map[string]cty.Value{"mode": cty.StringVal("hang")}), discard{})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "image.stuck") {
		t.Errorf("Generate = %v, want the deadline naming the image", err)
	}
	p.Close()
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("provider process %d still exists after Close (kill -0: %v)", pid, err)
	}
}

// Writing the image fails the call instead of being ignored.
func TestGenerateWriteError(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	_, err := p.Generate(testContext(t), imageReq("image.a", map[string]cty.Value{"mode": cty.StringVal("echo")}), failingWriter{})
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Generate = %v, want the write error", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func writeFile(t testing.TB, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func openFile(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

// BenchmarkGenerateLarge sends a 16 MB reference to the provider process
// and streams a 16 MB image back: the plugin boundary's throughput.
func BenchmarkGenerateLarge(b *testing.B) {
	opts, _ := testOptions(b, nil)
	p := startProvider(b, newTestHost(b, opts), "fake")
	dir := b.TempDir()
	data := make([]byte, 16<<20)
	rand.Read(data)
	refPath := filepath.Join(dir, "reference.bin")
	writeFile(b, refPath, data)
	imgPath := filepath.Join(dir, "big.bin")
	writeFile(b, imgPath, data)
	ref := plugins.Reference{Kind: plugins.ReferenceFile, Name: "brand/huge.png", SHA256: sha(data),
		Size: int64(len(data)), MediaType: "image/png", Open: openFile(refPath)}
	req := imageReq("image.hero", map[string]cty.Value{"mode": cty.StringVal("echo"), "image_path": cty.StringVal(imgPath)}, ref)
	b.SetBytes(2 * int64(len(data)))
	for b.Loop() {
		if _, err := p.Generate(context.Background(), req, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// Calls with slots wait in the provider's queue: OnStart runs when a call
// leaves it, and Withdraw ends the batch's waiting calls without running
// them, while a call of another batch still gets the slot.
func TestGenerateQueuedCallsAndWithdraw(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	queued := func(addr, mode, batch string, started *atomic.Int32) *plugins.ImageRequest {
		r := imageReq(addr, map[string]cty.Value{"mode": cty.StringVal(mode)})
		r.Slots, r.Batch, r.OnStart = 1, batch, func() { started.Add(1) }
		return r
	}
	var holdStarted, waitStarted, nextStarted atomic.Int32
	holdCtx, release := context.WithCancel(testContext(t))
	held := make(chan error, 1)
	go func() {
		_, err := p.Generate(holdCtx, queued("image.hold", "wait", "b1", &holdStarted), discard{})
		held <- err
	}()
	testwait.Until(t, "the first call to start", func() bool { return holdStarted.Load() == 1 })
	waiting := make(chan error, 1)
	go func() {
		_, err := p.Generate(testContext(t), queued("image.waiting", "echo", "b1", &waitStarted), discard{})
		waiting <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it reach the queue; arriving later it is withdrawn all the same
	if err := p.Withdraw(testContext(t), "b1"); err != nil {
		t.Fatal(err)
	}
	var ge *plugins.GenerateError
	if err := <-waiting; !errors.As(err, &ge) || ge.Kind != plugins.ErrWithdrawn || waitStarted.Load() != 0 {
		t.Fatalf("the waiting call: %v, started %d times; want withdrawn, never started", err, waitStarted.Load())
	}
	next := make(chan error, 1)
	go func() {
		_, err := p.Generate(testContext(t), queued("image.next", "echo", "b2", &nextStarted), discard{})
		next <- err
	}()
	release()
	if err := <-held; !errors.Is(err, context.Canceled) || holdStarted.Load() != 1 {
		t.Fatalf("the held call: %v, started %d times; want cancelled after starting once", err, holdStarted.Load())
	}
	if err := <-next; err != nil || nextStarted.Load() != 1 {
		t.Fatalf("a call of another batch: %v, started %d times; want an image, started once", err, nextStarted.Load())
	}
}

// A provider that takes URL references by their URL (its schema says so)
// is sent none of their bytes; a file reference beside them still streams.
func TestURLReferencesByURLStreamNoBytes(t *testing.T) {
	t.Parallel()
	p, _ := startFake(t)
	if _, err := p.GetSchema(testContext(t)); err != nil {
		t.Fatal(err)
	}
	data := []byte("reference bytes")
	var opened atomic.Int32
	open := func() (io.ReadCloser, error) {
		opened.Add(1)
		return io.NopCloser(bytes.NewReader(data)), nil
	}
	url := plugins.Reference{Kind: plugins.ReferenceURL, Name: "https://cdn.example.com/a.png", SHA256: sha(data), Size: int64(len(data)), MediaType: "image/png", Open: open}
	file := plugins.Reference{Kind: plugins.ReferenceFile, Name: "brand/a.png", SHA256: sha(data), Size: int64(len(data)), MediaType: "image/png", Open: open}
	res, err := p.Generate(testContext(t), imageReq("image.hero", map[string]cty.Value{"mode": cty.StringVal("echo")}, url, file), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Metadata["ref0"], "url https://cdn.example.com/a.png 0 no-bytes"; got != want {
		t.Errorf("URL reference: the provider received %q, want %q", got, want)
	}
	if got, want := res.Metadata["ref1"], fmt.Sprintf("file brand/a.png %d %s", len(data), sha(data)); got != want {
		t.Errorf("file reference: the provider received %q, want %q", got, want)
	}
	if n := opened.Load(); n != 1 {
		t.Errorf("references opened %d times, want once (the file's)", n)
	}
}
