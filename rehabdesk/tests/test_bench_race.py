"""`make bench`'s racing writers (bench/billing_cases.py): every thread makes its one
call at the same moment, each call is timed, and a call that fails voids the case."""

from __future__ import annotations

import threading
import time

import pytest

from bench.billing_cases import BillingCaseError, Race, run_race


def test_every_thread_makes_its_call_once_all_at_the_same_time_each_timed() -> None:
    lock = threading.Lock()
    in_flight = [0]
    most = [0]
    threads: set[int] = set()
    clients = 8

    def call(index: int) -> int:
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
            threads.add(threading.get_ident())
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        return index * 10

    samples, results = run_race(Race(call, lambda _results: []), clients)

    assert results == [index * 10 for index in range(clients)]
    assert len(threads) == clients
    assert most[0] == clients
    assert all(sample >= 50 for sample in samples)


def test_a_call_that_fails_voids_the_race() -> None:
    def call(index: int) -> int:
        if index == 3:
            raise LookupError("that visit was invoiced already")
        return index

    with pytest.raises(BillingCaseError, match="1 of 5 calls failed"):
        run_race(Race(call, lambda _results: []), 5)
