# The quickstart: six images on the offline `placeholder` provider.
# Run `easel plan`, then `easel apply`, then edit a prompt and plan again.

variable "campaign" {
  type        = string
  default     = "winter"
  description = "Campaign name: it shows in prompts and output paths."
}

variable "locales" {
  type    = map(string)
  default = {
    en = "Winter sale"
    de = "Winterschlussverkauf"
    fr = "Soldes d'hiver"
  }
}

locals {
  style = "flat vector illustration, brand blue #0055ff, soft shadows"
  dir   = "assets/${var.campaign}"
}

# A standalone image: the campaign mascot.
image "mascot" {
  prompt = "A friendly otter mascot waving, ${local.style}"
  size   = "512x512"
  output = "${local.dir}/mascot.png"
}

# An image that references a file and another image.
image "hero" {
  prompt     = "Poster: '${var.locales["en"]}' at the top, the mascot in the centre, logo bottom-right, ${local.style}"
  references = ["brand/logo.png", image.mascot]
  size       = "1536x640"
  output     = "${local.dir}/hero.png"
}

# One banner per locale, each built on the hero.
image "banner" {
  for_each   = var.locales
  prompt     = "Web banner with the headline '${each.value}', ${local.style}"
  references = [image.hero]
  size       = "1200x400"
  output     = "${local.dir}/banner-${each.key}.jpg"
}

# A WebP social card.
image "social" {
  prompt = "Square social card for the ${var.campaign} campaign, ${upper(var.campaign)} in bold"
  size   = "800x800"
  output = "${local.dir}/social.webp"
}
