"""The proof-of-work solver the tests use: infra.challenge, which the bench uses too."""

from infra.challenge import fetched, made, over_http, solve, template_challenge_settings

__all__ = ["fetched", "made", "over_http", "solve", "template_challenge_settings"]
