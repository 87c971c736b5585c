package sdk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/easelhq/easel/plugins/proto"
)

// Generate serves one image: it spools the reference bytes easel streams to
// temporary files (removed when the call ends; none are made for a request
// without reference bytes, the common case), calls the provider, and
// streams the image back in chunks followed by the result. Provider
// failures, panics included, are sent as the stream's error message.
func (s *server) Generate(stream pb.Provider_GenerateServer) error {
	header, err := recvHeader(stream)
	if err != nil {
		return err
	}
	sp := &spool{parent: s.tempDir}
	defer sp.remove()
	files, err := spoolReferences(stream, header, sp)
	if err != nil {
		return err
	}
	req, err := s.request(header, func(i int) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return os.Open(files[i]) }
	})
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	ctx, cancel := s.callContext(stream.Context())
	defer cancel()
	release, err := s.takeSlot(ctx, stream, header)
	switch {
	case err == errWithdrawn:
		return sendError(stream, err)
	case err != nil:
		return err
	}
	resp, err := s.generate(ctx, req)
	release() // the vendor call is over: the next queued call starts now
	if err != nil {
		return sendError(stream, err)
	}
	return s.sendResponse(stream, resp)
}

// takeSlot waits for one of the slots a call carries (ImageRequest.slots)
// and tells easel the call started; release frees the slot. A call without
// slots starts at once, with no slot to free. A call withdrawn while it
// waited gets errWithdrawn, to be sent as its error.
func (s *server) takeSlot(ctx context.Context, stream pb.Provider_GenerateServer, header *pb.ImageRequest) (release func(), err error) {
	if header.Slots <= 0 {
		return func() {}, nil
	}
	switch err := s.queue.wait(ctx, int(header.Slots), header.Batch); {
	case err == errWithdrawn:
		return nil, err
	case err != nil:
		return nil, status.FromContextError(err).Err()
	}
	started := &pb.Generate_ServerMessage{Message: &pb.Generate_ServerMessage_Started{Started: &pb.Generate_Started{}}}
	if err := stream.Send(started); err != nil {
		s.queue.done()
		return nil, err
	}
	return s.queue.done, nil
}

// generate calls the provider, turning a panic into an error.
func (s *server) generate(ctx context.Context, req *Request) (resp *Response, err error) {
	defer s.guard("Generate", &err)
	resp, err = s.p.Generate(ctx, req)
	if err == nil && (resp == nil || resp.Image == nil) {
		err = errors.New("the provider returned no image")
	}
	return resp, err
}

func recvHeader(stream pb.Provider_GenerateServer) (*pb.ImageRequest, error) {
	msg, err := stream.Recv()
	if err != nil {
		return nil, err
	}
	h := msg.GetHeader()
	if h == nil {
		return nil, status.Errorf(codes.InvalidArgument, "generate: the first message must be the request header, got %T", msg.Message)
	}
	return h, nil
}

// spool is the temporary directory of one call's reference files, made
// when the first one is created.
type spool struct {
	parent string // "" for the system's temporary directory
	dir    string
}

func (sp *spool) create(name string) (path string, f *os.File, err error) {
	if sp.dir == "" {
		if sp.dir, err = os.MkdirTemp(sp.parent, "easel-refs-"); err != nil {
			return "", nil, err
		}
	}
	path = filepath.Join(sp.dir, name)
	f, err = os.Create(path)
	return path, f, err
}

func (sp *spool) remove() {
	if sp.dir != "" {
		os.RemoveAll(sp.dir)
	}
}

// spoolReferences writes each reference's chunks to its own file in sp
// until the end marker, and returns the file paths by reference index.
func spoolReferences(stream pb.Provider_GenerateServer, header *pb.ImageRequest, sp *spool) ([]string, error) {
	paths := make([]string, len(header.References))
	files := make([]*os.File, len(header.References))
	defer closeAll(files)
	for i, ref := range header.References {
		if !ref.HasBytes {
			continue
		}
		path, f, err := sp.create("ref-" + strconv.Itoa(i))
		if err != nil {
			return nil, status.Errorf(codes.Internal, "spooling reference %s: %v", ref.Name, err)
		}
		paths[i], files[i] = path, f
	}
	written := make([]int64, len(files))
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			return nil, status.Error(codes.InvalidArgument, "generate: the stream ended before the end marker")
		}
		if err != nil {
			return nil, err
		}
		switch m := msg.Message.(type) {
		case *pb.Generate_ClientMessage_ReferenceChunk:
			if err := writeChunk(header, files, written, m.ReferenceChunk); err != nil {
				return nil, err
			}
		case *pb.Generate_ClientMessage_End:
			return paths, checkSizes(header, written, files)
		default:
			return nil, status.Errorf(codes.InvalidArgument, "generate: unexpected %T after the header", msg.Message)
		}
	}
}

