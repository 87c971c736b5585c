package host

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// crashHint tells the user where to look when a provider process dies.
const crashHint = "The provider's own log is in easel's debug log: run again with EASEL_LOG=debug."

// Generate streams the request and its reference bytes to the provider and
// the image bytes it sends back to out. A provider failure is a
// *plugins.GenerateError; a dead or unreachable provider process is one of
// kind plugins.ErrCrashed. When ctx ends the stream is cancelled and the
// context's error is returned.
func (p *provider) Generate(ctx context.Context, req *plugins.ImageRequest, out io.Writer) (*plugins.GenerateResult, error) {
	if err := p.alive(); err != nil {
		return nil, &plugins.GenerateError{Kind: plugins.ErrCrashed, Message: err.Error(), Hint: crashHint}
	}
	header, err := p.imageRequest(req, true)
	if err != nil {
		return nil, fmt.Errorf("provider %q: %w", p.name, err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := p.rpc.Generate(ctx)
	if err != nil {
		return nil, p.streamError(ctx, req, err)
	}
	if req.Slots <= 0 && req.OnStart != nil {
		req.OnStart()
	}
	if err := sendRequest(stream, header, req.References); err != nil {
		if !errors.Is(err, io.EOF) {
			return nil, p.streamError(ctx, req, err)
		}
		// io.EOF: the provider ended the stream early; receive says why.
	}
	return p.receive(ctx, stream, req, out)
}

// sendRequest sends the header, every reference's bytes in chunks, and the
// end marker. Errors reading a reference are returned as they are.
func sendRequest(stream pb.Provider_GenerateClient, header *pb.ImageRequest, refs []plugins.Reference) error {
	if err := stream.Send(&pb.Generate_ClientMessage{Message: &pb.Generate_ClientMessage_Header{Header: header}}); err != nil {
		return err
	}
	for i, ref := range refs {
		if !header.References[i].HasBytes {
			continue
		}
		if err := sendReference(stream, int32(i), ref); err != nil {
			return err
		}
	}
	if err := stream.Send(&pb.Generate_ClientMessage{Message: &pb.Generate_ClientMessage_End{End: &pb.Generate_End{}}}); err != nil {
		return err
	}
	return stream.CloseSend()
}

// sendReference streams one reference in chunks (pb.SendChunks).
func sendReference(stream pb.Provider_GenerateClient, index int32, ref plugins.Reference) error {
	rc, err := ref.Open()
	if err != nil {
		return fmt.Errorf("reading reference %s: %w", ref.Name, err)
	}
	defer rc.Close()
	readErr, sendErr := pb.SendChunks(rc, ref.Size, func(b []byte) error {
		chunk := &pb.Generate_ReferenceChunk{Index: index, Data: b}
		return stream.Send(&pb.Generate_ClientMessage{Message: &pb.Generate_ClientMessage_ReferenceChunk{ReferenceChunk: chunk}})
	})
	if readErr != nil {
		return fmt.Errorf("reading reference %s: %w", ref.Name, readErr)
	}
	return sendErr
}

// receive writes image chunks to out until the result or error arrives.
func (p *provider) receive(ctx context.Context, stream pb.Provider_GenerateClient, req *plugins.ImageRequest, out io.Writer) (*plugins.GenerateResult, error) {
	for {
		msg, err := stream.Recv()
		if err == io.EOF {
			return nil, fmt.Errorf("provider %q: generating %s: the provider ended the stream without a result", p.name, req.Address)
		}
		if err != nil {
			return nil, p.streamError(ctx, req, err)
		}
		switch m := msg.Message.(type) {
		case *pb.Generate_ServerMessage_Started:
			if req.OnStart != nil {
				req.OnStart()
			}
		case *pb.Generate_ServerMessage_ImageChunk:
			if _, err := out.Write(m.ImageChunk.Data); err != nil {
				return nil, fmt.Errorf("writing image %s: %w", req.Address, err)
			}
		case *pb.Generate_ServerMessage_Result:
			return resultFromProto(m.Result), nil
		case *pb.Generate_ServerMessage_Error:
			return nil, errorFromProto(m.Error)
		default:
			return nil, fmt.Errorf("provider %q: generating %s: unexpected message %T", p.name, req.Address, msg.Message)
		}
	}
}

// Withdraw ends the batch's Generate calls that have not started. A
// provider that does not queue calls has none, and may not know the call.
func (p *provider) Withdraw(ctx context.Context, batch string) error {
	if err := p.alive(); err != nil {
		return err
	}
	_, err := p.rpc.Withdraw(ctx, &pb.Withdraw_Request{Batch: batch})
	if err != nil && status.Code(err) != codes.Unimplemented {
		return p.callError(ctx, "withdrawing queued calls", err)
	}
	return nil
}

// streamError explains a failed Generate stream.
func (p *provider) streamError(ctx context.Context, req *plugins.ImageRequest, err error) error {
	if ctx.Err() == nil && !pastDeadline(ctx) && !p.closing.Load() && p.lost(err) {
		return p.crashed(req)
	}
	return p.callError(ctx, "generating "+req.Address, err)
}

// crashed is the error for an image whose provider process died. The
// request may have reached the vendor before the crash.
func (p *provider) crashed(req *plugins.ImageRequest) error {
	return &plugins.GenerateError{
		Kind:          plugins.ErrCrashed,
		Message:       fmt.Sprintf("provider %q exited unexpectedly while generating %s", p.name, req.Address),
		Hint:          crashHint,
		MayHaveBilled: true,
	}
}
