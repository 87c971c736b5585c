# The real services, for `easel plan -var-file real-apis.vars.hcl`. The keys
# come from the environment: OPENAI_API_KEY, OAKGEN_API_KEY, BFL_API_KEY,
# GEMINI_API_KEY and STABILITY_API_KEY.
openai_base_url    = "https://api.openai.com/v1"
oakgen_base_url    = "https://api.oakgen.ai"
bfl_base_url       = "https://api.bfl.ai"
gemini_base_url    = "https://generativelanguage.googleapis.com"
stability_base_url = "https://api.stability.ai"
