"""The replay guard: one body per signature while the signature is fresh, and bounded memory."""

from __future__ import annotations

from bot.wechat.replay import SPAN, ReplayGuard

NOW = 1_800_000_000.0


def test_the_same_body_again_is_a_retry_and_another_body_a_replay() -> None:
    guard = ReplayGuard(window=300)
    assert guard.fresh(str(int(NOW)), "n1", b"<xml>a</xml>", NOW)
    assert guard.fresh(str(int(NOW)), "n1", b"<xml>a</xml>", NOW + 5)
    assert not guard.fresh(str(int(NOW)), "n1", b"<xml>b</xml>", NOW + 5)


def test_a_signature_is_forgotten_soon_after_its_timestamp_is_stale() -> None:
    guard = ReplayGuard(window=300)
    guard.fresh(str(int(NOW)), "n1", b"a", NOW)
    later = NOW + 300 + SPAN
    guard.fresh(str(int(later)), "n2", b"b", later)
    assert len(guard) == 1


def test_it_remembers_at_most_its_limit() -> None:
    guard = ReplayGuard(window=300, limit=100)
    for i in range(1000):
        guard.fresh(str(int(NOW)), f"n{i}", b"a", NOW)
    assert len(guard) == 100


def test_signatures_packed_once_their_time_has_passed_still_tell_a_retry_from_a_replay() -> None:
    guard = ReplayGuard(window=300)
    for i in range(100):
        guard.fresh(str(int(NOW)), f"n{i}", f"body {i}".encode(), NOW)
    later = NOW + 3 * SPAN  # past the bucket's time: its signatures are packed into arrays
    guard.fresh(str(int(later)), "new", b"x", later)
    assert guard.fresh(str(int(NOW)), "n7", b"body 7", later)
    assert not guard.fresh(str(int(NOW)), "n7", b"body 8", later)
    assert len(guard) == 101


def test_a_late_signature_in_a_packed_bucket_is_remembered_with_the_rest() -> None:
    guard = ReplayGuard(window=300)
    guard.fresh(str(int(NOW)), "early", b"a", NOW)
    later = NOW + 3 * SPAN
    guard.fresh(str(int(later)), "new", b"x", later)
    guard.fresh(str(int(NOW)), "late", b"b", later)  # a sender whose clock is behind
    even_later = later + 3 * SPAN
    guard.fresh(str(int(even_later)), "newer", b"y", even_later)
    assert not guard.fresh(str(int(NOW)), "late", b"c", even_later)
    assert not guard.fresh(str(int(NOW)), "early", b"c", even_later)
