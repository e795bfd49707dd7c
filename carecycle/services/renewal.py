"""Use case: fit renewals — of one cohort's counts, or of the store's agreements per
licence program and cohort — and project them."""

from __future__ import annotations

import contextlib
import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from carecycle.errors import InputError
from carecycle.intelligence.renewal import RenewalFit, fit_events, fit_renewal
from carecycle.services.health import GRACE_DAYS
from carecycle.store.db import Store
from carecycle.times import shift


@dataclass(frozen=True)
class RenewalProjection:
    """A cohort's sBG fit and what it projects: the share active after each period, the
    renewal rate at the end of each, and the discounted renewals a new customer makes."""

    fit: RenewalFit
    survival: list[float]
    retention: list[float]
    discount: float
    expected_renewals: float


def check_projection(periods: int, discount: float) -> None:
    """Raise InputError unless `periods` and `discount` can project renewals."""
    if periods < 1:
        raise InputError("--periods must be 1 or more")
    if not math.isfinite(discount) or discount < 0:
        raise InputError(f"--discount must be a number, 0 or more (e.g. 0.1), got {discount}")


def project(alive: Sequence[float], *, periods: int, discount: float) -> RenewalProjection:
    """Return the fit of the cohort's active counts and its projection over `periods`."""
    check_projection(periods, discount)
    fit = fit_renewal(alive)
    return RenewalProjection(
        fit=fit,
        survival=fit.survival(periods)[1:],
        retention=fit.retention(periods),
        discount=discount,
        expected_renewals=fit.expected_renewals(0, discount=discount),
    )


@dataclass(frozen=True)
class Chains:
    """Agreement chains (a first agreement and its renewals, `renewed_from`) started by a
    day: per chain its first agreement's program and start, its latest agreement and
    account, the renewals made, and whether it lapsed (else it is still running)."""

    program: list[str]
    started: list[date]
    latest: list[str]
    account: list[str]
    renewals: np.ndarray
    lapsed: np.ndarray


@dataclass(frozen=True)
class GroupFit:
    """The sBG fit of one licence program's chains, of one cohort or of all ("all"), or why
    it could not be fitted."""

    program: str
    cohort: str
    chains: int
    lapsed: int
    fit: RenewalFit | None
    why_not: str | None
    retention: list[float]
    expected_renewals: float | None


@dataclass(frozen=True)
class AgreementOutlook:
    """A running agreement's chance of renewing at its end, and the discounted renewals
    still to come, by its program and cohort's fit."""

    agreement_id: str
    account_id: str
    program: str
    cohort: str
    renewals_made: int
    renew_chance: float
    renewals_to_come: float


def read_chains(store: Store, *, as_of: date) -> Chains:
    """Return the chains of agreements started by as_of. A chain lapsed when its latest
    agreement was cancelled by then, or ended more than the grace before it unrenewed."""
    agreements = store.tables()["agreements"]
    started = agreements.filter(agreements.start_on <= as_of)
    found = started.select(
        "agreement_id", "account_id", "program", "start_on", "end_on", "cancelled_on",
        "renewed_from",
    ).to_pyarrow()  # fmt: skip
    ids = found["agreement_id"].to_pylist()
    where = {a: k for k, a in enumerate(ids)}
    parents = [where.get(p) if p is not None else None for p in found["renewed_from"].to_pylist()]
    child = np.full(len(ids), -1, dtype=np.int64)
    for k, parent in enumerate(parents):
        if parent is not None and child[parent] < 0:
            child[parent] = k
    roots = np.array([k for k, parent in enumerate(parents) if parent is None], dtype=np.int64)
    latest, renewals = roots.copy(), np.zeros(len(roots), dtype=np.int64)
    going = child[latest] >= 0
    while going.any():
        latest = np.where(going, child[latest], latest)
        renewals += going
        going = child[latest] >= 0
    end = np.array(found["end_on"].to_pylist(), dtype="datetime64[D]")[latest]
    cancelled = np.array(
        [c is not None and c <= as_of for c in found["cancelled_on"].to_pylist()], dtype=bool
    )[latest]
    grace = np.datetime64(shift(as_of, -GRACE_DAYS, "--as-of"), "D")
    programs, starts = found["program"].to_pylist(), found["start_on"].to_pylist()
    accounts = found["account_id"].to_pylist()
    return Chains(
        program=[programs[k] for k in roots.tolist()],
        started=[starts[k] for k in roots.tolist()],
        latest=[ids[k] for k in latest.tolist()],
        account=[accounts[k] for k in latest.tolist()],
        renewals=renewals,
        lapsed=cancelled | (end < grace),
    )


