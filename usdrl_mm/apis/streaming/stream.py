"""The frame-by-frame input side shared by the streaming detector and
recognizer: per-frame checks, person slots, the bounded frame buffer and
the window annotations the config's test pipeline takes."""
import logging
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Type, TypeVar, Union

import numpy as np
import torch
from mmengine.dataset import Compose, pseudo_collate
from mmengine.logging import print_log
from torch import nn

from usdrl_mm.datasets.converters.pose2d import DEFAULT_GATE
from ..config_lookup import ConfigLike
from ..inference import (check_output, encoder_geometry, init_model,
                         model_input, persons_taken, warn_dropped_persons)
from ..skeleton_input import DEFAULT_IMG_SHAPE, _numeric, check_skeleton
from .buffer import FrameBuffer
from .segments import Segment
from .tracker import PersonTracker

S = TypeVar('S', bound='SkeletonStream')


@dataclass
class StreamUpdate:
    """What one :meth:`SkeletonStream.push` (or ``flush``) produced.

    Args:
        frame (int): Stream index of the frame just pushed (0-based); for a
            flush, the last frame of the stream (-1 for an empty one).
        frames (np.ndarray): int64 ``(F, )``: the frames whose scores became
            final in this call, consecutive and in order.
        frame_scores (np.ndarray): ``(F, K)`` their class scores (softmax,
            background at column 0 for dense models).
        segments (list[Segment]): The action segments that closed.
        label (int, optional): Recognition: the class of the window just
            classified; None when no window was classified in this call.
        score (float, optional): Its score.
        scores (np.ndarray, optional): ``(K, )`` the window's class scores.
        window (tuple[int, int], optional): Frames ``[start, end)`` of that
            window.
    """

    frame: int
    frames: np.ndarray
    frame_scores: np.ndarray
    segments: List[Segment] = field(default_factory=list)
    label: Optional[int] = None
    score: Optional[float] = None
    scores: Optional[np.ndarray] = None
    window: Optional[Tuple[int, int]] = None

    @property
    def frame_labels(self) -> np.ndarray:
        """int64 ``(F, )`` argmax of :attr:`frame_scores` (for dense
        models 0 = background, ``c + 1`` = action ``c``)."""
        if not len(self.frame_scores):
            return np.zeros(0, np.int64)
        return self.frame_scores.argmax(-1).astype(np.int64)


