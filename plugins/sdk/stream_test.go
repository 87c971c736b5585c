package sdk

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"image"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/hashicorp/go-hclog"
	"github.com/zclconf/go-cty/cty"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/testing/protocmp"

	pb "github.com/easelhq/easel/plugins/proto"
)

// fakeStream is the server end of a Generate stream: it replays in and
// records what the server sends.
type fakeStream struct {
	grpc.ServerStream
	ctx  context.Context
	in   []*pb.Generate_ClientMessage
	sent []*pb.Generate_ServerMessage
}

func (s *fakeStream) Context() context.Context { return s.ctx }

func (s *fakeStream) Recv() (*pb.Generate_ClientMessage, error) {
	if len(s.in) == 0 {
		return nil, io.EOF
	}
	m := s.in[0]
	s.in = s.in[1:]
	return m, nil
}

func (s *fakeStream) Send(m *pb.Generate_ServerMessage) error {
	s.sent = append(s.sent, m)
	return nil
}

func header(refs ...*pb.Reference) *pb.Generate_ClientMessage {
	attrs, err := pb.EncodeValue(cty.ObjectVal(map[string]cty.Value{"prompt": cty.StringVal("an otter")}))
	if err != nil {
		panic(err)
	}
	return &pb.Generate_ClientMessage{Message: &pb.Generate_ClientMessage_Header{Header: &pb.ImageRequest{
		Address: "image.a", Attrs: attrs, References: refs, OutputPath: "a.png", Format: "png", SpecHash: "sha256:1"}}}
}

func chunk(i int32, b []byte) *pb.Generate_ClientMessage {
	return &pb.Generate_ClientMessage{Message: &pb.Generate_ClientMessage_ReferenceChunk{
		ReferenceChunk: &pb.Generate_ReferenceChunk{Index: i, Data: b}}}
}

var end = &pb.Generate_ClientMessage{Message: &pb.Generate_ClientMessage_End{End: &pb.Generate_End{}}}

// funcProvider is a Provider whose Generate is a function.
type funcProvider func(context.Context, *Request) (*Response, error)

func (funcProvider) Schema() Schema                                { return Schema{} }
func (funcProvider) Configure(context.Context, Config) Diagnostics { return nil }
func (f funcProvider) Generate(ctx context.Context, r *Request) (*Response, error) {
	return f(ctx, r)
}

func newTestServer(t *testing.T, f funcProvider) (*server, string) {
	dir := t.TempDir()
	return newServer(f, hclog.NewNullLogger(), dir), dir
}

func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 0 {
		t.Errorf("spool directory holds %v (%v), want nothing left after the call", entries, err)
	}
}

// References arrive as files the provider can open; the image goes back in
// chunks no larger than pb.ChunkSize, then the result; nothing is left on
// disk afterwards.
func TestGenerateStreamsReferencesAndImage(t *testing.T) {
	ref := make([]byte, 3*pb.ChunkSize+17)
	rand.Read(ref)
	img := pngBytes(t, 700, 700)
	var got []byte
	var noBytesErr error
	srv, dir := newTestServer(t, func(_ context.Context, r *Request) (*Response, error) {
		rc, err := r.References[0].Open()
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		got, _ = io.ReadAll(rc)
		_, noBytesErr = r.References[1].Open()
		return &Response{Image: bytes.NewReader(img), CostUSD: USD(0.5), Metadata: map[string]string{"seed": "7"},
			Warnings: Diagnostics{Warnf("size", "Rounded", "to 1024")}, BilledRetries: 2}, nil
	})
	in := []*pb.Generate_ClientMessage{
		header(&pb.Reference{Kind: "file", Name: "logo.png", Size: int64(len(ref)), HasBytes: true},
			&pb.Reference{Kind: "image", Name: "image.up"}),
	}
	for off := 0; off < len(ref); off += pb.ChunkSize {
		in = append(in, chunk(0, ref[off:min(off+pb.ChunkSize, len(ref))]))
	}
	stream := &fakeStream{ctx: t.Context(), in: append(in, end)}
	if err := srv.Generate(stream); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, ref) {
		t.Errorf("provider read %d bytes, want the %d sent", len(got), len(ref))
	}
	if !errors.Is(noBytesErr, ErrNoBytes) {
		t.Errorf("Open of a reference without bytes = %v, want ErrNoBytes", noBytesErr)
	}
	var image []byte
	for _, m := range stream.sent[:len(stream.sent)-1] {
		c := m.GetImageChunk()
		if c == nil || len(c.Data) > pb.ChunkSize {
			t.Fatalf("message %v is not an image chunk of at most %d bytes", m, pb.ChunkSize)
		}
		image = append(image, c.Data...)
	}
	if !bytes.Equal(image, img) {
		t.Errorf("streamed image differs: %d bytes, want %d", len(image), len(img))
	}
	want := &pb.Generate_Result{MediaType: "image/png", CostUsd: USD(0.5), Metadata: map[string]string{"seed": "7"}, BilledRetries: 2,
		Warnings: []*pb.Diagnostic{{Severity: pb.Diagnostic_WARNING, Summary: "Rounded", Detail: "to 1024",
			Attribute: &pb.AttributePath{Steps: []*pb.AttributePath_Step{{Selector: &pb.AttributePath_Step_AttributeName{AttributeName: "size"}}}}}}}
	if diff := cmp.Diff(want, stream.sent[len(stream.sent)-1].GetResult(), protocmp.Transform()); diff != "" {
		t.Errorf("result (-want +got):\n%s", diff)
	}
	assertEmptyDir(t, dir)
}

