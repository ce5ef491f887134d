"""Streaming action recognition: a label over the last window of a live
skeleton stream."""
from typing import Optional

import numpy as np
from torch import nn

from ..inference import clip_pipeline, clip_scores, encoder_geometry
from ..skeleton_input import MIN_FRAMES
from .stream import SkeletonStream, StreamUpdate


class StreamingRecognizer(SkeletonStream):
    """Classify the last ``window`` frames every ``interval`` frames.

    Each classified window is exactly the clip
    :func:`~usdrl_mm.apis.inference_recognizer` would get from those frames
    as an ``(M, window, V, C)`` array: the config's test pipeline
    normalises it and resizes it to the encoder's ``clip_len``
    (``TemporalCropResize``), so its scores equal the offline ones. A window
    runs once the buffer holds ``window`` frames, then every ``interval``
    frames; one with fewer than :data:`MIN_FRAMES` frames holding a
    skeleton (nobody in view) gives no label, as the offline check refuses
    such a clip. :meth:`flush` classifies the frames after the last
    classified window (the whole stream if it was shorter than
    ``window``). A label describes frames ``[end - window, end)`` and is
    reported at frame ``end - 1``.

    Args:
        model (nn.Module): A recognizer (``USDRLClsHead`` or any MMAction2
            clip head) from :func:`~usdrl_mm.apis.init_model`.
        window (int, optional): Frames per classified window; defaults to
            the encoder's ``clip_len``.
        interval (int, optional): Frames between windows; defaults to
            ``max(1, window // 8)``.
        **kwargs: Input options of :class:`SkeletonStream`.
    """

    def __init__(self,
                 model: nn.Module,
                 window: Optional[int] = None,
                 interval: Optional[int] = None,
                 **kwargs) -> None:
        if type(getattr(model, 'cls_head', None)).__name__ == \
                'DenseFrameHead':
            raise ValueError('StreamingRecognizer classifies clips; this '
                             'model has a per-frame DenseFrameHead: use '
                             'StreamingDetector')
        clip_len = encoder_geometry(model)['clip_len']
        window = int(window or clip_len)
        if window < MIN_FRAMES:
            raise ValueError(f'window must be >= {MIN_FRAMES} frames, got '
                             f'{window}')
        super().__init__(model, window, **kwargs)
        self.window = window
        self.interval = int(interval or max(1, window // 8))
        if self.interval < 1:
            raise ValueError(f'interval must be >= 1 frame, got {interval}')
        self.pipeline = clip_pipeline(model, clip_len)
        self._last_end = 0  # end of the last classified window

    def reset(self) -> None:
        super().reset()
        self._last_end = 0

    def _classify(self, start: int, stop: int) -> StreamUpdate:
        """The label of frames ``[start, stop)``."""
        update = self._empty_update(self.num_frames - 1)
        self._last_end = stop
        info = self._window_annotation(start, stop, stop - start)
        # (M, F, V, C) -> (F, ): frames where anyone has a keypoint
        filled = np.any(info['keypoint'] != 0, axis=(0, 2, 3))
        if 'keypoint_score' in info:
            filled |= np.any(info['keypoint_score'] > 0, axis=(0, 2))
        if filled.sum() < MIN_FRAMES:
            return update
        sample = self._predict(self.pipeline, info)
        scores = self._checked_output(clip_scores(sample), 'class scores')
        label = int(scores.argmax())
        update.label, update.score = label, float(scores[label])
        update.scores, update.window = scores, (start, stop)
        return update

    def _after_push(self) -> StreamUpdate:
        n = self.num_frames
        if n < self.window or (n - self.window) % self.interval:
            return self._empty_update(n - 1)
        return self._classify(n - self.window, n)

    def _at_flush(self) -> StreamUpdate:
        n = self.num_frames
        if n == 0 or self._last_end == n:
            return self._empty_update(n - 1)
        return self._classify(max(0, n - self.window), n)
