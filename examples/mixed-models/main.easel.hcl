# Northwind's winter launch, made with five image services in one plan:
# Gemini draws the mascot, OpenAI the hero poster around it, Stability a
# print poster from the mascot and a wide banner, Black Forest Labs' FLUX a
# product shot, and Oakgen a cheap thumbnail. `easel plan` prices every
# image and the total, offline.
#
# The base URLs default to the local fakes of examples/mixed-models/fakes
# (see README.md): nothing here reaches a real service or costs money until
# they are pointed at the real APIs.

variable "openai_base_url" {
  type        = string
  default     = "http://127.0.0.1:8781/v1"
  description = "OpenAI's API (https://api.openai.com/v1) or the fake."
}

variable "oakgen_base_url" {
  type        = string
  default     = "http://127.0.0.1:8782"
  description = "Oakgen's API (https://api.oakgen.ai) or the fake."
}

variable "bfl_base_url" {
  type        = string
  default     = "http://127.0.0.1:8783"
  description = "Black Forest Labs' API (https://api.bfl.ai) or the fake."
}

variable "gemini_base_url" {
  type        = string
  default     = "http://127.0.0.1:8784"
  description = "The Gemini API (https://generativelanguage.googleapis.com) or the fake."
}

variable "stability_base_url" {
  type        = string
  default     = "http://127.0.0.1:8785"
  description = "Stability AI's API (https://api.stability.ai) or the fake."
}

locals {
  brand = "Northwind outdoor brand: forest green #2f4f3a, rust #c25b2a, snow white, flat vector shapes, soft grain"
  out   = "assets/winter"
}

provider "openai" {
  base_url = var.openai_base_url
}

provider "oakgen" {
  base_url = var.oakgen_base_url
}

provider "bfl" {
  base_url = var.bfl_base_url
}

provider "gemini" {
  base_url = var.gemini_base_url
}

provider "stability" {
  base_url = var.stability_base_url
}

# Gemini's current Nano Banana draws the mascot the others build on.
image "mascot" {
  provider       = gemini
  model          = "gemini-nano-banana-2.1"
  prompt         = "A friendly otter mascot in a knitted scarf, waving, ${local.brand}, plain white background"
  aspect_ratio   = "1:1"
  thinking_level = "minimal"
  output         = "${local.out}/mascot.png"
}

# OpenAI composes the hero from the logo and the mascot.
image "hero" {
  provider   = openai
  model      = "gpt-image-2"
  prompt     = "Winter sale poster: the title 'Winter Trails' at the top, the mascot in the centre on a snowy ridge, the logo bottom-right, ${local.brand}"
  references = ["brand/logo.png", image.mascot]
  size       = "1536x1024"
  quality    = "medium"
  output     = "${local.out}/hero.png"
}

# Stability Ultra turns the mascot into a print poster (image-to-image);
# the seed makes a regeneration give the same picture.
image "poster" {
  provider   = stability
  model      = "ultra"
  prompt     = "The otter mascot skiing down a slope, screen-printed poster, ${local.brand}"
  references = [image.mascot]
  strength   = 0.55
  seed       = 2026
  output     = "${local.out}/poster.png"
}

# Stability Core makes the wide web banner, cheaply.
image "banner" {
  provider        = stability
  model           = "core"
  prompt          = "A wide snowy forest at dawn with room for text on the left, ${local.brand}"
  negative_prompt = "text, letters, watermark"
  aspect_ratio    = "21:9"
  style_preset    = "digital-art"
  output          = "${local.out}/banner.jpg"
}

# Black Forest Labs' FLUX.1 Kontext puts the mascot into a product shot;
# BFL works asynchronously (submit, then poll), which easel hides.
image "product" {
  provider     = bfl
  model        = "flux-kontext-pro"
  prompt       = "The otter mascot holding the Ember camp mug, studio product photo on a sand backdrop"
  references   = [image.mascot]
  aspect_ratio = "4:3"
  seed         = 7
  output       = "${local.out}/product.jpg"
}

# Oakgen's gpt-image-1-mini makes a small thumbnail for the newsletter.
image "thumbnail" {
  provider = oakgen
  model    = "gpt-image-1-mini"
  prompt   = "A mug of cocoa on a snowy log, ${local.brand}"
  size     = "1024x1024"
  quality  = "low"
  output   = "${local.out}/thumbnail.jpg"
}
