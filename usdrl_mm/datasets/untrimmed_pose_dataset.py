from typing import Callable, Dict, List, Optional, Sequence, Union

import mmengine
import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS

from usdrl_mm.fileio import load_pickle
from usdrl_mm.structures import SpecLike, build_skeleton_spec
from .annotation_checks import (AnnotationError, check_annotations,
                                check_skeleton)

IGNORE_LABEL = -1  # frames past the end of a video inside its last window


def frame_labels_from_segments(segments: np.ndarray,
                               num_frames: int) -> np.ndarray:
    """(S, 3) ``(label, start, end)`` with 0-based action labels and
    exclusive ends -> (T,) frame labels with 0 = background and
    ``label + 1`` inside a segment (later segments win on overlap)."""
    labels = np.zeros(num_frames, dtype=np.int64)
    for label, start, end in np.asarray(
            segments, dtype=np.int64).reshape(-1, 3):
        labels[max(start, 0):min(end, num_frames)] = label + 1
    return labels


def window_starts(num_frames: int, span: int, stride: int) -> List[int]:
    """Starts of windows of ``span`` frames every ``stride`` frames that
    cover ``[0, num_frames)``; the last one may run past the end."""
    if span < 1 or stride < 1:
        raise ValueError(f'window span and stride must be >= 1, got {span} '
                         f'and {stride}')
    starts = list(range(0, max(num_frames - span, 0) + 1, stride))
    if starts[-1] + span < num_frames:
        starts.append(num_frames - span)
    return starts


