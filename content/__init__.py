"""The packaged corpus: one YAML deck per seed document, shipped as ``tutor.content``."""
