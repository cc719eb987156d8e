"""The loop of the long-running commands (`run_worker`, `run_scheduler`): a round,
a sleep, again; a stop request finishes the round in hand; the database going away
costs one round, not the process."""

from __future__ import annotations

import logging
import os
import signal
import time

import pytest
from django.db import OperationalError

from rehabdesk.core import commands
from rehabdesk.core.commands import LoopingCommand


class Connections:
    """Stands in for Django's connections: records when the loop lets them go."""

    def __init__(self, log: list[str]) -> None:
        self.log = log

    def close_all(self) -> None:
        self.log.append("close all")


@pytest.fixture(autouse=True)
def connection_log(monkeypatch) -> list[str]:
    log: list[str] = []
    monkeypatch.setattr(commands, "close_old_connections", lambda: log.append("close old"))
    monkeypatch.setattr(commands, "connections", Connections(log))
    return log


class Counting(LoopingCommand):
    """Stops itself after `rounds` rounds, or when a round says so."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.rounds = rounds
        self.done: list[int] = []

    def one_round(self) -> None:
        self.done.append(len(self.done) + 1)
        if len(self.done) >= self.rounds:
            self.stopping = True


def test_it_runs_rounds_until_asked_to_stop():
    command = Counting(rounds=3)
    command.loop(command.one_round, interval=0, what="test")
    assert command.done == [1, 2, 3]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stop_signal_lets_the_round_in_hand_finish(signum: signal.Signals) -> None:
    command = Counting(rounds=100)
    finished: list[str] = []

    def one_round() -> None:
        command.one_round()
        if len(command.done) == 2:
            os.kill(os.getpid(), signum)  # a deploy stops the worker mid-round ...
            finished.append("round 2 recorded")  # ... and the round still ends

    command.loop(one_round, interval=0, what="test")
    assert command.done == [1, 2]
    assert finished == ["round 2 recorded"]


def test_the_previous_signal_handlers_are_put_back():
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    command = Counting(rounds=1)
    command.loop(command.one_round, interval=0, what="test")
    assert {s: signal.getsignal(s) for s in before} == before


def test_connections_are_refreshed_between_rounds_never_inside_one(connection_log):
    command = Counting(rounds=2)

    def one_round() -> None:
        connection_log.append("round")
        command.one_round()

    command.loop(one_round, interval=0, what="test")
    assert connection_log == ["close old", "round", "close old", "round", "close all"]


def test_a_lost_database_costs_one_round_and_is_logged(caplog, connection_log):
    command = Counting(rounds=3)

    def one_round() -> None:
        connection_log.append("round")
        command.one_round()
        if len(command.done) == 1:
            raise OperationalError("server closed the connection unexpectedly")

    with caplog.at_level(logging.ERROR, logger="rehabdesk.core.commands"):
        command.loop(one_round, interval=0, what="outbox worker")
    assert command.done == [1, 2, 3]
    assert [r.getMessage() for r in caplog.records] == [
        "The outbox worker could not reach the database"
    ]
    # The broken connection is dropped at once; the next round opens a new one.
    assert connection_log[:4] == ["close old", "round", "close all", "close old"]


def test_any_other_error_stops_the_process_loudly(connection_log):
    command = Counting(rounds=3)
    before = signal.getsignal(signal.SIGTERM)

    def one_round() -> None:
        raise KeyError("a bug, not an outage")

    with pytest.raises(KeyError):
        command.loop(one_round, interval=0, what="test")
    assert signal.getsignal(signal.SIGTERM) == before
    assert connection_log[-1] == "close all"


def test_a_stop_request_cuts_the_sleep_short():
    command = Counting(rounds=1)
    command.stopping = True
    started = time.monotonic()
    command.sleep(30)
    assert time.monotonic() - started < 1


def test_it_sleeps_the_interval_after_each_round(monkeypatch: pytest.MonkeyPatch) -> None:
    command = Counting(rounds=3)
    slept: list[float] = []
    monkeypatch.setattr(command, "sleep", slept.append)
    command.loop(command.one_round, interval=2.0, what="test")
    assert slept == [2.0, 2.0, 2.0]


def test_a_loop_started_again_forgets_an_old_stop_request():
    command = Counting(rounds=1)
    command.stopping = True
    command.loop(command.one_round, interval=0, what="test")
    assert command.done == [1]