class SkeletonStream:
    """Skeletons pushed one frame at a time into a model built by
    :func:`~usdrl_mm.apis.init_model`.

    Every frame is checked against the model as a whole input is
    (:func:`~usdrl_mm.apis.check_skeleton`: joints, channels, layout, 2D /
    3D, finite values) and its people are put into the model's person slots,
    then stored in a :class:`FrameBuffer` of ``capacity`` frames: memory
    stays constant however long the stream runs. Windows of buffered frames
    go through the config's own test pipeline (normalisation, person
    padding, packing) and ``model.test_step``, as in offline inference.
    Subclasses decide which windows to run and what to report.

    Args:
        model (nn.Module): The model, in eval mode, with its config in
            ``model.cfg``.
        capacity (int): Frames the buffer keeps.
        layout (str, optional): Skeleton layout of the pushed keypoints,
            checked against the model's (``'openpose-body25'``, ``'coco'``,
            ...); without it only joint and channel counts are checked.
        img_shape (tuple[int, int], optional): ``(height, width)`` of the
            video for 2D pixel keypoints, which ``PreNormalize2D``
            normalises by it; without it the pipeline assumes
            ``(1080, 1920)`` (logged once for 2D models).
        tracking (str, optional): How the people of a frame go into slots:
            ``'score'`` (default) or ``'continuity'`` link them to earlier
            frames as the pose-estimator readers do
            (:class:`PersonTracker`), so detections may come in any order;
            None takes them in the order given (person ``i`` of every frame
            is the same person, e.g. tracker ids or Kinect bodies), keeping
            the first ones as ``FormatGCNInput`` does.
        gate (float): The ``'continuity'`` gate.
        name (str): The stream's name in messages.
    """

    def __init__(self,
                 model: nn.Module,
                 capacity: int,
                 layout: Optional[str] = None,
                 img_shape: Optional[Tuple[int, int]] = None,
                 tracking: Optional[str] = 'score',
                 gate: float = DEFAULT_GATE,
                 name: str = 'stream') -> None:
        if not hasattr(model, 'cfg'):
            raise TypeError('a stream needs a model from init_model (with '
                            'its config in model.cfg); or use '
                            f'{type(self).__name__}.from_config')
        self.model = model
        self.name = name
        self.layout = layout
        self.expected = model_input(model)
        self.geometry = encoder_geometry(model)
        self.taken = persons_taken(model)
        self.capacity = int(capacity)
        if img_shape is not None:
            img_shape = tuple(int(x) for x in img_shape)
            if len(img_shape) != 2 or min(img_shape) < 1:
                raise ValueError('img_shape must be a positive (height, '
                                 f'width), got {img_shape}')
        self.img_shape = img_shape
        self.tracker = PersonTracker(self.taken, tracking, gate) \
            if tracking is not None else None
        head = getattr(model, 'cls_head', None)
        self.num_classes = int(getattr(head, 'num_classes', 0))
        self._reset_input()

    @classmethod
    def from_config(cls: Type[S],
                    config: ConfigLike,
                    checkpoint: Optional[str] = None,
                    device: Union[str, torch.device] = 'cpu',
                    cfg_options: Optional[Dict] = None,
                    **kwargs) -> S:
        """Build the model with :func:`~usdrl_mm.apis.init_model` and a
        stream on it; ``kwargs`` go to the stream."""
        return cls(
            init_model(config, checkpoint, device, cfg_options), **kwargs)

    # ------------------------------------------------------------ state
    def _reset_input(self) -> None:
        self.buffer: Optional[FrameBuffer] = None
        self._empty_before = 0  # frames pushed before the buffer existed
        self._persons = 0  # person slots in use (monotone)
        self._warned: set = set()
        if self.tracker is not None:
            self.tracker.reset()

    def reset(self) -> None:
        """Forget the stream; the next push is frame 0 of a new one."""
        self._reset_input()

    @property
    def num_frames(self) -> int:
        """Frames pushed since the start (or the last flush / reset)."""
        if self.buffer is None:
            return self._empty_before
        return self.buffer.count

    @property
    def nbytes(self) -> int:
        """Bytes of the stream's arrays; bounded, not growing with the
        stream."""
        return self.buffer.nbytes if self.buffer is not None else 0

    def _warn_once(self, key: str, message: str) -> None:
        if key not in self._warned:
            self._warned.add(key)
            print_log(message, logger='current', level=logging.WARNING)

    # ------------------------------------------------------------ input
    def _frame_arrays(self, keypoints: Any, scores: Any,
                      where: str) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """One pushed frame as ``(N, V, C)`` keypoints and ``(N, V)``
        scores (or None), checked against the model."""
        if keypoints is None:
            return np.zeros((0, 0, 0), np.float32), None
        kp = _numeric(keypoints, where, 'keypoint')
        if kp.size == 0:
            return np.zeros((0, 0, 0), np.float32), None
        if kp.ndim == 2:
            kp = kp[None]  # (V, C) -> (1, V, C): one person
        if kp.ndim != 3:
            raise ValueError(
                f'{where}: push() takes one frame, keypoints (V, C) of one '
                f'person or (N, V, C) of N persons; got shape {kp.shape}. '
                'For a whole (M, T, V, C) sequence push keypoint[:, t] for '
                'every t, or use the offline inference functions')
        sc = None
        if scores is not None:
            sc = _numeric(scores, where, 'keypoint_score')
            if sc.ndim == 1:
                sc = sc[None]  # (V, ) -> (1, V)
            if sc.shape != kp.shape[:2]:
                raise ValueError(f'{where}: scores of shape {sc.shape} for '
                                 f'keypoints of shape {kp.shape}; expected '
                                 f'{kp.shape[:2]} (one per keypoint)')
        # (N, V, C) -> (N, 1, V, C): a one-frame input for the model check
        anno = dict(keypoint=kp[:, None])
        if sc is not None:
            anno['keypoint_score'] = sc[:, None]  # (N, V) -> (N, 1, V)
        check_skeleton(anno, self.expected, where, self.layout, min_frames=0)
        kp = kp.astype(np.float32)
        return kp, sc.astype(np.float32) if sc is not None else None

    def _slots(self, kp: np.ndarray, sc: Optional[np.ndarray],
               where: str) -> np.ndarray:
        """The person slot of every person of the frame (-1: left out)."""
        n = len(kp)
        if self.tracker is None:
            if n > self.taken and 'persons' not in self._warned:
                warn_dropped_persons(n, self.taken, where)
                self._warned.add('persons')
            slots = np.arange(n)
            slots[self.taken:] = -1
            self._persons = max(self._persons, min(n, self.taken))
            return slots
        # 3D poses have no scores: a joint counts when it is not all zero
        weight = sc if sc is not None else np.any(kp != 0, -1).astype(
            np.float32)
        slots = self.tracker.assign(kp, weight)
        self._persons = self.tracker.num_slots
        if self.tracker.dropped:
            self._warn_once(
                'persons',
                f'{where}: {n} persons, the model takes {self.taken}: the '
                f'{self.taken} most confident of each frame are linked to '
                'earlier frames and the rest dropped (tracking='
                f'{self.tracker.tracking!r}); use a model with a larger '
                'model.backbone.num_persons to keep more')
        return slots

    def _store(self, keypoints: Any, scores: Any) -> None:
        """Check, slot and buffer one frame."""
        where = f'{self.name} frame {self.num_frames}'
        kp, sc = self._frame_arrays(keypoints, scores, where)
        if len(kp) == 0:
            if self.buffer is None:
                self._empty_before += 1
            else:
                self.buffer.skip(1)
            return
        if self.buffer is None:
            self._open_buffer(kp, sc, where)
        buffer = self.buffer
        shape = buffer.keypoint.shape[2:]
        if kp.shape[1:] != shape or (sc is None) != (buffer.score is None):
            had = f'{shape[0]} joints x {shape[1]} values ' + (
                'with' if buffer.score is not None else 'without')
            raise ValueError(f'{where}: keypoints {kp.shape[1:]} '
                             f'{"with" if sc is not None else "without"} '
                             f'scores, but the stream started with {had} '
                             'scores; push every frame in one form')
        slots = self._slots(kp, sc, where)
        kept = np.flatnonzero(slots >= 0)
        frame = np.zeros(
            shape=(buffer.num_persons, ) + shape,
            dtype=np.float32)  # (M, V, C)
        frame[slots[kept]] = kp[kept]
        score = None
        if sc is not None:
            score = np.zeros(frame.shape[:2], np.float32)  # (M, V)
            score[slots[kept]] = sc[kept]
        buffer.append(frame, score)

    def _open_buffer(self, kp: np.ndarray, sc: Optional[np.ndarray],
                     where: str) -> None:
        v, c = kp.shape[1:]
        scored = sc is not None
        self.buffer = FrameBuffer(self.capacity, self.taken, v, c, scored)
        self.buffer.skip(self._empty_before)
        if self.expected.dims == 2 and self.img_shape is None:
            self._warn_once(
                'img_shape',
                f'{where}: frame size unknown; assuming {DEFAULT_IMG_SHAPE} '
                '(height, width) to normalise the pixel coordinates; pass '
                'img_shape when the video differs')

    # ---------------------------------------------------------- windows
    def _window_annotation(self, start: int, stop: int, length: int) -> Dict:
        """The annotation of stream frames ``[start, stop)`` padded with
        empty frames to ``length``: ``keypoint (M, length, V, C)`` of the
        person slots in use (ordered by mean score over the window when
        tracking, as ``track_people`` orders a video's), ``keypoint_score``,
        ``img_shape`` when set."""
        if self.buffer is None:  # nobody in any frame so far: zeros
            v, c = self.expected.num_joints, self.expected.in_channels
            if self.expected.dims == 2:  # (x, y) and the score channel
                return self._annotation(
                    np.zeros((1, length, v, c - 1), np.float32),
                    np.zeros((1, length, v), np.float32))
            return self._annotation(
                np.zeros((1, length, v, c), np.float32), None)
        kp, sc = self.buffer.window(start, stop)
        m = max(self._persons, 1)
        kp = kp[:m]  # (M, F, V, C) of the slots in use
        sc = sc[:m] if sc is not None else None
        if self.tracker is not None and m > 1:
            # (M, F, V) -> (M, ): slots by mean score over the window
            weight = sc if sc is not None else np.any(kp != 0, -1)
            order = np.argsort(-weight.mean(axis=(1, 2)), kind='stable')
            kp = kp[order]
            sc = sc[order] if sc is not None else None
        if stop - start < length:  # (M, F, V, C) -> (M, length, V, C)
            pad = length - (stop - start)
            kp = np.concatenate(
                [kp, np.zeros((m, pad) + kp.shape[2:], np.float32)], 1)
            if sc is not None:
                sc = np.concatenate(
                    [sc, np.zeros((m, pad, sc.shape[2]), np.float32)], 1)
        return self._annotation(kp, sc)

    def _annotation(self, kp: np.ndarray, sc: Optional[np.ndarray]) -> Dict:
        """The PoseDataset keys the test pipelines read, for ``keypoint
        (M, T, V, C)`` and ``keypoint_score (M, T, V)`` (or None)."""
        anno = dict(
            frame_dir=self.name,
            keypoint=kp,
            total_frames=kp.shape[1],
            start_index=0,
            modality='Pose')
        if sc is not None:
            anno['keypoint_score'] = sc
        if self.img_shape is not None:
            anno['img_shape'] = self.img_shape
            anno['original_shape'] = self.img_shape
        return anno

    @torch.no_grad()
    def _predict(self, pipeline: Compose, info: Dict):
        """One window through the test pipeline and ``test_step``: the
        predicted data sample."""
        return self.model.test_step(pseudo_collate([pipeline(info)]))[0]

    def _checked_output(self, values: np.ndarray, what: str) -> np.ndarray:
        check_output(values, f'{self.name} frame {self.num_frames - 1}', what)
        return values

    def _empty_update(self, frame: int) -> StreamUpdate:
        return StreamUpdate(
            frame=frame,
            frames=np.zeros(0, np.int64),
            frame_scores=np.zeros((0, self.num_classes)))

    # -------------------------------------------------------------- API
    def push(self,
             keypoints: Any,
             scores: Optional[Any] = None) -> StreamUpdate:
        """Add the next frame.

        Args:
            keypoints: ``(V, C)`` of one person or ``(N, V, C)`` of N
                persons (N may be 0, or None: nobody in this frame), in the
                layout the model was trained on: 3D coordinates, or 2D
                pixels with ``scores``.
            scores: ``(V, )`` or ``(N, V)`` keypoint scores of 2D poses.

        Returns:
            StreamUpdate: What became known with this frame.

        Raises:
            ValueError: On a frame the model cannot take, with the fix
                (e.g. the config for the input's joint count).
        """
        self._store(keypoints, scores)
        return self._after_push()

    def flush(self) -> StreamUpdate:
        """End the stream: report everything still pending, then reset."""
        update = self._at_flush()
        self.reset()
        return update

    def _after_push(self) -> StreamUpdate:
        raise NotImplementedError

    def _at_flush(self) -> StreamUpdate:
        raise NotImplementedError
