package sdk

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	pb "github.com/easelhq/easel/plugins/proto"
)

// server adapts a Provider to the protocol's gRPC service.
type server struct {
	pb.UnimplementedProviderServer
	p       Provider
	logger  hclog.Logger
	tempDir string // where reference bytes are spooled; "" for the default
	// values decodes request attributes, parsing each attribute type once
	// rather than once per image.
	values pb.Codec
	// queue holds the Generate calls that wait for a slot.
	queue callQueue
	// made lists the formats only some models make (GIF, SVG) that one of
	// the provider's does (unmadeFormat).
	made func() []string

	mu   sync.Mutex
	stop context.CancelFunc // cancels the calls in flight; Stop replaces it
	live context.Context
}

func newServer(p Provider, logger hclog.Logger, tempDir string) *server {
	s := &server{p: p, logger: logger, tempDir: tempDir}
	s.made = sync.OnceValue(func() []string { return madeFormats(p) })
	s.live, s.stop = context.WithCancel(context.Background())
	return s
}

// callContext derives the context a provider method runs under: it ends
// with the RPC or when easel calls Stop.
func (s *server) callContext(rpc context.Context) (context.Context, context.CancelFunc) {
	s.mu.Lock()
	live := s.live
	s.mu.Unlock()
	ctx, cancel := context.WithCancel(rpc)
	unhook := context.AfterFunc(live, cancel)
	return ctx, func() { unhook(); cancel() }
}

// Stop cancels every call in flight. The server keeps serving: a reattached
// provider outlives many easel runs.
func (s *server) Stop(context.Context, *pb.Stop_Request) (*pb.Stop_Response, error) {
	s.mu.Lock()
	s.stop()
	s.live, s.stop = context.WithCancel(context.Background())
	s.mu.Unlock()
	return &pb.Stop_Response{}, nil
}

// guard turns a panic in provider code into an error, so one bad call does
// not take the process (and every other image in flight) down.
func (s *server) guard(what string, err *error) {
	if r := recover(); r != nil {
		s.logger.Error("provider panicked", "in", what, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
		*err = fmt.Errorf("provider panicked in %s: %v", what, r)
	}
}

func (s *server) GetSchema(context.Context, *pb.GetSchema_Request) (resp *pb.GetSchema_Response, err error) {
	defer s.guard("Schema", &err)
	schema, err := WireSchema(s.p)
	if err != nil {
		return nil, status.Errorf(codes.Internal, "schema: %v", err)
	}
	return &pb.GetSchema_Response{Schema: schema}, nil
}

// WireSchema is the schema a process serving p sends in answer to
// GetSchema. A host that links p in, as easel does its built-in providers,
// reads it from here rather than waiting for the process to start.
func WireSchema(p Provider) (*pb.Schema, error) {
	schema, err := schemaToProto(p.Schema())
	if err != nil {
		return nil, err
	}
	schema.QueuesCalls = true
	return schema, nil
}

// Withdraw ends a batch's Generate calls that have not started.
func (s *server) Withdraw(_ context.Context, req *pb.Withdraw_Request) (*pb.Withdraw_Response, error) {
	return &pb.Withdraw_Response{Withdrawn: int32(s.queue.withdraw(req.Batch))}, nil
}

func (s *server) ValidateConfig(rpc context.Context, req *pb.ValidateConfig_Request) (resp *pb.ValidateConfig_Response, err error) {
	defer s.guard("ValidateConfig", &err)
	cv, ok := s.p.(ConfigValidator)
	if !ok {
		return &pb.ValidateConfig_Response{}, nil
	}
	config, err := configFromProto(req.Config)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.callContext(rpc)
	defer cancel()
	return &pb.ValidateConfig_Response{Diagnostics: diagsToProto(cv.ValidateConfig(ctx, config))}, nil
}

func (s *server) Configure(rpc context.Context, req *pb.Configure_Request) (resp *pb.Configure_Response, err error) {
	defer s.guard("Configure", &err)
	config, err := configFromProto(req.Config)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.callContext(rpc)
	defer cancel()
	return &pb.Configure_Response{Diagnostics: diagsToProto(s.p.Configure(ctx, config))}, nil
}

func configFromProto(dv *pb.DynamicValue) (Config, error) {
	v, err := pb.DecodeValue(dv)
	if err != nil {
		return Config{}, status.Errorf(codes.InvalidArgument, "provider configuration: %v", err)
	}
	return Config{Values: v}, nil
}

// ValidateImages validates each image and, when the request asks for it,
// prices it from the same decoded request.
func (s *server) ValidateImages(rpc context.Context, req *pb.ValidateImages_Request) (resp *pb.ValidateImages_Response, err error) {
	defer s.guard("ValidateImage", &err)
	v, _ := s.p.(Validator)
	e, _ := s.p.(Estimator)
	ctx, cancel := s.callContext(rpc)
	defer cancel()
	resp = &pb.ValidateImages_Response{Results: make([]*pb.ValidateImages_Result, 0, len(req.Images))}
	for _, img := range req.Images {
		r, err := s.request(img, nil)
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		var res pb.ValidateImages_Result
		if d := s.unmadeFormat(r); d != nil {
			res.Diagnostics = diagsToProto(d)
			if req.Estimate {
				res.Estimate = estimateToProto(Estimate{})
			}
			resp.Results = append(resp.Results, &res)
			continue
		}
		if v != nil {
			res.Diagnostics = diagsToProto(v.ValidateImage(ctx, r))
		}
		if req.Estimate {
			var est Estimate
			if e != nil {
				est = e.EstimateCost(ctx, r)
			}
			res.Estimate = estimateToProto(est)
		}
		resp.Results = append(resp.Results, &res)
	}
	return resp, nil
}

func (s *server) EstimateCost(rpc context.Context, req *pb.EstimateCost_Request) (resp *pb.EstimateCost_Response, err error) {
	defer s.guard("EstimateCost", &err)
	e, _ := s.p.(Estimator)
	ctx, cancel := s.callContext(rpc)
	defer cancel()
	resp = &pb.EstimateCost_Response{Estimates: make([]*pb.Estimate, 0, len(req.Images))}
	for _, img := range req.Images {
		r, err := s.request(img, nil)
		if err != nil {
			return nil, status.Error(codes.InvalidArgument, err.Error())
		}
		var est Estimate
		if e != nil {
			est = e.EstimateCost(ctx, r)
		}
		resp.Estimates = append(resp.Estimates, estimateToProto(est))
	}
	return resp, nil
}
