# Northwind's autumn launch on gpt-image-2: a hero poster, a studio shot of
# every product, and the hero localised for each market. Run it against the
# fake OpenAI server (see README.md) or, with OPENAI_API_KEY set, against
# OpenAI itself (about $0.52; `easel plan` gives the exact estimate).

variable "openai_base_url" {
  type        = string
  default     = "https://api.openai.com/v1"
  description = "OpenAI's API, or an OpenAI-compatible server such as the fake in internal/fakeapi."
}

variable "campaign" {
  type        = string
  default     = "autumn-2026"
  description = "Campaign name: it names the output folder."
}

variable "products" {
  description = "The products of the launch, by SKU slug."
  type = map(object({
    name   = string
    detail = string
  }))
  default = {
    daypack = {
      name   = "Ridge 24 daypack"
      detail = "rust-orange ripstop, forest-green straps, roll-top closure"
    }
    tent = {
      name   = "Cairn 2 tent"
      detail = "two-person dome tent, sand fly sheet, pitched on a slate rock"
    }
    mug = {
      name   = "Ember camp mug"
      detail = "enamel mug in forest green with a cream rim and the mountain logo"
    }
  }
}

variable "locales" {
  description = "Headline and call to action per market; each gets its own hero."
  type = map(object({
    headline = string
    cta      = string
  }))
  default = {
    en = { headline = "Made for the long way round", cta = "Shop the autumn range" }
    de = { headline = "Gemacht für den langen Weg", cta = "Zur Herbstkollektion" }
    fr = { headline = "Fait pour le chemin des écoliers", cta = "Découvrir la collection" }
  }
}

locals {
  brand = "Northwind outdoor brand style: warm earth tones (forest green #2f4f3a, rust #c25b2a, sand #e9d8b4, slate #3b4552), matte film photography, soft low sun, generous negative space"
  out   = "assets/${var.campaign}"
}

provider "openai" {
  base_url        = var.openai_base_url
  max_concurrency = 4
}

# The campaign hero: the logo and palette set the look.
image "hero" {
  provider   = openai
  model      = "gpt-image-2"
  prompt     = "Wide campaign poster: a hiker with the Ridge 24 daypack on a ridge at golden hour, valley mist below, empty sky across the top third for a headline, the mountain logo small in the bottom-right corner. ${local.brand}"
  references = ["brand/logo.png", "brand/palette.png"]
  size       = "1536x1024"
  quality    = "high"
  output     = "${local.out}/hero.png"
}

# One studio shot per product, cut out on transparency for the web shop.
image "product" {
  for_each   = var.products
  provider   = openai
  model      = "gpt-image-2"
  prompt     = "Studio product photograph of the ${each.value.name}: ${each.value.detail}. Three-quarter view, soft shadow, nothing else in frame. ${local.brand}"
  references = ["brand/palette.png"]
  size       = "1024x1024"
  quality    = "medium"
  background = "transparent"
  output     = "${local.out}/products/${each.key}.webp"
}

# The hero per market: only the headline band (transparent in the mask) is
# repainted, so the photograph stays the same across markets.
image "hero_localized" {
  for_each           = var.locales
  provider           = openai
  model              = "gpt-image-2"
  prompt             = "Set the headline \"${each.value.headline}\" in the empty sky, in a bold cream serif, and a small rust button reading \"${each.value.cta}\" beneath it. Keep everything else exactly as it is."
  references         = [image.hero, "brand/logo.png"]
  mask               = "brand/headline-mask.png"
  input_fidelity     = "high"
  size               = "1536x1024"
  quality            = "medium"
  output_compression = 85
  output             = "${local.out}/hero-${each.key}.jpg"
}

# A square social tile per market, built on its localised hero.
image "social" {
  for_each   = var.locales
  provider   = openai
  model      = "gpt-image-2"
  prompt     = "Square social media tile cropped from this poster: keep the headline and the hiker, add the mountain logo top-left. ${local.brand}"
  references = [image.hero_localized[each.key], "brand/logo.png"]
  size       = "1024x1024"
  quality    = "low"
  output     = "${local.out}/social-${each.key}.png"
}
