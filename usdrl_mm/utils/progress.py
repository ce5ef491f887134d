"""Progress callbacks for the library's long calls (converters, the
synthetic generator), drawn as mmengine progress bars.

The library functions take a plain ``progress(done, total)`` callable (or
``progress(stage, done, total)`` when they work in stages) and know nothing
of terminals; the tools pass one of these.
"""
import sys
from typing import Optional

from mmengine.utils import ProgressBar


class ProgressBarCallback:
    """``progress(done, total)`` drawn as one mmengine ``ProgressBar``.

    The bar is created at the first call, when the total is known, and
    redrawn at most ``redraws`` times (plus at the end) so that logs of
    long runs stay short.
    """

    def __init__(self, redraws: int = 50) -> None:
        self.redraws = redraws
        self.bar: Optional[ProgressBar] = None
        self.done = 0

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            # the current stdout: mmengine binds its default at import time
            self.bar = ProgressBar(total, file=sys.stdout)
        if done - self.done >= max(1, total // self.redraws) \
                or done == total:
            self.bar.update(done - self.done)
            self.done = done

    def close(self) -> None:
        """End the bar's line, if one was drawn."""
        if self.bar is not None:
            sys.stdout.write('\n')


class StagedProgressBarCallback:
    """``progress(stage, done, total)``: a titled bar per stage."""

    def __init__(self, redraws: int = 50) -> None:
        self.redraws = redraws
        self.stage: Optional[str] = None
        self.current: Optional[ProgressBarCallback] = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            if self.current is not None:
                self.current.close()
            print(f'{stage}:')
            self.stage = stage
            self.current = ProgressBarCallback(self.redraws)
        self.current(done, total)
