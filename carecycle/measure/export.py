"""A program report as JSON and as one flat CSV, for other tools and spreadsheets.

The numbers come from `measure.report` unchanged. JSON mirrors the dataclasses with the
verdicts added; the CSV is one table with a `section` column and plain numbers.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from typing import Any

from carecycle.measure.experiments import Interval, Return
from carecycle.measure.report import MEASURES, FunnelStage, KpiValue, Lift, ProgramReport

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _finite(value: Any) -> Any:
    """Return `value` with NaN and infinities replaced by None, so the JSON stays valid."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def render_json(report: ProgramReport) -> str:
    """Return the report as JSON: snake_case keys mirroring the dataclasses, plus verdicts."""
    data = asdict(report)
    for row, lift in zip(data["lifts"], report.lifts, strict=True):
        row["unit"] = lift.unit
        row["significant"] = lift.significant
    data["verdicts"] = report.verdicts()
    return json.dumps(_finite(data), indent=2, default=_json_default, allow_nan=False) + "\n"


# fmt: off
CSV_COLUMNS = (
    "section", "program_id", "start", "end", "level", "scope", "name", "kpi", "measure",
    "label", "unit", "group", "value", "test_n", "test_value", "control_n", "control_value",
    "difference", "difference_low", "difference_high", "relative", "relative_low",
    "relative_high", "p_value", "significant", "adjusted", "adjusted_low", "adjusted_high",
    "before_after", "before_after_low", "before_after_high", "note", "touched", "responded",
    "channel", "planned", "sent", "delivered", "failed", "cost", "expected_test_share",
    "mismatch", "incremental", "incremental_low", "incremental_high", "roi", "roi_low",
    "roi_high",
)
# fmt: on


def _interval_columns(prefix: str, interval: Interval | None) -> dict[str, object]:
    if interval is None:
        return {}
    return {
        prefix: interval.estimate,
        f"{prefix}_low": interval.low,
        f"{prefix}_high": interval.high,
    }


def _lift_record(lift: Lift) -> dict[str, object]:
    measure = MEASURES[lift.measure]
    return {
        "level": lift.level,
        "scope": lift.scope,
        "name": lift.name,
        "measure": lift.measure,
        "label": measure.label,
        "unit": measure.unit,
        "test_n": lift.test.n,
        "test_value": lift.test.value,
        "control_n": lift.control.n,
        "control_value": lift.control.value,
        "p_value": lift.p_value,
        "significant": lift.significant,
        "note": lift.note,
        **_interval_columns("difference", lift.difference),
        **_interval_columns("relative", lift.relative),
        **_interval_columns("adjusted", lift.adjusted),
        **_interval_columns("before_after", lift.before_after),
    }


def _arms_record(report: ProgramReport) -> dict[str, object]:
    arms = report.arms
    return {
        "test_n": arms.test,
        "control_n": arms.control,
        "expected_test_share": arms.expected_test_share,
        "p_value": arms.p_value,
        "mismatch": arms.mismatch,
    }


def _return_record(returns: Return) -> dict[str, object]:
    return {
        "cost": returns.cost,
        **_interval_columns("incremental", returns.incremental),
        **_interval_columns("roi", returns.roi),
    }


def _funnel_record(stage: FunnelStage) -> dict[str, object]:
    return {
        "scope": stage.stage_id,
        "name": stage.name,
        "test_n": stage.test,
        "control_n": stage.control,
        "touched": stage.touched,
        "responded": stage.responded,
    }


def _kpi_record(kpi: KpiValue) -> dict[str, object]:
    fields = ("level", "kpi", "label", "unit", "group", "value")
    return {field: getattr(kpi, field) for field in fields}


def _csv_records(report: ProgramReport) -> Iterator[tuple[str, dict[str, object]]]:
    """Yield every row of the flat CSV with its section, in the order the page shows them."""
    yield "arms", _arms_record(report)
    if report.returns is not None:
        yield "return", _return_record(report.returns)
    yield from (("kpi", _kpi_record(k)) for k in report.kpis)
    yield from (("funnel", _funnel_record(s)) for s in report.funnel)
    yield from (("channel", asdict(c)) for c in report.channels)
    yield from (("lift", _lift_record(lift)) for lift in report.lifts)


def _csv_value(value: object) -> object:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        # a spreadsheet would run "-180 days: renew" or "=HYPERLINK(...)" as a formula
        return "'" + value
    return value


def render_csv(report: ProgramReport) -> str:
    """Return the report as one flat CSV: a `section` column and plain, unformatted numbers."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    common = {"program_id": report.program_id, "start": report.start, "end": report.end}
    for section, record in _csv_records(report):
        row = {"section": section, **common, **record}
        writer.writerow({key: _csv_value(value) for key, value in row.items()})
    return out.getvalue()
