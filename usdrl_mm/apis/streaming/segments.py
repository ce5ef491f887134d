"""Action segments from frame scores that arrive in order.

:class:`OnlineSegments` applies the offline rules of
:func:`~usdrl_mm.evaluation.functional.generate_proposals` (``'activity'``,
``'class_runs'``) and of :func:`~usdrl_mm.apis.inference.label_runs` after
the mean filter of :func:`~usdrl_mm.apis.inference_action_segmentor`
(``'label_runs'``) to a score sequence fed a few rows at a time, with
memory that does not grow with the sequence. Fed the rows of a ``(T, K)``
track and flushed, it returns the segments the offline rule returns on that
track (in the order they close rather than the rule's order).

**When a segment closes.** The rules smooth the track with
:func:`~usdrl_mm.evaluation.functional.mean_filter` over ``smooth`` frames:
smoothed row ``t`` averages rows ``[t - smooth // 2, t + smooth // 2)``, so
it is known once row ``t + smooth // 2 - 1`` is (row ``t`` itself for
``smooth = 1``). A run ``[start, end)`` closes when smoothed row ``end`` is
known to leave it, that is :attr:`OnlineSegments.delay` frames after its
last frame ``end - 1``: ``max(1, smooth // 2)`` frames. A run still open
when the stream ends closes at :meth:`OnlineSegments.flush`, as the offline
rules close it at the sequence's end (where the filter is clipped, as
offline).
"""
from collections import deque
from dataclasses import dataclass
from typing import Deque, Dict, List, Optional

import numpy as np

from usdrl_mm.evaluation.functional import mean_filter
from usdrl_mm.evaluation.functional.proposals import (DEFAULT_PROPOSAL,
                                                      PROPOSAL_METHODS)

#: The online rules: the offline proposal methods plus the segmentation
#: rule (runs of the per-frame argmax).
METHODS = tuple(sorted(PROPOSAL_METHODS)) + ('label_runs', )
#: The options of each rule and their defaults (those of the offline
#: functions; ``label_runs`` has ``smooth=1``, as
#: ``inference_action_segmentor``).
DEFAULTS: Dict[str, Dict] = dict(
    activity={
        k: v
        for k, v in DEFAULT_PROPOSAL.items() if k != 'method'
    },
    class_runs=dict(threshold=0.02, smooth=1),
    label_runs=dict(smooth=1))


@dataclass(frozen=True)
class Segment:
    """One closed action segment.

    Args:
        label (int): 0-based action class (background excluded), as in the
            annotations' ``segments`` and :func:`inference_action_detector`.
        start (int): First frame (stream index).
        end (int): End frame, exclusive.
        score (float): The rule's score (a run-mean of class scores).
        reported_at (int): The stream frame whose push reported the
            segment (the stream's length minus 1 for :meth:`flush`).
    """

    label: int
    start: int
    end: int
    score: float
    reported_at: int

    @property
    def latency(self) -> int:
        """Frames from the segment's last frame to its report."""
        return self.reported_at - (self.end - 1)

    def to_dict(self) -> Dict:
        """``dict(label, start, end, score)``, as
        :func:`inference_action_detector` returns."""
        return dict(
            label=self.label, start=self.start, end=self.end, score=self.score)


