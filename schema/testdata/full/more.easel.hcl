image "banner" {
  count      = 2
  prompt     = templatefile("prompts/banner.tpl", { n = count.index + 1, campaign = var.campaign })
  references = [image.social["twitter"], "https://cdn.example.com/ref.jpg"]
  depends_on = [image.mascot]
  output     = "assets/banner-${count.index}.jpg"
}
