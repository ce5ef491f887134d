"""A fixed-capacity ring of the most recent skeleton frames."""
from typing import Optional, Tuple

import numpy as np


class FrameBuffer:
    """The last ``capacity`` frames of a stream, in preallocated arrays.

    Frame ``i`` of the stream (0-based, counted from the first
    :meth:`append`) lives in column ``i % capacity``, so appending never
    allocates and the memory is ``capacity`` frames whatever the stream's
    length. Person slots a frame does not fill hold zeros (no skeleton), as
    ``FormatGCNInput`` pads absent persons.

    Args:
        capacity (int): Frames kept (the model's window).
        num_persons (int): Person slots per frame.
        num_joints (int): Joints per person V.
        channels (int): Values per joint C of the pushed keypoints (2 or 3).
        scored (bool): Keep a ``keypoint_score (M, capacity, V)`` array too.
    """

    def __init__(self, capacity: int, num_persons: int, num_joints: int,
                 channels: int, scored: bool) -> None:
        if capacity < 1:
            raise ValueError(f'capacity must be >= 1 frame, got {capacity}')
        self.capacity = int(capacity)
        self.keypoint = np.zeros(
            (num_persons, self.capacity, num_joints, channels), np.float32)
        self.score: Optional[np.ndarray] = np.zeros(
            (num_persons, self.capacity,
             num_joints), np.float32) if scored else None
        #: Frames appended so far (the index of the next one).
        self.count = 0

    @property
    def num_persons(self) -> int:
        return self.keypoint.shape[0]

    @property
    def first(self) -> int:
        """Stream index of the oldest frame held."""
        return max(0, self.count - self.capacity)

    @property
    def nbytes(self) -> int:
        """Bytes of the frame arrays (constant for the buffer's life)."""
        return self.keypoint.nbytes + (
            self.score.nbytes if self.score is not None else 0)

    def __len__(self) -> int:
        return min(self.count, self.capacity)

    def append(self, keypoint: np.ndarray,
               score: Optional[np.ndarray]) -> None:
        """Store one frame, overwriting the oldest when full.

        Args:
            keypoint (np.ndarray): ``(num_persons, V, C)`` of this frame.
            score (np.ndarray, optional): ``(num_persons, V)``; required
                exactly when the buffer keeps scores.
        """
        column = self.count % self.capacity
        self.keypoint[:, column] = keypoint
        if self.score is not None:
            self.score[:, column] = score
        self.count += 1

    def skip(self, frames: int) -> None:
        """Account for ``frames`` frames without anybody in them (zeros)."""
        for _ in range(min(frames, self.capacity)):
            column = self.count % self.capacity
            self.keypoint[:, column] = 0
            if self.score is not None:
                self.score[:, column] = 0
            self.count += 1
        self.count += max(0, frames - self.capacity)

    def window(self, start: int,
               stop: int) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """Copies of stream frames ``[start, stop)`` in time order.

        Args:
            start (int): First frame; must still be held (``>= first``).
            stop (int): End, exclusive; at most :attr:`count`.

        Returns:
            tuple: ``keypoint (M, stop - start, V, C)`` and ``keypoint_score
            (M, stop - start, V)`` (None without scores), float32.
        """
        if not self.first <= start <= stop <= self.count:
            raise IndexError(f'frames [{start}, {stop}) are not all held: '
                             f'the buffer holds [{self.first}, {self.count})')
        columns = np.arange(start, stop) % self.capacity
        score = self.score[:, columns] if self.score is not None else None
        return self.keypoint[:, columns], score
