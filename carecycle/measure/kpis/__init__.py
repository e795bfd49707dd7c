"""The KPI catalogue: program, stage and operational measures over the store, each defined once.

A KPI is a formula (a numerator and, for a ratio, a denominator) over the rows of a
source: the order lines of the period, the agreements ending in it, the touches sent in
it, and so on. Its docstring says exactly what it counts; `kpi` and `kpi_source` register
KPIs and sources, the same door an extension uses. `evaluate_kpis` aggregates every
requested KPI of a source in one pass and unions the sources into one query, executed once.

Rules every KPI follows:
- the period is `start`..`end`, both days included; a time counts by its day;
- a merged account is never a unit: its rows count for the account it was merged into;
- with a program, the base is the accounts assigned to it (test and holdout arms) by the
  period's end and only its touches count; without one, the whole base and every touch;
- grouping by segment, partner or region uses the unit's account; grouping by program,
  stage, touch or channel uses the unit's own touch when it has one (a touch, or a record
  naming the touch that captured it) and otherwise puts an account's units in each group
  of which the account had a touch planned in the period and not withheld (held-out
  touches count: the holdout arm moves through the stages too), so groups may overlap.
"""

from carecycle.measure.kpis import catalogue, sources
from carecycle.measure.kpis.core import (
    GROUPINGS,
    KPIS,
    SOURCES,
    Formula,
    Kpi,
    Scope,
    choose_kpis,
    evaluate_kpis,
    kpi,
    kpi_source,
    quarter_ends,
)

__all__ = [
    "GROUPINGS", "KPIS", "SOURCES", "Formula", "Kpi", "Scope", "catalogue", "choose_kpis",
    "evaluate_kpis", "kpi", "kpi_source", "quarter_ends", "sources",
]  # fmt: skip
