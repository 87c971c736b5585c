package bfl

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/plugins/sdk"
)

// input is one reference as the body carries it: base64 of its bytes, or
// its URL; width and height are 0 for a URL.
type input struct {
	value         string
	width, height int
}

// readReferences reads and checks every reference before anything is
// sent: a PNG, JPEG or WebP within the size limit. A URL reference is sent
// as the bytes easel fetched and pinned, even to a model that could fetch
// the URL itself: BFL's fetch could get other content than the lockfile
// records.
func readReferences(refs []sdk.Reference) ([]input, error) {
	var out []input
	for i, r := range refs {
		in, err := readReference(r)
		if err != nil {
			return nil, &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("reference %d (%s): %v", i+1, r.Name, err)}
		}
		out = append(out, in)
	}
	return out, nil
}

func readReference(r sdk.Reference) (input, error) {
	rc, err := r.Open()
	if err != nil {
		return input{}, fmt.Errorf("opening: %w", err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxRefBytes+1))
	if err != nil {
		return input{}, fmt.Errorf("reading: %w", err)
	}
	if len(data) > maxRefBytes {
		return input{}, fmt.Errorf("it is over the %d MB easel sends per reference", maxRefBytes>>20)
	}
	_, w, h, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil {
		return input{}, err
	}
	return input{value: base64.StdEncoding.EncodeToString(data), width: w, height: h}, nil
}

// body is the submission's JSON for s with its references.
func (s *spec) body(refs []input) []byte {
	b := map[string]any{"prompt": s.prompt, "output_format": s.send}
	if s.hasSeed {
		b["seed"] = s.seed
	}
	if s.hasTolerance {
		b["safety_tolerance"] = s.tolerance
	}
	if s.width > 0 {
		b["width"], b["height"] = s.width, s.height
	}
	if s.ratio != "" {
		b["aspect_ratio"] = s.ratio
	}
	putBool(b, "prompt_upsampling", s.upsampling)
	putBool(b, "raw", s.raw)
	if s.strength != nil {
		b["image_prompt_strength"] = *s.strength
	}
	if s.steps != nil {
		b["steps"] = *s.steps
	}
	if s.guidance != nil {
		b["guidance"] = *s.guidance
	}
	for i, in := range refs {
		b[refField(s.family(), i)] = in.value
	}
	data, _ := json.Marshal(b) // strings, numbers and bools always marshal
	return data
}

func putBool(b map[string]any, name string, v *bool) {
	if v != nil {
		b[name] = *v
	}
}

// refField is the body field of the i-th reference: image_prompt for
// FLUX1.1 [pro] and Ultra, input_image, input_image_2, ... otherwise.
func refField(f Family, i int) string {
	switch {
	case f == Flux1 || f == Ultra:
		return "image_prompt"
	case i == 0:
		return "input_image"
	}
	return fmt.Sprintf("input_image_%d", i+1)
}
