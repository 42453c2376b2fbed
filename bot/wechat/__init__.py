"""The WeChat side: callback verification, parsing, passive replies."""
