"""Tooling around template.yaml: reading it, and the embedded local stack that runs it on moto."""
