"""Streaming temporal action detection and segmentation with a dense
model (``DenseFrameHead``): per-frame scores and closed segments while
skeletons arrive.

Two ways to cut the stream into the model's ``clip_len`` windows
(DSTE's token mixers and positional encoding fix the window length, and
its spatial stream reads the whole window even when the temporal stream is
causal, so every score comes from a whole window):

``'stitched'`` (default for a non-causal encoder)
    The offline test windows: one every ``stride`` frames of the config's
    test set (``UntrimmedPoseDataset``), plus, at :meth:`flush`, the window
    ending at the stream's last frame when the others leave a tail, or one
    zero-padded window for a stream shorter than ``clip_len``; window
    scores are averaged per frame (``stitch_windows``). The frame scores
    equal those of :func:`~usdrl_mm.apis.inference_action_detector` on the
    whole recorded sequence, and so do the segments. A frame's score is final
    once no later window can cover it: ``clip_len`` frames after it (the
    window that would end at the stream's last frame may still start at
    it), or at the flush.
``'trailing'`` (default for a causal encoder, ``model.backbone.causal``)
    A window ending at the newest frame, every ``hop`` frames once the
    buffer holds ``clip_len`` frames; its last ``hop`` rows are the scores
    of the frames it ends with, final at once. No score reads a later
    frame, which is how a causal model was trained to predict; each equals
    the offline model's score of that frame in the window ending there.
    The first full window reports its ``clip_len`` frames together.

Segments come from :class:`OnlineSegments` with the config's rule (the
``PKUDetectionMetric`` proposals, else the ``SegmentationMetric``
smoothing with runs of the argmax), reported when they close.
:attr:`StreamingDetector.latency` is the largest number of frames from a
segment's last frame to the push that reports it: the score delay
(``clip_len`` stitched, ``hop - 1`` trailing) plus the rule's
(:attr:`OnlineSegments.delay`).
"""
from typing import Dict, List, Optional

import numpy as np
from mmengine.config import Config
from mmengine.dataset import Compose
from torch import nn

from ..config_lookup import (dataset_cfg, find_evaluator, proposal_rule,
                             segmentation_smooth)
from .segments import OnlineSegments, Segment, rule_of
from .stream import SkeletonStream, StreamUpdate

MODES = ('stitched', 'trailing')


def config_rule(cfg: Config) -> Dict:
    """The segment rule a dense config evaluates with: the
    ``PKUDetectionMetric`` proposal rule (:func:`proposal_rule`, which
    falls back to ``DEFAULT_PROPOSAL`` as ``inference_action_detector``
    does), except for a config with only a ``SegmentationMetric``, whose
    smoothing with runs of the argmax (``'label_runs'``, as
    ``inference_action_segmentor``) it takes; with the defaults filled in."""
    if find_evaluator(cfg, 'PKUDetectionMetric') is None and \
            find_evaluator(cfg, 'SegmentationMetric') is not None:
        return rule_of(
            dict(method='label_runs', smooth=segmentation_smooth(cfg)))
    return rule_of(proposal_rule(cfg))


