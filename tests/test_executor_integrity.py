"""The executor never hands a call another call's answer: answers carry their call's id
(a mismatch is refused), any end but a clean answer replaces the child, and errors
raised by a progress callback never escape the call."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from multiprocessing.connection import Connection

import pytest

from vtm.executors.base import CallFailed, Cancelled
from vtm.executors.inline import InlineExecutor
from vtm.executors.process import ProcessExecutor


# -- functions the child runs (importable by name, so picklable) ----------------------
def add(a: int, b: int) -> int:
    return a + b


def report_and_add(a: int, b: int, progress) -> int:  # noqa: ANN001
    for step in range(5):
        progress(step / 5)
        time.sleep(0.02)
    return a + b


def slow_report(seconds: float, progress) -> str:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        progress(0.5)
        time.sleep(0.05)
    return "finished"


def quiet_sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def forge_answer(value: int) -> int:
    """Send, on the child's own pipe, an answer that claims to belong to another call."""
    conn = Connection(os.dup(int(sys.argv[1])))
    conn.send(("ok", -1, "another call's result"))
    conn.close()
    return value


@pytest.fixture
def one() -> Iterator[ProcessExecutor]:
    """One child: every call goes to the same process, as after a delete on a busy pool."""
    executor = ProcessExecutor(1, memory_mb=600)
    yield executor
    executor.close()


def test_an_answer_carrying_another_calls_id_is_refused_and_the_child_replaced(one: ProcessExecutor) -> None:
    before = one.pids
    with pytest.raises(CallFailed, match="answered for another job"):
        one.call(forge_answer, 7, timeout=30)
    assert one.pids != before, "the child that answered wrongly must be replaced"
    assert [one.call(add, n, 100, timeout=30) for n in range(6)] == [100 + n for n in range(6)]


def test_errors_in_a_progress_callback_never_escape_the_call(one: ProcessExecutor, caplog: pytest.LogCaptureFixture) -> None:
    def job_row_gone(value: float) -> None:
        raise LookupError("No job with id 7.")

    before = one.pids
    assert one.call(report_and_add, 2, 3, timeout=30, progress=job_row_gone) == 5
    assert "a progress report failed" in caplog.text
    assert one.pids == before, "a clean answer keeps its child"
    # the child is not one answer behind: each call gets its own result
    assert [one.call(add, n, 10, timeout=30) for n in range(6)] == [10 + n for n in range(6)]


@pytest.mark.parametrize(
    ("how", "raised"),
    [
        ("callback cancels", Cancelled),
        ("callback raises SystemExit", SystemExit),
        ("cancelled() says so", Cancelled),
    ],
)
def test_a_call_that_ends_without_a_clean_answer_replaces_its_child(one: ProcessExecutor, how: str, raised: type) -> None:
    before = one.pids

    def progress(value: float) -> None:
        if how == "callback cancels":
            raise Cancelled("job 7 was deleted")
        if how == "callback raises SystemExit":
            raise SystemExit(1)

    started = time.monotonic()
    with pytest.raises(raised):
        one.call(slow_report, 30, timeout=60, progress=progress,
                 cancelled=(lambda: time.monotonic() - started > 0.5) if how == "cancelled() says so" else None)
    assert time.monotonic() - started < 10, "the call stops at once, not when the child finishes"
    assert one.pids != before
    assert [one.call(add, n, 1, timeout=30) for n in range(4)] == [1, 2, 3, 4]


def test_cancel_reaches_a_call_that_reports_no_progress(one: ProcessExecutor) -> None:
    started = time.monotonic()
    with pytest.raises(Cancelled):
        one.call(quiet_sleep, 30, timeout=60, cancelled=lambda: time.monotonic() - started > 0.3)
    assert time.monotonic() - started < 5
    assert one.call(quiet_sleep, 0, timeout=30) == "slept"


def test_the_inline_executor_keeps_callback_errors_out_of_the_call_too() -> None:
    inline = InlineExecutor()

    def broken(value: float) -> None:
        raise OSError(28, "No space left on device")

    assert inline.call(report_and_add, 1, 1, progress=broken) == 2
    with pytest.raises(Cancelled):
        inline.call(report_and_add, 1, 1, progress=lambda v: None, cancelled=lambda: True)


def test_a_request_that_cannot_be_sent_fails_its_call_and_the_next_ones_are_right(one: ProcessExecutor) -> None:
    with pytest.raises(CallFailed, match="could not run this job"):
        one.call(add, 1, lambda: 2, timeout=30)  # a lambda does not pickle
    assert [one.call(add, n, 5, timeout=30) for n in range(4)] == [5, 6, 7, 8]
