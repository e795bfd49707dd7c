"""Use case: fit a cohort's renewals and project them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from carecycle.errors import InputError
from carecycle.intelligence.renewal import RenewalFit, fit_renewal


@dataclass(frozen=True)
class RenewalProjection:
    """A cohort's sBG fit and what it projects: the share active after each period, the
    renewal rate at the end of each, and the discounted renewals a new customer makes."""

    fit: RenewalFit
    survival: list[float]
    retention: list[float]
    discount: float
    expected_renewals: float


def project(alive: Sequence[float], *, periods: int, discount: float) -> RenewalProjection:
    """Return the fit of the cohort's active counts and its projection over `periods`."""
    if periods < 1:
        raise InputError("--periods must be 1 or more")
    if not math.isfinite(discount) or discount < 0:
        raise InputError(f"--discount must be a number, 0 or more (e.g. 0.1), got {discount}")
    fit = fit_renewal(alive)
    return RenewalProjection(
        fit=fit,
        survival=fit.survival(periods)[1:],
        retention=fit.retention(periods),
        discount=discount,
        expected_renewals=fit.expected_renewals(0, discount=discount),
    )