class StreamingDetector(SkeletonStream):
    """Per-frame scores and closed action segments of a live skeleton
    stream (module docstring).

    Args:
        model (nn.Module): A dense model (``DenseFrameHead``, test set an
            ``UntrimmedPoseDataset``) from :func:`~usdrl_mm.apis.init_model`.
        mode (str, optional): ``'stitched'`` or ``'trailing'``; None picks
            ``'trailing'`` for a causal encoder, ``'stitched'`` otherwise.
        hop (int): Frames between trailing windows (1: every frame).
        proposal (dict, optional): The segment rule, ``method``
            (``'activity'``, ``'class_runs'``, ``'label_runs'``) and its
            options; default :func:`config_rule`.
        **kwargs: Input options of :class:`SkeletonStream` (``layout``,
            ``img_shape``, ``tracking``, ``gate``, ``name``).
    """

    def __init__(self,
                 model: nn.Module,
                 mode: Optional[str] = None,
                 hop: int = 1,
                 proposal: Optional[Dict] = None,
                 **kwargs) -> None:
        dataset = dict(dataset_cfg(getattr(model, 'cfg', Config())))
        if dataset.get('type') != 'UntrimmedPoseDataset' or \
                type(getattr(model, 'cls_head', None)).__name__ != \
                'DenseFrameHead':
            raise ValueError('StreamingDetector needs a dense model: a '
                             'DenseFrameHead and an UntrimmedPoseDataset test '
                             'set (a detection / segmentation config); use '
                             'StreamingRecognizer for a clip classifier')
        clip_len = int(dataset.get('clip_len', 64))
        super().__init__(model, clip_len, **kwargs)
        if clip_len != self.geometry['clip_len']:
            raise ValueError(f'the test windows have {clip_len} frames but '
                             'the encoder takes '
                             f'{self.geometry["clip_len"]}')
        if int(dataset.get('frame_interval', 1)) != 1:
            raise ValueError('streaming takes consecutive frames: set the '
                             'test set frame_interval=1 (resample the stream '
                             'instead)')
        self.clip_len = clip_len
        self.stride = int(dataset.get('stride') or max(clip_len // 2, 1))
        if mode is None:
            causal = bool(getattr(model.backbone, 'causal', False))
            mode = 'trailing' if causal else 'stitched'
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        if mode == 'stitched' and not 1 <= self.stride <= clip_len:
            raise ValueError(f'stitched streaming needs a test stride from 1 '
                             f'to clip_len={clip_len}, got {self.stride}')
        if not 1 <= int(hop) <= clip_len:
            raise ValueError(f'hop must be from 1 to clip_len={clip_len} '
                             f'frames, got {hop}')
        self.mode = mode
        self.hop = int(hop)
        self.rule = config_rule(model.cfg) if proposal is None \
            else rule_of(proposal)
        self.pipeline = Compose(dataset.get('pipeline', []))
        self.segmenter = OnlineSegments(self.num_classes, **self.rule)
        self._reset_scores()

    def _reset_scores(self) -> None:
        # stitched: per-frame sums and counts of the window scores of
        # frames not yet final, a ring of clip_len + 1 rows by frame index
        ring = self.clip_len + 1
        self._sums = np.zeros((ring, self.num_classes), np.float64)
        self._counts = np.zeros(ring, np.int64)
        self._next_final = 0  # first frame not yet reported
        self._last_start = -1  # start of the last window run

    def reset(self) -> None:
        super().reset()
        if hasattr(self, 'segmenter'):
            self.segmenter.reset()
            self._reset_scores()

    @property
    def score_delay(self) -> int:
        """Most frames from a frame's arrival to its final score (after
        the first window)."""
        return self.clip_len if self.mode == 'stitched' else self.hop - 1

    @property
    def latency(self) -> int:
        """Most frames from a segment's last frame to its report."""
        return self.score_delay + self.segmenter.delay

    @property
    def nbytes(self) -> int:
        return super().nbytes + self._sums.nbytes + self._counts.nbytes + \
            self.segmenter.nbytes

    def _window_scores(self, start: int) -> np.ndarray:
        """``(clip_len, K)`` scores of the window starting at frame
        ``start`` (zero frames past the stream's end, as the offline
        windows are padded)."""
        n = self.num_frames
        stop = min(start + self.clip_len, n)
        info = self._window_annotation(start, stop, self.clip_len)
        valid = np.arange(self.clip_len) < stop - start
        info.update(
            window_start=start,
            frame_interval=1,
            video_frames=n,
            frame_labels=np.where(valid, 0, -1).astype(np.int64),
            gt_segments=np.zeros((0, 3), np.int64))
        sample = self._predict(self.pipeline, info)
        scores = sample.pred_frame_scores.float().cpu().numpy()
        return self._checked_output(scores.astype(np.float64), 'frame scores')

    def _add(self, start: int, scores: np.ndarray, stop: int) -> None:
        """Accumulate window rows for frames ``[start, stop)``."""
        rows = np.arange(start, stop) % len(self._counts)
        self._sums[rows] += scores[:stop - start]
        self._counts[rows] += 1

    def _final(self, stop: int) -> StreamUpdate:
        """Report frames ``[next_final, stop)`` from the sums."""
        frames = np.arange(self._next_final, max(stop, self._next_final))
        rows = frames % len(self._counts)
        counts = np.maximum(self._counts[rows], 1)[:, None]
        scores = self._sums[rows] / counts  # uncovered frames stay 0
        self._sums[rows] = 0
        self._counts[rows] = 0
        self._next_final = int(max(stop, self._next_final))
        return self._report(frames, scores)

    def _report(self, frames: np.ndarray, scores: np.ndarray) -> StreamUpdate:
        at = self.num_frames - 1
        segments: List[Segment] = self.segmenter.push(scores, at) \
            if len(frames) else []
        return StreamUpdate(
            frame=at, frames=frames, frame_scores=scores, segments=segments)

    def _after_push(self) -> StreamUpdate:
        n, length = self.num_frames, self.clip_len
        if self.mode == 'trailing':
            if n < length or (n - length) % self.hop:
                return self._empty_update(n - 1)
            return self._trailing(n)
        start = n - length
        if start >= 0 and start % self.stride == 0:
            self._add(start, self._window_scores(start), n)
            self._last_start = start
        # no later window reaches frames before n - clip_len: a window
        # ending at the stream's last frame T - 1 >= n - 1 starts at or
        # after them
        return self._final(n - length)

    def _trailing(self, n: int) -> StreamUpdate:
        """The window ending at frame ``n - 1``: its rows of the frames
        not yet reported (all of them for the first window)."""
        start = max(n - self.clip_len, 0)
        scores = self._window_scores(start)  # (clip_len, K)
        first = self._next_final
        self._next_final = n
        return self._report(
            np.arange(first, n), scores[first - start:n - start])

    def _at_flush(self) -> StreamUpdate:
        n = self.num_frames
        at = n - 1
        if n == 0:
            return self._empty_update(at)
        if self.mode == 'trailing':
            update = self._trailing(n) if self._next_final < n \
                else self._empty_update(at)
        else:
            if n < self.clip_len or self._last_start + self.clip_len < n:
                # the offline tail window: ending at the last frame, or
                # one padded window for a short stream
                start = max(n - self.clip_len, 0)
                self._add(start, self._window_scores(start), n)
            update = self._final(n)
        update.segments += self.segmenter.flush(at)
        return update
