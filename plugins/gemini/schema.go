package gemini

import (
	"fmt"
	"strings"
	"time"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Schema declares the provider block, the image attributes and the models.
func (p *Provider) Schema() sdk.Schema {
	return sdk.Schema{
		HashVersion: 1,
		Version:     Version,
		Provider:    providerAttrs(),
		Image:       imageAttrs(),
		Models:      sdkModels(p.env.Now()),
	}
}

func providerAttrs() []sdk.Attribute {
	attrs := vendorapi.Attributes(defaults())
	attrs[0].Description = "Gemini API key; defaults to $GEMINI_API_KEY, then $GOOGLE_API_KEY, when the provider is configured. Sent as the x-goog-api-key header, never in a URL. Never written anywhere."
	return attrs
}

func imageAttrs() []sdk.Attribute {
	str := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.String, Description: desc}
	}
	model := sdk.ModelAttr(defaultModel)
	model.Description = "The Gemini image model: " + strings.Join(modelIDs(), ", ") + "."
	return []sdk.Attribute{
		sdk.PromptAttr(true),
		model,
		str("aspect_ratio", "Aspect ratio: 1:1, 2:3, 3:2, 3:4, 4:3, 4:5, 5:4, 9:16, 16:9 or 21:9 (gemini-nano-banana-2.1 adds 1:4, 4:1, 1:8, 8:1). Unset: 1:1, or the first reference's shape."),
		str("image_size", "Resolution tier: 1K (the default), 2K or 4K; gemini-2.5-flash-image makes 1K only."),
		str("thinking_level", "How long the model thinks first: minimal, low, medium or high (gemini-nano-banana-2.1 only)."),
		str("person_generation", "Whether people may be drawn: allow_all, allow_adult or allow_none."),
	}
}

func modelIDs() []string {
	var ids []string
	for _, m := range Models() {
		ids = append(ids, m.ID)
	}
	return ids
}

// sdkModels describes the table for GetSchema, with each model's status
// on the day of now.
func sdkModels(now time.Time) []sdk.Model {
	var out []sdk.Model
	for _, m := range Models() {
		out = append(out, sdk.Model{
			ID: m.ID, Description: m.Description, Formats: []string{"png", "jpeg", "webp"},
			SizeRule: fmt.Sprintf("aspect_ratio %s at image_size %s", strings.Join(m.Ratios, ", "), strings.Join(m.Sizes, ", ")),
			Price:    m.priceSummary(), Status: string(m.StatusAt(now)), Date: m.Shutdown, Replacement: m.Replacement,
			Source: fmt.Sprintf("parameters: %s; prices: %s; lifecycle: %s", m.ParamsSource, m.PriceSource, m.LifecycleSource),
			AsOf:   AsOf,
		})
	}
	return out
}
