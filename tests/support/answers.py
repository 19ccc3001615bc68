"""Builds answer sets for the questionnaire under test (they live in infra.samples, which the bench uses too)."""

from infra.samples import CALM_CONTEXT, answers_with, total_of

__all__ = ["CALM_CONTEXT", "answers_with", "total_of"]