def cohort_of(day: date, by: str) -> str:
    """Return the cohort a chain started on `day` belongs to: its year or quarter."""
    return str(day.year) if by == "year" else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def fit_chains(
    chains: Chains, *, by: str, periods: int, discount: float
) -> tuple[list[GroupFit], list[AgreementOutlook]]:
    """Return the sBG fit of each program's cohorts and of all its chains, and the outlook
    of every running agreement by its cohort's fit (its program's where the cohort's
    could not be fitted)."""
    if by not in ("year", "quarter"):
        raise InputError(f"--cohort must be year or quarter, not {by!r}")
    check_projection(periods, discount)
    cohorts = [cohort_of(d, by) for d in chains.started]
    groups: dict[tuple[str, str], list[int]] = {}
    for k, (program, cohort) in enumerate(zip(chains.program, cohorts, strict=True)):
        groups.setdefault((program, cohort), []).append(k)
        groups.setdefault((program, "all"), []).append(k)
    fits = {key: _fit_group(chains, key, rows, periods, discount)
            for key, rows in sorted(groups.items())}  # fmt: skip
    outlook = []
    for k in np.flatnonzero(~chains.lapsed).tolist():
        key = (chains.program[k], cohorts[k])
        found = fits[key].fit or fits[(key[0], "all")].fit
        if found is None:
            continue
        made = int(chains.renewals[k])
        outlook.append(
            AgreementOutlook(
                agreement_id=chains.latest[k], account_id=chains.account[k], program=key[0],
                cohort=key[1], renewals_made=made,
                renew_chance=(found.beta + made) / (found.alpha + found.beta + made),
                renewals_to_come=found.expected_renewals(made, discount=discount),
            )
        )  # fmt: skip
    return list(fits.values()), outlook


def _fit_group(
    chains: Chains, key: tuple[str, str], rows: list[int], periods: int, discount: float
) -> GroupFit:
    renewals, lapsed = chains.renewals[rows], chains.lapsed[rows]
    size = int(renewals.max()) + 2
    # A chain that lapsed after r renewals left at period r + 1; one still running is
    # known to have made r renewals (censored there).
    churned = np.bincount(renewals[lapsed] + 1, minlength=size)[1:].astype(float)
    censored = np.bincount(renewals[~lapsed], minlength=size).astype(float)
    fit, why = None, None
    try:
        fit = fit_events(churned, censored, name=f"{key[0]} {key[1]}")
    except InputError as exc:
        why = str(exc).split(": ", 1)[-1]
    expected = None
    if fit is not None:
        with contextlib.suppress(InputError):
            expected = fit.expected_renewals(0, discount=discount)
    return GroupFit(
        program=key[0], cohort=key[1], chains=len(rows), lapsed=int(lapsed.sum()), fit=fit,
        why_not=why, retention=fit.retention(periods) if fit else [], expected_renewals=expected,
    )  # fmt: skip


def write_outlook(outlook: list[AgreementOutlook], path: Path) -> None:
    """Write one CSV row per running agreement: its program, cohort, renewals made, chance
    of renewing at its end and discounted renewals to come."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["agreement_id", "account_id", "program", "cohort", "renewals_made",
                         "renew_chance", "renewals_to_come"])  # fmt: skip
        for o in outlook:
            writer.writerow([o.agreement_id, o.account_id, o.program, o.cohort, o.renewals_made,
                             f"{o.renew_chance:.4f}", f"{o.renewals_to_come:.4f}"])  # fmt: skip
