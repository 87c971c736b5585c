easel {
  required_providers {
    solid = { source = "acme/solid", version = ">= 1.2" }
  }
}

provider "openai" {
  # api_key defaults to $OPENAI_API_KEY; never written anywhere
  max_concurrency = 4
}

provider "openai" {
  alias    = "eu"
  base_url = "https://eu.api.example.com/v1"
}

variable "campaign" { default = "winter" }

locals {
  style = "flat vector illustration, brand blue #0055ff"
}

image "mascot" {
  provider = openai
  model    = "gpt-image-2"
  prompt   = "A friendly otter mascot, ${local.style}"
  size     = "1024x1024"
  quality  = "medium"
  output   = "assets/mascot.png"
}

image "hero" {
  provider   = openai.eu
  model      = "gpt-image-2"
  prompt     = "Poster: title '${var.campaign} sale' at top, the mascot centre, price tag bottom-right"
  references = ["brand/logo.png", image.mascot]   # a file by path, or another image
  size       = "1536x1024"
  output     = "assets/${var.campaign}/hero.png"
}

image "social" {
  for_each = { twitter = "1500x500", linkedin = "1584x396" }
  provider = transform                            # derived locally: no model, no cost
  source   = image.hero
  resize   = each.value
  output   = "assets/${var.campaign}/hero-${each.key}.webp"
}