func pngBytes(t *testing.T, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// The image arrives whole in as few chunks as pb.ChunkSize allows, whether
// or not its reader tells its length.
func TestGenerateChunksImages(t *testing.T) {
	for _, size := range []int{1, 4000, pb.ChunkSize, pb.ChunkSize + 1, 2*pb.ChunkSize + 5} {
		img := make([]byte, size)
		rand.Read(img)
		readers := map[string]func() io.Reader{
			"bytes.Reader":     func() io.Reader { return bytes.NewReader(img) },
			"reader of no len": func() io.Reader { return io.MultiReader(bytes.NewReader(img)) },
		}
		for name, reader := range readers {
			t.Run(fmt.Sprintf("%s of %d bytes", name, size), func(t *testing.T) {
				srv, _ := newTestServer(t, func(context.Context, *Request) (*Response, error) {
					return &Response{Image: reader(), MediaType: "image/png"}, nil
				})
				stream := &fakeStream{ctx: t.Context(), in: []*pb.Generate_ClientMessage{header(), end}}
				if err := srv.Generate(stream); err != nil {
					t.Fatal(err)
				}
				var got []byte
				for _, m := range stream.sent[:len(stream.sent)-1] {
					got = append(got, m.GetImageChunk().GetData()...)
				}
				if want := (size + pb.ChunkSize - 1) / pb.ChunkSize; len(stream.sent)-1 != want {
					t.Errorf("sent %d chunks, want %d", len(stream.sent)-1, want)
				}
				if !bytes.Equal(got, img) || stream.sent[len(stream.sent)-1].GetResult() == nil {
					t.Errorf("got %d bytes and then %v, want the %d bytes and the result", len(got), stream.sent[len(stream.sent)-1], size)
				}
			})
		}
	}
}

// A request without reference bytes, the common case, is served without
// touching the spool directory: it works even where no file can be
// created, and each call decodes its own attributes. A reference with
// bytes there fails as a spooling error.
func TestGenerateSpoolsOnlyReferenceBytes(t *testing.T) {
	img := pngBytes(t, 8, 8)
	unusable := filepath.Join(t.TempDir(), "missing")
	tests := []struct {
		name     string
		refs     []*pb.Reference
		chunks   []*pb.Generate_ClientMessage
		wantCode codes.Code
	}{
		{name: "no references"},
		{name: "a reference without bytes", refs: []*pb.Reference{{Kind: "url", Name: "https://example.com/a.png"}}},
		{name: "a reference with bytes", refs: []*pb.Reference{{Kind: "file", Name: "logo.png", Size: 1, HasBytes: true}},
			chunks: []*pb.Generate_ClientMessage{chunk(0, []byte("x"))}, wantCode: codes.Internal},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var prompts []string
			srv := newServer(funcProvider(func(_ context.Context, r *Request) (*Response, error) {
				prompts = append(prompts, r.String("prompt"))
				return &Response{Image: bytes.NewReader(img)}, nil
			}), hclog.NewNullLogger(), unusable)
			for _, prompt := range []string{"an otter", "a fox"} {
				h := header(tc.refs...)
				h.GetHeader().Attrs = mustEncode(t, cty.ObjectVal(map[string]cty.Value{"prompt": cty.StringVal(prompt)}))
				in := append(append([]*pb.Generate_ClientMessage{h}, tc.chunks...), end)
				err := srv.Generate(&fakeStream{ctx: t.Context(), in: in})
				if status.Code(err) != tc.wantCode {
					t.Fatalf("Generate = %v, want code %v", err, tc.wantCode)
				}
			}
			want := []string{"an otter", "a fox"}
			if tc.wantCode != codes.OK {
				want = nil
			}
			if diff := cmp.Diff(want, prompts); diff != "" {
				t.Errorf("prompts the provider saw (-want +got):\n%s", diff)
			}
		})
	}
}

func mustEncode(t *testing.T, v cty.Value) *pb.DynamicValue {
	t.Helper()
	dv, err := pb.EncodeValue(v)
	if err != nil {
		t.Fatal(err)
	}
	return dv
}

