"""The holdout arm is a hash of salt and id: the same everywhere, and the configured share."""

from __future__ import annotations

import math
import random

import numpy as np
import pyarrow as pa
import pytest

from carecycle.engine.holdout import assign_arms, unit_hash, unit_hash_one

MASK = 0xFFFFFFFFFFFFFFFF


def fnv1a_64(data: bytes) -> int:
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & MASK
    return h


def splitmix64_finaliser(h: int) -> int:
    h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & MASK
    return h ^ (h >> 31)


def mixed_ids(count: int, seed: int = 7) -> list[str]:
    """Return ids of many lengths and scripts: ASCII, Chinese, accents, emoji, empty."""
    rng = random.Random(seed)
    alphabet = "abcXYZ019-_:@ 北京华信科技有限公司éüñ😀"
    ids = ["", "a", "acct-1", "北京华信", "😀", "x" * 200]
    while len(ids) < count:
        ids.append("".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40))))
    return ids


def reference(ids: list[str], salt: str) -> np.ndarray:
    return np.array([unit_hash_one(i, salt) for i in ids])


def test_the_published_hash_definitions_hold() -> None:
    # FNV-1a 64 test vectors and the first SplitMix64 output from seed 0.
    assert fnv1a_64(b"") == 0xCBF29CE484222325
    assert fnv1a_64(b"a") == 0xAF63DC4C8601EC8C
    assert fnv1a_64(b"foobar") == 0x85944171F73967E8
    assert splitmix64_finaliser(0x9E3779B97F4A7C15) == 0xE220A8397B1DCDAF


@pytest.mark.parametrize(
    ("account_id", "salt"), [("A-1001", "smb"), ("北京华信", "care"), ("", "s")]
)
def test_reference_hash_is_fnv1a_of_salt_colon_id_mixed_and_cut_to_53_bits(
    account_id: str, salt: str
) -> None:
    mixed = splitmix64_finaliser(fnv1a_64(f"{salt}:{account_id}".encode()))
    assert unit_hash_one(account_id, salt) == (mixed >> 11) / 2**53


def test_column_hash_equals_the_byte_by_byte_reference() -> None:
    ids = mixed_ids(3_000)
    got = unit_hash(pa.array(ids, pa.string()), "smb-customer-care")
    assert got.dtype == np.float64
    assert np.array_equal(got, reference(ids, "smb-customer-care"))


def test_column_hash_of_a_sliced_array_equals_the_reference() -> None:
    ids = mixed_ids(2_000, seed=11)
    sliced = pa.array(ids, pa.string()).slice(137, 1_500)
    assert sliced.offset == 137
    assert np.array_equal(unit_hash(sliced, "salt"), reference(ids[137:1637], "salt"))


def test_column_hash_of_a_large_string_slice_equals_the_reference() -> None:
    ids = mixed_ids(500, seed=5)
    sliced = pa.array(ids, pa.large_string())[3:400]
    assert np.array_equal(unit_hash(sliced, "salt"), reference(ids[3:400], "salt"))


def test_column_hash_of_a_chunked_array_equals_the_reference() -> None:
    ids = mixed_ids(2_500, seed=13)
    whole = pa.array(ids, pa.string())
    chunked = pa.chunked_array([whole.slice(0, 700), whole.slice(700, 1), whole.slice(701)])
    assert chunked.num_chunks == 3
    assert np.array_equal(unit_hash(chunked, "salt"), reference(ids, "salt"))


def test_numeric_ids_hash_as_their_text() -> None:
    assert np.array_equal(
        unit_hash(pa.array([7, 1001, -3]), "s"), reference(["7", "1001", "-3"], "s")
    )


def test_no_ids_give_no_hashes() -> None:
    assert len(unit_hash(pa.array([], pa.string()), "s")) == 0
    assert len(unit_hash(pa.chunked_array([], pa.string()), "s")) == 0


def test_hash_is_in_the_unit_interval() -> None:
    values = unit_hash(pa.array(mixed_ids(3_000)), "s")
    assert values.min() >= 0.0
    assert values.max() < 1.0


N = 100_000
IDS = pa.array([f"ACC-{i:06d}" for i in range(N)], pa.string())


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_held_out_share_is_within_four_standard_errors_of_the_configured_share(
    share: float,
) -> None:
    arms = assign_arms(IDS, salt="smb-customer-care", share=share)
    held = arms.to_numpy(zero_copy_only=False) == "holdout"
    standard_error = math.sqrt(share * (1 - share) / N)
    assert abs(held.mean() - share) < 4 * standard_error


@pytest.mark.parametrize("share", [0.1, 0.5])
def test_another_salt_gives_another_assignment_with_the_same_share(share: float) -> None:
    first = unit_hash(IDS, "smb-customer-care") < share
    other = unit_hash(IDS, "subscription-lifecycle") < share
    standard_error = math.sqrt(share * (1 - share) / N)
    assert abs(other.mean() - share) < 4 * standard_error
    # Independent arms differ for a share 2p(1-p) of the ids.
    differ = 2 * share * (1 - share)
    assert abs((first != other).mean() - differ) < 4 * math.sqrt(differ * (1 - differ) / N)


def test_assignment_is_the_same_on_every_call() -> None:
    first = assign_arms(IDS, salt="care", share=0.1)
    again = assign_arms(IDS, salt="care", share=0.1)
    chunked = assign_arms(
        pa.chunked_array([IDS.slice(0, 33_333), IDS.slice(33_333)]), salt="care", share=0.1
    )
    assert first.equals(again)
    assert first.equals(chunked)


def test_arm_is_holdout_exactly_when_the_hash_is_below_the_share() -> None:
    ids = mixed_ids(2_000)
    arms = assign_arms(pa.array(ids), salt="s", share=0.3).to_pylist()
    assert arms == ["holdout" if unit_hash_one(i, "s") < 0.3 else "test" for i in ids]
    assert set(arms) == {"holdout", "test"}


def test_share_zero_holds_out_nobody() -> None:
    arms = assign_arms(IDS, salt="care", share=0.0)
    assert arms.type == pa.string()
    assert set(arms.to_pylist()) == {"test"}


def test_a_larger_share_keeps_everyone_held_out_at_a_smaller_one() -> None:
    small = assign_arms(IDS, salt="care", share=0.1).to_numpy(zero_copy_only=False)
    large = assign_arms(IDS, salt="care", share=0.2).to_numpy(zero_copy_only=False)
    assert np.all(large[small == "holdout"] == "holdout")
