package host

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/easelhq/easel/plugins"
	pb "github.com/easelhq/easel/plugins/proto"
)

func (p *provider) ValidateImages(ctx context.Context, reqs []*plugins.ImageRequest) ([]plugins.Diagnostics, error) {
	out := make([]plugins.Diagnostics, 0, len(reqs))
	err := p.batches(reqs, func(images []*pb.ImageRequest) error {
		resp, err := p.rpc.ValidateImages(ctx, &pb.ValidateImages_Request{Images: images})
		if err != nil {
			return p.callError(ctx, "validating images", err)
		}
		if len(resp.Results) != len(images) {
			return fmt.Errorf("provider %q: validating images: got %d results for %d images", p.name, len(resp.Results), len(images))
		}
		for _, r := range resp.Results {
			out = append(out, diagsFromProto(r.Diagnostics))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (p *provider) EstimateCost(ctx context.Context, reqs []*plugins.ImageRequest) ([]plugins.Estimate, error) {
	out := make([]plugins.Estimate, 0, len(reqs))
	err := p.batches(reqs, func(images []*pb.ImageRequest) error {
		resp, err := p.rpc.EstimateCost(ctx, &pb.EstimateCost_Request{Images: images})
		if err != nil {
			return p.callError(ctx, "estimating cost", err)
		}
		if len(resp.Estimates) != len(images) {
			return fmt.Errorf("provider %q: estimating cost: got %d estimates for %d images", p.name, len(resp.Estimates), len(images))
		}
		for _, e := range resp.Estimates {
			out = append(out, estimateFromProto(e))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// batches converts reqs and hands them to call in order, in batches that
// stay under pb.MaxBatchSize encoded, so thousands of images never make
// one message near gRPC's size limit.
func (p *provider) batches(reqs []*plugins.ImageRequest, call func([]*pb.ImageRequest) error) error {
	if err := p.alive(); err != nil {
		return err
	}
	var batch []*pb.ImageRequest
	size := 0
	for _, r := range reqs {
		img, err := p.imageRequest(r, false)
		if err != nil {
			return fmt.Errorf("provider %q: %w", p.name, err)
		}
		n := proto.Size(img) + 8 // field tag and length prefix
		if len(batch) > 0 && size+n > pb.MaxBatchSize {
			if err := call(batch); err != nil {
				return err
			}
			batch, size = nil, 0
		}
		batch = append(batch, img)
		size += n
	}
	if len(batch) == 0 {
		return nil
	}
	return call(batch)
}
