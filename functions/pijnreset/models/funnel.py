"""The funnel report's response (GET /coach/api/funnel), for the OpenAPI spec; logic/funnel_report.py builds it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FunnelTotals(BaseModel):
    model_config = ConfigDict(frozen=True)

    counts: dict[str, int] = Field(description="Every step's count (logic/funnel.py STEPS), 0 included")
    conversion: dict[str, float | None] = Field(
        description="Each funnel step's count as a share of the step before it; null when that one is 0"
    )


class FunnelGroup(FunnelTotals):
    group: str = Field(description="source/medium, a campaign, or all (by=none)")


class FunnelPeriod(FunnelTotals):
    period: str = Field(description="The day (YYYY-MM-DD) or ISO week (YYYY-Www)")
    start: str
    end: str
    groups: list[FunnelGroup]


class FunnelReportResponse(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    by: str
    group: str
    steps: list[str]
    total: FunnelTotals
    groups: list[FunnelGroup]
    periods: list[FunnelPeriod]
