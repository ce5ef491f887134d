"""Online person slots: the linking rule of ``track_people``, frame by
frame.

:func:`~usdrl_mm.datasets.converters.track_people` links the people of a
whole video (module docstring of :mod:`usdrl_mm.datasets.converters.pose2d`).
A stream cannot wait for the video's end, so :class:`PersonTracker` applies
the same per-frame step as each frame arrives: with ``'score'`` the
``max_persons`` most confident people of the frame are kept and matched to
the slots by the smallest summed distance of their centres to the slots'
last centres (Hungarian); with ``'continuity'`` every person is a
candidate and a slot only takes a person within ``gate`` times the larger
bounding-box diagonal. A person left over opens a slot while fewer than
``max_persons`` exist, most confident first.

The one step of ``track_people`` that needs the whole video, ordering the
slots by their mean score over all frames, is left to the stream, which
orders the slots of every window by their mean score over that window
(:meth:`SkeletonStream._window_annotation`).
"""
from typing import Optional

import numpy as np
from scipy.optimize import linear_sum_assignment

from usdrl_mm.datasets.converters.pose2d import (DEFAULT_GATE,
                                                 check_max_persons,
                                                 check_tracking,
                                                 gated_matching,
                                                 person_centres, person_sizes)


class PersonTracker:
    """Assign the people of each new frame to at most ``max_persons``
    slots.

    Args:
        max_persons (int): Slots, 1 to
            :data:`~usdrl_mm.datasets.converters.pose2d.MAX_PERSONS`.
        tracking (str): ``'score'`` or ``'continuity'``, as for
            ``track_people``.
        gate (float): The ``'continuity'`` gate, a fraction of the
            person's bounding-box diagonal.
    """

    def __init__(self,
                 max_persons: int,
                 tracking: str = 'score',
                 gate: float = DEFAULT_GATE) -> None:
        self.max_persons = check_max_persons(max_persons)
        self.tracking, self.gate = check_tracking(tracking, gate)
        self.num_slots = 0
        self._last: Optional[np.ndarray] = None  # (S, C) last centres
        self._size = np.zeros(self.max_persons, np.float32)  # last sizes
        #: People of the frames so far that no slot took.
        self.dropped = 0

    def reset(self) -> None:
        """Forget every slot (a new stream)."""
        self.num_slots = 0
        self._last = None
        self._size[:] = 0
        self.dropped = 0

    def assign(self, keypoint: np.ndarray, score: np.ndarray) -> np.ndarray:
        """The slot of every person of one frame.

        Args:
            keypoint (np.ndarray): ``(N, V, C)`` of the frame's N people.
            score (np.ndarray): ``(N, V)`` keypoint scores (for 3D poses
                without scores: 1 for a present joint, 0 for an absent
                one).

        Returns:
            np.ndarray: int64 ``(N, )``: the slot of each person, -1 for
            the people left out.
        """
        n = len(keypoint)
        slot_of = np.full(n, -1, np.int64)
        if n == 0:
            return slot_of
        if self._last is None:
            self._last = np.zeros((self.max_persons, keypoint.shape[-1]),
                                  np.float32)
        by_score = np.argsort(-score.mean(1), kind='stable')
        candidates = np.arange(n)
        if self.tracking == 'score':
            candidates = by_score[:self.max_persons]
            by_score = candidates  # already most confident first
        centres = person_centres(keypoint[candidates], score[candidates])
        sizes = person_sizes(keypoint[candidates], score[candidates])
        local = np.full(len(candidates), -1, np.int64)
        if self.num_slots:
            # (N, 1, C) - (1, S, C) -> (N, S) distances to the slots
            cost = np.linalg.norm(
                centres[:, None] - self._last[None, :self.num_slots], axis=-1)
            if self.tracking == 'score':
                rows, cols = linear_sum_assignment(cost)
            else:
                reach = self.gate * np.maximum(
                    sizes[:, None], self._size[None, :self.num_slots])
                rows, cols = gated_matching(cost, reach)
            local[rows] = cols
        position = {int(p): i for i, p in enumerate(candidates)}
        for p in by_score:
            i = position[int(p)]
            if local[i] < 0 and self.num_slots < self.max_persons:
                local[i] = self.num_slots
                self.num_slots += 1
        kept = np.flatnonzero(local >= 0)
        self._last[local[kept]] = centres[kept]
        self._size[local[kept]] = sizes[kept]
        slot_of[candidates] = local
        self.dropped += int(n - len(kept))
        return slot_of
