# This file is maintained by easel: it records what every image was generated
# from. Commit it and review it like code.

version = 1

provider "placeholder" {
  source  = "easel/placeholder"
  version = "0.1.0"
}

provider "solid" {
  source   = "acme/solid"
  version  = "1.0.0"
  checksum = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
}

image "image.mascot" {
  provider  = "solid"
  spec_hash = "sha256:4444444444444444444444444444444444444444444444444444444444444444"
  output    = "assets/mascot.png"
  sha256    = "5555555555555555555555555555555555555555555555555555555555555555"
  bytes     = 1234567
  width     = 1024
  height    = 1024
  inputs = {
    color  = "#0055ff"
    layers = [1, 2]
    opts = {
      dither = true
    }
  }
  reference "image.hero" {
    kind   = "image"
    sha256 = "6666666666666666666666666666666666666666666666666666666666666666"
  }
  reference "https://example.com/ref.png" {
    kind = "url"
  }
}

image "image.social[\"twitter\"]" {
  provider  = "placeholder"
  model     = "gpt-image-2"
  spec_hash = "sha256:1111111111111111111111111111111111111111111111111111111111111111"
  output    = "assets/hero-twitter.webp"
  sha256    = "2222222222222222222222222222222222222222222222222222222222222222"
  bytes     = 48213
  width     = 1500
  height    = 500
  cost_usd  = 0.042
  inputs = {
    prompt = "A friendly otter"
    size   = "1500x500"
  }
  reference "brand/logo.png" {
    kind   = "file"
    sha256 = "3333333333333333333333333333333333333333333333333333333333333333"
  }
  metadata = {
    revised_prompt = "A friendly otter, waving"
  }
}
