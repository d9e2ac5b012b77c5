"""The CLI's progress bar: what it draws, and that it stays silent off a terminal."""

from __future__ import annotations

import io

from vtm.cli.progress import WIDTH, Bar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_shows_overall_fraction_count_and_label() -> None:
    bar = Bar(4, stream=Terminal())
    bar.start(1, "clip.mp4")
    bar.part(0.5)
    text = bar.text()
    assert text.startswith("[" + "#" * round(WIDTH * 1.5 / 4) + "-") and " 38% 2/4 clip.mp4" in text


def test_draws_on_a_terminal_and_clears_the_line() -> None:
    out = Terminal()
    bar = Bar(1, stream=out)
    bar.start(0, "a.mp4")
    assert "a.mp4" in out.getvalue() and "2/" not in out.getvalue()
    bar.done()
    assert out.getvalue().endswith("\r\033[K")


def test_silent_when_not_a_terminal_or_quiet() -> None:
    for bar, out in [(Bar(2, stream=(plain := io.StringIO())), plain), (Bar(2, enabled=False, stream=(tty := Terminal())), tty)]:
        bar.start(0, "a.mp4")
        bar.part(0.7)
        bar.done()
        assert out.getvalue() == ""