func writeChunk(header *pb.ImageRequest, files []*os.File, written []int64, c *pb.Generate_ReferenceChunk) error {
	i := int(c.Index)
	if i < 0 || i >= len(files) || files[i] == nil {
		return status.Errorf(codes.InvalidArgument, "generate: bytes for reference %d, which has none", c.Index)
	}
	ref := header.References[i]
	written[i] += int64(len(c.Data))
	if ref.Size > 0 && written[i] > ref.Size {
		return status.Errorf(codes.InvalidArgument, "reference %s: more than the %d bytes announced", ref.Name, ref.Size)
	}
	if _, err := files[i].Write(c.Data); err != nil {
		return status.Errorf(codes.Internal, "spooling reference %s: %v", ref.Name, err)
	}
	return nil
}

// checkSizes verifies every reference arrived whole and flushes its file.
func checkSizes(header *pb.ImageRequest, written []int64, files []*os.File) error {
	for i, f := range files {
		if f == nil {
			continue
		}
		ref := header.References[i]
		if ref.Size > 0 && written[i] != ref.Size {
			return status.Errorf(codes.InvalidArgument, "reference %s: got %d of %d bytes", ref.Name, written[i], ref.Size)
		}
		if err := f.Close(); err != nil {
			return status.Errorf(codes.Internal, "spooling reference %s: %v", ref.Name, err)
		}
		files[i] = nil
	}
	return nil
}

func closeAll(files []*os.File) {
	for _, f := range files {
		if f != nil {
			f.Close()
		}
	}
}

func sendError(stream pb.Provider_GenerateServer, err error) error {
	return stream.Send(&pb.Generate_ServerMessage{Message: &pb.Generate_ServerMessage_Error{Error: errorToProto(err)}})
}

// sendResponse streams the image in chunks, then the result. A failure
// reading the image is sent as the error instead of the result.
func (s *server) sendResponse(stream pb.Provider_GenerateServer, resp *Response) (err error) {
	if c, ok := resp.Image.(io.Closer); ok {
		defer c.Close()
	}
	mediaType := resp.MediaType
	sent, err := s.sendImage(stream, resp.Image, &mediaType)
	if err != nil {
		if sent.transport {
			return err
		}
		return sendError(stream, fmt.Errorf("reading the generated image: %w", err))
	}
	result := &pb.Generate_Result{
		MediaType: mediaType, CostUsd: resp.CostUSD, Metadata: resp.Metadata,
		Warnings: diagsToProto(resp.Warnings), BilledRetries: int32(resp.BilledRetries),
	}
	return stream.Send(&pb.Generate_ServerMessage{Message: &pb.Generate_ServerMessage_Result{Result: result}})
}

// sendOutcome says whether a failed sendImage failed on the stream itself
// (easel is gone) rather than reading the image.
type sendOutcome struct{ transport bool }

// sendImage streams r in chunks (pb.SendChunks). When mediaType is empty
// it is sniffed from the first bytes. A panic in the reader becomes an
// error.
func (s *server) sendImage(stream pb.Provider_GenerateServer, r io.Reader, mediaType *string) (out sendOutcome, err error) {
	defer s.guard("reading Response.Image", &err)
	// A reader that says how much it holds (a bytes.Reader over a small
	// image) gets buffers of its size, not a quarter megabyte each.
	var size int64
	if l, ok := r.(interface{ Len() int }); ok {
		size = int64(l.Len())
	}
	readErr, sendErr := pb.SendChunks(r, size, func(b []byte) error {
		if *mediaType == "" {
			*mediaType = http.DetectContentType(b)
		}
		return stream.Send(&pb.Generate_ServerMessage{Message: &pb.Generate_ServerMessage_ImageChunk{ImageChunk: &pb.Generate_ImageChunk{Data: b}}})
	})
	if sendErr != nil {
		return sendOutcome{transport: true}, sendErr
	}
	return out, readErr
}
