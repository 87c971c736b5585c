Banner %{ if n == 1 }one%{ else }${n}%{ endif } for ${campaign}
