package stability

import (
	"fmt"
	"strings"

	"github.com/easelhq/easel/internal/vendorapi"
	"github.com/easelhq/easel/plugins/sdk"
	"github.com/zclconf/go-cty/cty"
)

// Schema declares the provider block, the image attributes and the models.
func (p *Provider) Schema() sdk.Schema {
	return sdk.Schema{HashVersion: 1, Version: Version, Provider: vendorapi.Attributes(defaults()), Image: imageAttrs(), Models: sdkModels()}
}

func imageAttrs() []sdk.Attribute {
	str := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.String, Description: desc}
	}
	num := func(name, desc string) sdk.Attribute {
		return sdk.Attribute{Name: name, Type: cty.Number, Description: desc}
	}
	model := sdk.ModelAttr(defaultModel)
	model.Description = "The Stability service: " + strings.Join(modelIDs(), ", ") + "."
	prompt := sdk.PromptAttr(true)
	prompt.Description = "What the image should show, up to 10,000 characters."
	return []sdk.Attribute{
		prompt,
		model,
		str("negative_prompt", "What the image should not show."),
		str("aspect_ratio", "Aspect ratio of a text-to-image result: "+strings.Join(AspectRatios(), ", ")+" (default 1:1). With a reference image the result follows the reference's shape."),
		num("seed", "A seed from 1 to 4294967294 fixes the picture; 0 asks for a random one. Unset, the seed is derived from the image's spec hash: the same settings ask for the same picture, and candidates for different ones. The seed used is recorded in the lockfile."),
		str("style_preset", "A style guide for core and the sd3.5 models, such as photographic, anime, cinematic, 3d-model or pixel-art."),
		num("strength", "With a reference image (ultra and the sd3.5 models): how far to move from it, from 0 (keep it) to 1 (ignore it). Required with a reference."),
	}
}

func modelIDs() []string {
	var ids []string
	for _, m := range Models() {
		ids = append(ids, m.ID)
	}
	return ids
}

func sdkModels() []sdk.Model {
	var out []sdk.Model
	for _, m := range Models() {
		out = append(out, sdk.Model{
			ID: m.ID, Description: m.Description, Formats: []string{"png", "jpeg", "webp"},
			SizeRule: "about 1 megapixel at aspect_ratio " + strings.Join(AspectRatios(), ", ") + " (exact sizes not confirmed)",
			Price:    fmt.Sprintf("%g credits ($%.3f) per image", m.Credits, m.USD()), Status: "active",
			Source: m.Source, AsOf: AsOf,
		})
	}
	return out
}