class OnlineSegments:
    """Segments of a ``(T, K)`` score track (background at column 0) fed
    in order.

    Args:
        num_classes (int): K, background included.
        method (str): One of :data:`METHODS`.
        **options: The rule's options (``smooth``, ``threshold``;
            defaults in :data:`DEFAULTS`).
    """

    def __init__(self,
                 num_classes: int,
                 method: str = 'activity',
                 **options) -> None:
        if method not in METHODS:
            raise ValueError(f'unknown segment rule {method!r}; choose one '
                             f'of {METHODS}')
        unknown = sorted(set(options) - set(DEFAULTS[method]))
        if unknown:
            raise ValueError(f'rule {method!r} takes '
                             f'{sorted(DEFAULTS[method])}, got {unknown}')
        settings = dict(DEFAULTS[method], **options)
        self.smooth = int(settings['smooth'])
        if self.smooth < 1:
            raise ValueError(f'smooth must be >= 1 frame, got {self.smooth}')
        self.threshold = float(settings.get('threshold', 0.))
        self.method = method
        self.num_classes = int(num_classes)
        self.half = self.smooth // 2 if self.smooth > 1 else 0
        self.reset()

    @property
    def delay(self) -> int:
        """Frames from a run's last frame to the frame whose row closes
        it."""
        return max(1, self.half)

    @property
    def nbytes(self) -> int:
        """Bytes of the state (bounded by ``smooth`` rows)."""
        rows = sum(r.nbytes for r in self._raw)
        return rows + self._sums.nbytes + self._starts.nbytes

    def reset(self) -> None:
        """Start a new track."""
        #: Raw rows kept for the filter: rows ``[self._raw_start, ...)``.
        self._raw: Deque[np.ndarray] = deque()
        self._raw_start = 0
        self._rows = 0  # raw rows fed
        self._next = 0  # next smoothed row to decide
        k = self.num_classes
        # open runs: per class for class_runs, one run otherwise (start -1:
        # none open; label_runs keeps the run's label in _label)
        runs = k if self.method == 'class_runs' else 1
        self._starts = np.full(runs, -1, np.int64)
        self._sums = np.zeros((runs, k), np.float64)
        self._label = 0

    def push(self, rows: np.ndarray, reported_at: int) -> List[Segment]:
        """Feed the next final rows; return the segments they close.

        Args:
            rows (np.ndarray): ``(F, K)`` scores of the next F frames.
            reported_at (int): The stream frame of this call, stored in the
                segments.
        """
        rows = np.asarray(rows, np.float64).reshape(-1, self.num_classes)
        for row in rows:
            self._raw.append(row)
        self._rows += len(rows)
        # smoothed row t needs raw rows up to t + half - 1
        ready = self._rows - self.half + 1 if self.half else self._rows
        return self._decide(ready, reported_at, final=False)

    def flush(self, reported_at: int) -> List[Segment]:
        """Decide the remaining rows (the filter clipped at the end, as
        offline) and close the open runs; then start a new track."""
        out = self._decide(self._rows, reported_at, final=True)
        out += self._close_all(self._rows, reported_at)
        self.reset()
        return out

    def _smoothed(self, stop: int) -> np.ndarray:
        """Smoothed rows ``[self._next, stop)``; with the raw rows from
        ``max(0, self._next - half)`` on held, ``mean_filter`` over them
        clips only where the sequence does (its start, and its end at the
        flush)."""
        raw = np.stack(self._raw)  # (R, K) rows [_raw_start, _rows)
        if self.smooth > 1:
            raw = mean_filter(raw, self.smooth)
        lo = self._next - self._raw_start
        return raw[lo:lo + stop - self._next]

    def _decide(self, stop: int, at: int, final: bool) -> List[Segment]:
        if stop <= self._next:
            return []
        out: List[Segment] = []
        for row in self._smoothed(stop):
            out += self._step(self._next, row, at)
            self._next += 1
        # keep the raw rows the next smoothed rows read: from next - half
        keep_from = max(0, self._next - self.half)
        while self._raw_start < keep_from:
            self._raw.popleft()
            self._raw_start += 1
        return out

    def _segment(self, label: int, start: int, end: int, score: float,
                 at: int) -> Segment:
        return Segment(
            label=int(label) - 1,
            start=int(start),
            end=int(end),
            score=float(score),
            reported_at=int(at))

    def _step(self, t: int, row: np.ndarray, at: int) -> List[Segment]:
        """Smoothed row ``t`` into the open runs of the rule."""
        out = []
        if self.method == 'activity':
            active = 1 - row[0] >= self.threshold
            if active:
                if self._starts[0] < 0:
                    self._starts[0] = t
                self._sums[0] += row
            elif self._starts[0] >= 0:
                out.append(self._close(0, t, at))
        elif self.method == 'class_runs':
            active = row > self.threshold
            active[0] = False  # background has no runs
            ending = np.flatnonzero(~active & (self._starts >= 0))
            for c in ending:  # class order, as the offline loop
                out.append(self._close(int(c), t, at))
            opening = active & (self._starts < 0)
            self._starts[opening] = t
            # each class run sums its own class's scores (column c of row c)
            self._sums[active, active] += row[active]
        else:  # label_runs
            label = int(row.argmax())
            if self._starts[0] >= 0 and label != self._label:
                out.append(self._close(0, t, at))
            if label != 0 and self._starts[0] < 0:
                self._starts[0] = t
                self._label = label
            if self._starts[0] >= 0:
                self._sums[0] += row
        return out

    def _close(self, run: int, end: int, at: int) -> Segment:
        """Close open run ``run`` at ``end`` with the offline rule's label
        and score."""
        start = int(self._starts[run])
        mean = self._sums[run] / (end - start)  # (K, ) run-mean scores
        if self.method == 'activity':
            label = int(mean[1:].argmax()) + 1
        elif self.method == 'class_runs':
            label = run
        else:
            label = self._label
        self._starts[run] = -1
        self._sums[run] = 0
        return self._segment(label, start, end, mean[label], at)

    def _close_all(self, end: int, at: int) -> List[Segment]:
        return [
            self._close(int(r), end, at)
            for r in np.flatnonzero(self._starts >= 0)
        ]

    @staticmethod
    def offline(scores: np.ndarray,
                method: str = 'activity',
                **options) -> List[Dict]:
        """The offline rule on a whole ``(T, K)`` track, for comparison:
        ``dict(label, start, end, score)`` per segment (0-based label)."""
        from usdrl_mm.apis.inference import label_runs
        from usdrl_mm.evaluation.functional import generate_proposals
        settings = dict(DEFAULTS[method], **options)
        scores = np.asarray(scores)
        if method == 'label_runs':
            smooth = int(settings['smooth'])
            if smooth > 1:
                scores = mean_filter(scores, smooth)
            return label_runs(scores.argmax(-1), scores)
        return [
            dict(label=label - 1, start=start, end=end, score=score)
            for label, start, end, score in generate_proposals(
                scores, method, **settings)
        ]


def rule_of(proposal: Optional[Dict]) -> Dict:
    """``proposal`` (``method`` and options) with the method's defaults
    filled in."""
    proposal = dict(proposal or dict(method='activity'))
    method = proposal.pop('method', 'activity')
    if method not in METHODS:
        raise ValueError(f'unknown segment rule {method!r}; choose one of '
                         f'{METHODS}')
    return dict(method=method, **dict(DEFAULTS[method], **proposal))
