"""Lifetime-value models against their published estimates, and their edge cases."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import special

from carecycle.errors import InputError
from carecycle.intelligence import clv
from carecycle.services.clv import fit_file, predict_file, write_predictions

DATA = Path(__file__).parents[1] / "data"
CDNOW = DATA / "cdnow_customers_summary.csv"


def cdnow() -> tuple[list[float], list[float], list[float]]:
    with CDNOW.open() as handle:
        rows = list(csv.DictReader(handle))
    return tuple([float(r[c]) for r in rows] for c in ("frequency", "recency", "T"))


def test_bgnbd_reproduces_the_published_cdnow_estimates() -> None:
    # Fader, Hardie & Lee (2005): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL -9582.4.
    found = fit_file(CDNOW, "bgnbd")
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert found.params[name] == pytest.approx(value, abs=0.005), name
    assert found.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    assert (found.customers, found.converged) == (2357, True)


def test_pareto_nbd_reproduces_the_published_cdnow_estimates() -> None:
    # Fader, Hardie & Lee (2005): r = 0.553, alpha = 10.578, s = 0.606, beta = 11.669.
    found = fit_file(CDNOW, "pareto")
    published = {"r": 0.553, "alpha": 10.578, "s": 0.606, "beta": 11.669}
    for name, value in published.items():
        assert found.params[name] == pytest.approx(value, abs=0.005), name
    assert found.log_likelihood == pytest.approx(-9595.0, abs=0.05)


def test_gamma_gamma_reproduces_the_published_cdnow_estimates(tmp_path: Path) -> None:
    # Fader & Hardie (2013), the 946 repeat customers: p = 6.25, q = 3.74, gamma = 15.44.
    source = DATA / "cdnow_customers_summary_with_transactions.csv"
    with source.open() as handle:
        rows = list(csv.DictReader(handle))
    spends = tmp_path / "spend.csv"
    spends.write_text(
        "frequency,monetary_value\n" + "".join(f"{r['x']},{r['zbar']}\n" for r in rows)
    )
    found = fit_file(spends, "gg")
    assert found.customers == 946
    for name, value in {"p": 6.25, "q": 3.74, "gamma": 15.44}.items():
        assert found.params[name] == pytest.approx(value, abs=0.01), name


def test_a_compressed_fit_equals_the_fit_of_every_customer() -> None:
    x, t_x, big_t = cdnow()
    compressed, every = clv.compress(x, t_x, big_t), clv.raw(x, t_x, big_t)
    assert (len(compressed.T), compressed.customers, len(every.T)) == (1016, 2357, 2357)
    params = (0.3, 5.0, 0.9, 2.0)
    exact = np.dot(compressed.weight, clv.bgnbd_log_likelihood(params, compressed))
    assert exact == pytest.approx(clv.bgnbd_log_likelihood(params, every).sum(), rel=1e-12)
    fast, slow = clv.fit_bgnbd(compressed), clv.fit_bgnbd(every)
    for name in fast.params:
        assert fast.params[name] == pytest.approx(slow.params[name], rel=1e-4), name
    assert fast.log_likelihood == pytest.approx(slow.log_likelihood, abs=1e-6)


def test_bgnbd_predictions_match_the_paper_and_hand_computation() -> None:
    params = (0.242594, 4.413532, 0.792886, 2.425752)
    r, alpha, a, b = params
    customer = clv.raw([2], [30.43], [38.86])
    # P(alive) = 1 / (1 + a/(b + x - 1) * ((alpha + T)/(alpha + t_x))^(r + x)).
    odds = a / (b + 1) * ((alpha + 38.86) / (alpha + 30.43)) ** (r + 2)
    assert clv.bgnbd_alive(params, customer)[0] == pytest.approx(1 / (1 + odds), rel=1e-12)
    # Fader, Hardie & Lee (2005): this customer makes 1.226 purchases in the next 39 weeks.
    assert clv.bgnbd_expected(params, customer, 39)[0] == pytest.approx(1.226, abs=5e-4)
    nobody = clv.raw([0], [0], [38.86])
    assert clv.bgnbd_alive(params, nobody)[0] == 1.0


def test_gamma_gamma_expected_spend_weighs_the_customer_against_the_population() -> None:
    p, q, gamma = 6.25, 3.74, 15.44
    found = clv.gg_expected_spend((p, q, gamma), [0, 2], [0.0, 22.35])
    assert found[0] == pytest.approx(p * gamma / (q - 1))
    assert found[1] == pytest.approx(p * (gamma + 2 * 22.35) / (2 * p + q - 1))
    with pytest.raises(InputError, match=r"q = 0\.9000"):
        clv.gg_expected_spend((p, 0.9, gamma), [1], [10.0])


def test_discounted_value_adds_each_periods_purchases_times_spend() -> None:
    params = (0.242594, 4.413532, 0.792886, 2.425752)
    customer = clv.raw([2], [30.43], [38.86])
    spend = np.array([20.0])
    value = clv.discounted_value(params, customer, spend, periods=2, period=4.0, discount=0.1)
    first = clv.bgnbd_expected(params, customer, 4.0)[0]
    both = clv.bgnbd_expected(params, customer, 8.0)[0]
    assert value[0] == pytest.approx(20 * first / 1.1 + 20 * (both - first) / 1.1**2)


@pytest.mark.parametrize(
    ("x", "t_x", "big_t", "message"),
    [
        ([-1.0], [0.0], [5.0], "row 1: frequency must be a whole number"),
        ([1.5], [1.0], [5.0], "row 1: frequency must be a whole number"),
        ([1.0, 2.0], [1.0, 6.0], [5.0, 5.0], "row 2: recency must be between 0 and T"),
        ([0.0], [2.0], [5.0], "row 1: recency must be 0 for a customer without repeat"),
        ([1.0], [0.0], [0.0], "row 1: T must be above 0"),
    ],
)
def test_inconsistent_histories_name_the_row(
    x: list[float], t_x: list[float], big_t: list[float], message: str
) -> None:
    with pytest.raises(InputError, match=message):
        clv.compress(x, t_x, big_t)


def test_data_without_repeat_purchases_gives_a_clear_answer() -> None:
    with pytest.raises(InputError, match="no customer made a repeat purchase"):
        clv.fit_bgnbd(clv.compress([0, 0, 0], [0, 0, 0], [5, 6, 7]))
    with pytest.raises(InputError, match="at least 2 customers"):
        clv.fit_pareto(clv.compress([1], [1], [5]))
    with pytest.raises(InputError, match="at least 2 customers with repeat purchases, found 0"):
        clv.fit_gg(clv.compress_spends([0, 0], [0, 0]))


def test_a_bad_file_names_the_file_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "customers.csv"
    bad.write_text("frequency,recency,T\n1,2,10\n2,x,10\n")
    with pytest.raises(InputError, match=rf"{bad}:3: recency: not a number: 'x'"):
        fit_file(bad, "bgnbd")
    bad.write_text("frequency,T\n1,10\n")
    with pytest.raises(InputError, match="no column 'recency'"):
        fit_file(bad, "pareto")
    bad.write_text("frequency,recency,T\n1,12,10\n")
    with pytest.raises(InputError, match=r"row 1: recency must be between 0 and T"):
        fit_file(bad, "bgnbd")


def test_the_commands_print_json_and_one_line_errors(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "carecycle", "clv", "fit", "--model", "bgnbd"]
    done = subprocess.run(
        [*command, "--input", str(CDNOW), "--json"], capture_output=True, text=True, check=True
    )
    found = json.loads(done.stdout)
    assert found["params"]["r"] == pytest.approx(0.243, abs=0.005)
    assert (found["customers"], found["rows"]) == (2357, 1016)
    missing = tmp_path / "none.csv"
    failed = subprocess.run([*command, "--input", str(missing)], capture_output=True, text=True)
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        f"error: {missing}: cannot read: No such file or directory"
    ]
    renewal = [sys.executable, "-m", "carecycle", "renewal", "fit", "--json", "--alive"]
    done = subprocess.run(
        [*renewal, "1000,631,468,382,326,289,262,241"], capture_output=True, text=True, check=True
    )
    projected = json.loads(done.stdout)
    assert projected["fit"]["alpha"] == pytest.approx(0.704, abs=0.005)
    assert len(projected["retention"]) == 12
    failed = subprocess.run([*renewal, "100,120,50"], capture_output=True, text=True)
    assert failed.returncode == 1
    assert "a cohort can only shrink" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert math.isfinite(projected["expected_renewals"])


def test_the_gradients_are_the_derivatives_of_the_likelihoods() -> None:
    histories = clv.compress([0, 1, 2, 3, 2], [0, 3, 5, 6, 9], [8, 8, 9, 10, 9])
    spends = clv.compress_spends([1, 2, 3, 5, 2], [10.0, 22.3, 15.0, 40.0, 18.0])
    cases = (
        (clv.bgnbd_log_likelihood, clv.bgnbd_gradient, histories, (0.3, 4.0, 0.8, 2.5)),
        (clv.gg_log_likelihood, clv.gg_gradient, spends, (6.0, 3.7, 15.0)),
    )
    for likelihood, gradient, data, at in cases:
        point = np.array(at)
        found = gradient(point, data)
        for k in range(len(point)):
            step = np.zeros_like(point)
            step[k] = 1e-6
            ahead = likelihood(point + step, data)
            behind = likelihood(point - step, data)
            assert found[:, k] == pytest.approx((ahead - behind) / 2e-6, rel=1e-6, abs=1e-8)


def test_predictions_follow_the_two_fits(tmp_path: Path) -> None:
    source = DATA / "cdnow_customers_summary_with_transactions.csv"
    with source.open() as handle:
        rows = list(csv.DictReader(handle))
    customers = tmp_path / "customers.csv"
    text = "".join(f"{r['x']},{r['t_x']},{r['T']},{r['zbar']}\n" for r in rows)
    customers.write_text("frequency,recency,T,monetary_value\n" + text)
    found = predict_file(customers, horizon=39, period=13, discount=0.05)
    assert (len(found.customers), found.period) == (2357, 13)
    # The paper's customer: 2 repeat purchases, last at 30.43 of 38.86 weeks.
    assert found.alive[0] == pytest.approx(0.7266, abs=1e-4)
    assert found.purchases[0] == pytest.approx(1.226, abs=5e-4)
    p, q, gamma = found.spend_fit.params.values()
    assert found.spend[0] == pytest.approx(p * (gamma + 2 * 22.35) / (2 * p + q - 1))
    rates = list(found.purchases_fit.params.values())
    one = clv.raw([2], [30.43], [38.86])
    steps = [clv.bgnbd_expected(rates, one, w)[0] for w in (13, 26, 39)]
    expected = sum(
        (now - before) * found.spend[0] / 1.05 ** (k + 1)
        for k, (before, now) in enumerate(zip([0.0, *steps], steps, strict=False))
    )
    assert found.value[0] == pytest.approx(expected)
    best = found.top(3)
    assert [row["value"] for row in best] == sorted(found.value, reverse=True)[:3]
    written = tmp_path / "predictions.csv"
    write_predictions(found, written)
    lines = written.read_text().splitlines()
    assert lines[0] == "customer,probability_alive,expected_purchases,expected_spend,value"
    assert len(lines) == 2358
    assert lines[1].startswith("1,0.7266")


def test_a_heavy_buyer_over_a_long_horizon_has_a_finite_expectation() -> None:
    params = (0.242594, 4.413532, 0.792886, 2.425752)
    heavy = clv.raw([1000, 300], [38.0, 38.5], [38.86, 38.86])
    found = clv.bgnbd_expected(params, heavy, 5200)
    assert np.all(np.isfinite(found))
    assert np.all(found > 0)
    # Within reach of the paper's form, Euler's equal form gives the same number.
    r, alpha, a, b = params
    x, big_t, t = 2, 38.86, 39.0
    ratio = (alpha + big_t) / (alpha + big_t + t)
    hyper = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + big_t + t))
    odds = a / (b + x - 1) * ((alpha + big_t) / (alpha + 30.43)) ** (r + x)
    paper = (a + b + x - 1) / (a - 1) * (1 - ratio ** (r + x) * hyper) / (1 + odds)
    one = clv.bgnbd_expected(params, clv.raw([2], [30.43], [38.86]), t)[0]
    assert one == pytest.approx(paper, rel=1e-10)


@pytest.mark.parametrize("option", ["horizon", "period", "discount"])
@pytest.mark.parametrize("value", [math.inf, math.nan])
def test_predictions_refuse_numbers_that_are_not_finite(
    tmp_path: Path, option: str, value: float
) -> None:
    customers = tmp_path / "customers.csv"
    customers.write_text("frequency,recency,T,monetary_value\n1,2,10,5\n2,3,10,6\n0,0,9,0\n")
    options = {"horizon": 52.0, "period": 4.0, "discount": 0.01} | {option: value}
    with pytest.raises(InputError, match=f"--{option}"):
        predict_file(customers, **options)
