package gemini

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/easelhq/easel/internal/imagefmt"
	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
)

// Generate produces one image: it checks the request, builds the
// generateContent body with the references inline, waits for a
// concurrency slot, and calls the API under vendorapi's retry policy.
// Failures the user can act on are *sdk.Error.
func (p *Provider) Generate(ctx context.Context, req *sdk.Request) (*sdk.Response, error) {
	c, err := p.configured()
	if err != nil {
		return nil, err
	}
	s, diags := resolve(req, p.env.Now())
	if diags.HasErrors() {
		return nil, diags.Invalid()
	}
	body, err := s.body()
	if err != nil {
		return nil, err
	}
	return c.Generate(ctx, diags.Warnings(), func(ctx context.Context) vendorapi.Outcome { return s.attempt(ctx, c, body) })
}

// Wire form of a generateContent request (camelCase, as the REST API
// documents it).
type (
	request struct {
		Contents         []content        `json:"contents"`
		GenerationConfig generationConfig `json:"generationConfig"`
	}
	content struct {
		Role  string `json:"role"`
		Parts []part `json:"parts"`
	}
	part struct {
		Text       string      `json:"text,omitempty"`
		InlineData *inlineData `json:"inlineData,omitempty"`
		Thought    bool        `json:"thought,omitempty"`
	}
	inlineData struct {
		MimeType string `json:"mimeType"`
		Data     string `json:"data"`
	}
	generationConfig struct {
		ResponseModalities []string        `json:"responseModalities"`
		ImageConfig        *imageConfig    `json:"imageConfig,omitempty"`
		ThinkingConfig     *thinkingConfig `json:"thinkingConfig,omitempty"`
	}
	imageConfig struct {
		AspectRatio      string `json:"aspectRatio,omitempty"`
		ImageSize        string `json:"imageSize,omitempty"`
		PersonGeneration string `json:"personGeneration,omitempty"`
	}
	thinkingConfig struct {
		ThinkingLevel string `json:"thinkingLevel"`
	}
)

// maxRefBytes bounds one reference read into memory: more than the whole
// request may carry.
const maxRefBytes = maxInlineBytes

// body is the JSON request: the prompt, then each reference as an inline
// image part with its real MIME type.
func (s *spec) body() ([]byte, error) {
	parts := []part{{Text: s.prompt}}
	for i, r := range s.refs {
		data, mt, err := readReference(r)
		if err != nil {
			return nil, &sdk.Error{Kind: sdk.ErrInvalid, Message: fmt.Sprintf("reference %d (%s): %v", i+1, r.Name, err)}
		}
		parts = append(parts, part{InlineData: &inlineData{MimeType: mt, Data: vendorapi.EncodeBase64(data)}})
	}
	modalities := []string{"TEXT", "IMAGE"}
	if s.model != nil {
		modalities = s.model.Modalities
	}
	r := request{Contents: []content{{Role: "user", Parts: parts}}, GenerationConfig: generationConfig{ResponseModalities: modalities}}
	ic := imageConfig{AspectRatio: s.ratio, PersonGeneration: s.person}
	if s.model == nil || s.model.SendSize {
		ic.ImageSize = s.size
	}
	if ic != (imageConfig{}) {
		r.GenerationConfig.ImageConfig = &ic
	}
	if s.thinking != "" {
		r.GenerationConfig.ThinkingConfig = &thinkingConfig{ThinkingLevel: s.thinking}
	}
	return json.Marshal(r)
}

// readReference reads a reference's bytes and its MIME type, from the
// bytes themselves.
func readReference(r sdk.Reference) ([]byte, string, error) {
	rc, err := r.Open()
	if err != nil {
		return nil, "", err
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, maxRefBytes+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > maxRefBytes {
		return nil, "", fmt.Errorf("larger than the %d MB Gemini takes inline", maxRefBytes>>20)
	}
	format, _, _, err := imagefmt.Sniff(bytes.NewReader(data))
	if err != nil {
		return nil, "", err
	}
	return data, imagefmt.MediaType(format), nil
}

// attempt sends the request once and classifies the answer.
func (s *spec) attempt(ctx context.Context, c *vendorapi.Client, body []byte) vendorapi.Outcome {
	path := "/v1beta/models/" + url.PathEscape(s.modelID) + ":generateContent"
	hreq, err := vendorapi.JSONRequest(ctx, http.MethodPost, c.URL(path), body)
	if err != nil {
		return vendorapi.Outcome{Class: vendorapi.Final, Err: &sdk.Error{Kind: sdk.ErrInvalid, Message: "building the request: " + c.Redact(err.Error())}}
	}
	if key := c.Settings.APIKey; key != "" {
		hreq.Header.Set("x-goog-api-key", key)
	}
	hreq.Header.Set("User-Agent", "easel-gemini/"+Version)
	resp, err := c.Do(ctx, hreq)
	if err != nil {
		return c.NetworkOutcome(err, true)
	}
	if resp.Status != http.StatusOK {
		return s.classifyError(c, resp)
	}
	return s.decode(c, resp.Body)
}