func TestGenerateRejectsMalformedStreams(t *testing.T) {
	withBytes := &pb.Reference{Name: "logo.png", Size: 4, HasBytes: true}
	tests := []struct {
		name string
		in   []*pb.Generate_ClientMessage
		want string
	}{
		{name: "no header first", in: []*pb.Generate_ClientMessage{chunk(0, []byte("x")), end}, want: "first message must be the request header"},
		{name: "bytes for a reference without any", in: []*pb.Generate_ClientMessage{header(&pb.Reference{Name: "x"}), chunk(0, []byte("x")), end}, want: "which has none"},
		{name: "index out of range", in: []*pb.Generate_ClientMessage{header(withBytes), chunk(3, []byte("x")), end}, want: "which has none"},
		{name: "more bytes than announced", in: []*pb.Generate_ClientMessage{header(withBytes), chunk(0, []byte("12345")), end}, want: "more than the 4 bytes"},
		{name: "fewer bytes than announced", in: []*pb.Generate_ClientMessage{header(withBytes), chunk(0, []byte("12")), end}, want: "got 2 of 4 bytes"},
		{name: "no end marker", in: []*pb.Generate_ClientMessage{header(withBytes), chunk(0, []byte("1234"))}, want: "ended before the end marker"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			called := false
			srv, dir := newTestServer(t, func(context.Context, *Request) (*Response, error) {
				called = true
				return nil, errors.New("unreachable")
			})
			err := srv.Generate(&fakeStream{ctx: t.Context(), in: tc.in})
			if status.Code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Generate = %v, want InvalidArgument mentioning %q", err, tc.want)
			}
			if called {
				t.Error("the provider was called with a malformed request")
			}
			assertEmptyDir(t, dir)
		})
	}
}

// errReader fails after its first bytes.
type errReader struct{ n int }

func (r *errReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		n := min(r.n, len(p))
		r.n -= n
		return n, nil
	}
	return 0, errors.New("connection reset")
}

func TestGenerateFailuresBecomeErrorMessages(t *testing.T) {
	tests := []struct {
		name       string
		gen        funcProvider
		wantChunks int
		want       *pb.Generate_Error
	}{
		{name: "sdk.Error keeps its kind", gen: func(context.Context, *Request) (*Response, error) {
			return nil, fmt.Errorf("calling API: %w", &Error{Kind: ErrQuota, Message: "out of credits", Hint: "Top up.", MayHaveBilled: true})
		}, want: &pb.Generate_Error{Kind: "quota", Message: "out of credits", Hint: "Top up.", MayHaveBilled: true}},
		{name: "other errors are failed", gen: func(context.Context, *Request) (*Response, error) {
			return nil, errors.New("boom")
		}, want: &pb.Generate_Error{Kind: "failed", Message: "boom"}},
		{name: "panic", gen: func(context.Context, *Request) (*Response, error) {
			panic("nil map")
		}, want: &pb.Generate_Error{Kind: "failed", Message: "provider panicked in Generate: nil map"}},
		{name: "no image", gen: func(context.Context, *Request) (*Response, error) {
			return &Response{}, nil
		}, want: &pb.Generate_Error{Kind: "failed", Message: "the provider returned no image"}},
		{name: "image read fails midway", gen: func(context.Context, *Request) (*Response, error) {
			return &Response{Image: &errReader{n: pb.ChunkSize + 1}}, nil
		}, wantChunks: 2, want: &pb.Generate_Error{Kind: "failed", Message: "reading the generated image: connection reset"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv, _ := newTestServer(t, tc.gen)
			stream := &fakeStream{ctx: t.Context(), in: []*pb.Generate_ClientMessage{header(), end}}
			if err := srv.Generate(stream); err != nil {
				t.Fatal(err)
			}
			if len(stream.sent) != tc.wantChunks+1 {
				t.Fatalf("sent %d messages, want %d chunks and an error", len(stream.sent), tc.wantChunks)
			}
			if diff := cmp.Diff(tc.want, stream.sent[tc.wantChunks].GetError(), protocmp.Transform()); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// Stop cancels the calls in flight but not the ones that come after it.
func TestStopCancelsCallsInFlight(t *testing.T) {
	srv, _ := newTestServer(t, nil)
	before, done := srv.callContext(t.Context())
	defer done()
	if _, err := srv.Stop(t.Context(), &pb.Stop_Request{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-before.Done(): // cancelled, asynchronously
	case <-time.After(time.Minute):
		t.Error("a call in flight was not cancelled by Stop")
	}
	after, done2 := srv.callContext(t.Context())
	defer done2()
	if after.Err() != nil {
		t.Error("a call after Stop starts cancelled")
	}
}
