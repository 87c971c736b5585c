package openai

import (
	"fmt"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Version is the provider's release version.
const Version = "0.1.0"

// defaultModel is the model of an image that names none: the newest model
// with an official output-token formula.
const defaultModel = "gpt-image-2"

// DefaultBaseURL is OpenAI's API.
const DefaultBaseURL = "https://api.openai.com/v1"

// Schema declares the provider block, the image attributes and the models.
func (p *Provider) Schema() sdk.Schema {
	return sdk.Schema{
		HashVersion: 1,
		Version:     Version,
		Provider:    providerAttrs(),
		Image:       withModelList(imageAttrs(), p.today()),
		Models:      sdkModels(p.today()),
	}
}

// withModelList names, in the model attribute's description, the models a
// user can pick on the day of now.
func withModelList(attrs []sdk.Attribute, now time.Time) []sdk.Attribute {
	for i := range attrs {
		if attrs[i].Name == "model" {
			attrs[i].Description = "The OpenAI model: " + strings.Join(activeModelIDs(now), ", ") + "."
		}
	}
	return attrs
}

// providerAttrs are vendorapi's shared settings, described for OpenAI,
// and the organization and project headers.
func providerAttrs() []sdk.Attribute {
	attrs := vendorapi.Attributes(defaults)
	for i, a := range attrs {
		switch a.Name {
		case "base_url":
			attrs[i].Description = "API base URL, for OpenAI-compatible servers (LocalAI, stable-diffusion.cpp) or a test server. Changing it does not regenerate images."
		case "timeout":
			attrs[i].Description = `Time limit of each HTTP exchange (a generation request, or the download of its image), such as "10m" (an image takes tens of seconds to minutes).`
		}
	}
	str := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.String, Description: desc, NoHash: true}
	}
	return append(attrs,
		str("organization", "OpenAI organization ID, sent as OpenAI-Organization."),
		str("project", "OpenAI project ID, sent as OpenAI-Project."))
}

func imageAttrs() []sdk.Attribute {
	str := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.String, Description: desc}
	}
	model := sdk.ModelAttr(defaultModel)
	model.Description = "The OpenAI model."
	size := sdk.SizeAttr("1024x1024")
	size.Description = "Output size: 1024x1024, 1536x1024, 1024x1536 or auto; gpt-image-2 and later also take any WIDTHxHEIGHT with both sides multiples of 16, aspect ratio up to 3:1, at most 3840x2160."
	user := str("user", "End-user ID sent to OpenAI for abuse monitoring; does not change the image.")
	user.NoHash = true
	return []sdk.Attribute{
		sdk.PromptAttr(true),
		model,
		size,
		str("quality", "low, medium, high or auto (gpt-image-2.5 and later add xhigh and max; dall-e-3: standard or hd). Unset means auto, priced at the model's dearest quality."),
		str("background", "transparent, opaque or auto; transparent needs png or webp output."),
		str("output_format", "png, jpeg or webp (gif and svg too on gpt-image-2.6); must match the output file's extension, which it defaults to."),
		{Name: "output_compression", Type: cty.Number, Description: "Compression level 0-100 of jpeg or webp output."},
		str("moderation", "Content moderation level: low or auto."),
		str("input_fidelity", "How closely to keep the references' features: high or low (not on gpt-image-1-mini). Needs references."),
		{Name: "mask", Type: cty.String, File: true,
			Description: "A PNG in the project, the same size as the first reference, whose fully transparent pixels mark what to repaint. Needs references."},
		user,
	}
}

// activeModelIDs lists the models a user can pick on the day of now:
// neither deprecated nor shut down.
func activeModelIDs(now time.Time) []string {
	var ids []string
	for _, m := range Models() {
		if m.Family == GPTImage && m.StatusAt(now) == Active {
			ids = append(ids, m.ID)
		}
	}
	return ids
}

// sdkModels describes the table for GetSchema, with each model's status
// on the day of now.
func sdkModels(now time.Time) []sdk.Model {
	var out []sdk.Model
	for _, m := range Models() {
		sm := sdk.Model{
			ID: m.ID, Description: m.Description, Qualities: m.Qualities, Formats: m.Formats,
			Price: m.priceSummary(), Status: string(m.StatusAt(now)), Replacement: m.Replacement,
			Source: fmt.Sprintf("parameters: %s; prices: %s; lifecycle: %s", m.ParamsSource, m.PriceSource, m.LifecycleSource),
			AsOf:   AsOf,
		}
		sm.Date = m.Shutdown
		if m.FreeSize {
			sm.SizeRule = freeSizeRule
		} else {
			sm.Sizes = m.Sizes
		}
		out = append(out, sm)
	}
	return out
}

const freeSizeRule = "1024x1024, 1536x1024, 1024x1536, auto, or any WIDTHxHEIGHT with both sides multiples of 16, aspect ratio up to 3:1, at most 3840 px per side and 3840x2160 pixels (above 2560x1440 is experimental)"