@DATASETS.register_module()
class UntrimmedPoseDataset(BaseActionDataset):
    """Untrimmed skeleton sequences served as fixed-length windows.

    The annotation file holds whole sequences: ``split`` and ``annotations``
    with ``frame_dir``, ``keypoint (M, T, V, C)``, ``total_frames`` and
    ``segments (S, 3)`` = ``(label, start, end)`` with 0-based action labels
    and exclusive ends (``keypoint_score`` for 2D data). Frame labels are
    derived from the segments: 0 is background and action ``c`` is ``c + 1``,
    so heads have ``num_classes + 1`` outputs (PKU-MMD's convention).

    Every item is a window of ``clip_len`` frames taken every
    ``frame_interval`` frames, starting every ``stride`` frames; windows
    cover each whole sequence, and frames past its end are padded with zero
    coordinates and the label ``-1`` (ignored). Every window carries its
    sequence name, start and interval, so test-time scores can be stitched
    back into whole-sequence frame scores.

    Added keys per item: ``keypoint (M, clip_len, V, C)``,
    ``frame_labels (clip_len,)``, ``window_start``, ``frame_interval``,
    ``video_frames`` (the sequence length), ``gt_segments (S, 3)``.

    Args:
        ann_file (str): ``.pkl`` annotation file.
        pipeline (list): Transforms applied to every window.
        split (str, optional): Split name.
        num_classes (int, optional): Number of action classes (without
            background); labels must lie in ``[0, num_classes)``.
        clip_len (int): Window length in samples (64 for DSTE).
        frame_interval (int): Temporal subsampling inside a window.
        stride (int, optional): Frames between window starts; defaults to
            half a window span.
        trust_pickle (bool): Read ``ann_file`` with the standard unpickler
            (see :class:`CheckedPoseDataset`).
        skeleton (SkeletonSpec | dict | str, optional): The skeleton spec
            every sequence is checked against when the file loads (joints,
            channels and score), as in :class:`CheckedPoseDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: Optional[str] = None,
                 num_classes: Optional[int] = None,
                 clip_len: int = 64,
                 frame_interval: int = 1,
                 stride: Optional[int] = None,
                 trust_pickle: bool = False,
                 skeleton: Optional[SpecLike] = None,
                 **kwargs) -> None:
        self.split = split
        self.trust_pickle = trust_pickle
        self.skeleton = build_skeleton_spec(skeleton)
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.span = clip_len * frame_interval
        self.stride = stride or max(self.span // 2, 1)
        self.videos: List[Dict] = []
        super().__init__(
            ann_file,
            pipeline=pipeline,
            num_classes=num_classes,
            modality='Pose',
            **kwargs)

    def _check(self, annotations: Sequence[Dict], source: str) -> None:
        spec = self.skeleton
        problems = check_annotations(
            annotations,
            require_label=False,
            num_joints=spec.num_joints if spec is not None else None)
        if spec is not None:
            problems += check_skeleton(annotations, spec)
        for i, anno in enumerate(annotations):
            name = anno.get('frame_dir', f'#{i}') if isinstance(
                anno, dict) else f'#{i}'
            if not isinstance(anno, dict) or 'segments' not in anno:
                problems.append(f'sequence {name!r}: missing key '
                                "['segments']")
                continue
            seg = np.asarray(anno['segments'])
            if seg.size and (seg.ndim != 2 or seg.shape[1] != 3):
                problems.append(f'sequence {name!r}: segments must be (S, 3)'
                                f' (label, start, end), got {seg.shape}')
                continue
            for label, start, end in seg.reshape(-1, 3):
                if end <= start:
                    problems.append(f'sequence {name!r}: segment ({label}, '
                                    f'{start}, {end}) ends before it starts')
                if label < 0 or (self.num_classes is not None
                                 and label >= self.num_classes):
                    problems.append(f'sequence {name!r}: segment label '
                                    f'{label} out of range')
        if problems:
            raise AnnotationError(source, problems)

    def load_data_list(self) -> List[Dict]:
        if not mmengine.exists(self.ann_file):
            raise FileNotFoundError(f'annotation file {self.ann_file} not '
                                    'found')
        data = load_pickle(self.ann_file, trust=self.trust_pickle)
        source = self.ann_file + (f' [{self.split}]' if self.split else '')
        annotations = data['annotations'] if isinstance(data, dict) else data
        if self.split is not None:
            splits = data.get('split', {}) if isinstance(data, dict) else {}
            if self.split not in splits:
                raise AnnotationError(source, [
                    f'split {self.split!r} not in the file (splits: '
                    f'{sorted(splits)})'
                ])
            names = set(splits[self.split])
            annotations = [a for a in annotations if a['frame_dir'] in names]
        self._check(annotations, source)

        self.videos = annotations
        windows = []
        for index, anno in enumerate(annotations):
            num_frames = int(anno['total_frames'])
            for start in window_starts(num_frames, self.span, self.stride):
                windows.append(
                    dict(
                        video_index=index,
                        window_start=start,
                        frame_dir=anno['frame_dir']))
        return windows

    def get_data_info(self, idx: int) -> Dict:
        window = super().get_data_info(idx)
        video = self.videos[window['video_index']]
        num_frames = int(video['total_frames'])
        frames = window['window_start'] + np.arange(
            self.clip_len) * self.frame_interval
        valid = frames < num_frames
        picked = np.minimum(frames, num_frames - 1)

        keypoint = video['keypoint'][:, picked].astype(np.float32)
        keypoint[:, ~valid] = 0  # (M, L, V, C): pad past the end with zeros
        labels = frame_labels_from_segments(video['segments'],
                                            num_frames)[picked]
        labels[~valid] = IGNORE_LABEL
        info = dict(
            window,
            keypoint=keypoint,
            total_frames=self.clip_len,
            frame_labels=labels,
            frame_interval=self.frame_interval,
            video_frames=num_frames,
            gt_segments=np.asarray(video['segments'],
                                   dtype=np.int64).reshape(-1, 3))
        if 'img_shape' in video:  # 2D pixels; 3D coordinates have none
            info['img_shape'] = video['img_shape']
        if 'keypoint_score' in video:
            score = video['keypoint_score'][:, picked].astype(np.float32)
            score[:, ~valid] = 0
            info['keypoint_score'] = score
        return info
