"""Where digests come from: an OpenAI-compatible endpoint, the embedded llama.cpp model, or rules."""
