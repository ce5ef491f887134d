"""An mmengine visualizer for skeleton predictions.

:class:`SkeletonVisualizer` draws one predicted ``ActionDataSample``:

- recognition (``pred_score``): a strip of a few frames of the clip the
  model saw (:func:`~usdrl_mm.visualization.render_skeleton_frames`) under
  a header with the predicted class and score and the true class (green
  when they agree, red otherwise);
- dense tasks (``pred_frame_scores``): the timeline of ground-truth and
  predicted frame labels of the window
  (:func:`~usdrl_mm.visualization.timeline.draw_timeline`).

It is what :class:`~usdrl_mm.engine.hooks.SkeletonVisualizationHook` (and
so ``tools/test.py --show-dir / --show``) draws with; MMAction2's
``ActionVisualizer`` draws video frames and cannot take skeletons.
"""
import os
import os.path as osp
from typing import Any, Dict, Optional, Sequence, Union

import numpy as np
import torch
from mmaction.registry import VISUALIZERS
from mmengine.dist import master_only
from mmengine.structures import BaseDataElement
from mmengine.visualization import Visualizer

from usdrl_mm.structures.action_labels import gt_label_of, pred_score_of
from usdrl_mm.structures.skeleton_layout import (SkeletonLayout, get_layout,
                                                 list_layouts)
from .skeleton_animation import render_skeleton_frames
from .timeline import draw_timeline

#: The layout assumed for a joint count when none is given.
DEFAULT_LAYOUTS = {25: 'nturgb+d', 17: 'coco', 18: 'openpose'}
HEADER_PX = 44


def layout_for(
        num_joints: int,
        layout: Union[str, SkeletonLayout, None] = None) -> SkeletonLayout:
    """The layout to draw ``num_joints`` joints with: ``layout`` when it
    fits, else the usual one for that count (:data:`DEFAULT_LAYOUTS`), else
    the first registered layout with that many joints, else joints without
    bones."""
    if layout is not None:
        layout = get_layout(layout)
        if layout.num_joints == num_joints:
            return layout
    if num_joints in DEFAULT_LAYOUTS:
        return get_layout(DEFAULT_LAYOUTS[num_joints])
    for name in list_layouts():
        if get_layout(name).num_joints == num_joints:
            return get_layout(name)
    return SkeletonLayout(
        name=f'{num_joints} joints',
        joint_names=tuple(f'joint_{v}' for v in range(num_joints)),
        parents=tuple(range(num_joints)),
        center=0)


def _name(label: Optional[int], class_names: Optional[Sequence[str]]) -> str:
    if label is None:
        return 'unknown'
    if class_names is not None and 0 <= label < len(class_names):
        return f'{class_names[label]} [{label}]'
    return str(label)


def _gt_label(sample: BaseDataElement) -> Optional[int]:
    """The true class of a sample, ``None`` when it has none (or -1)."""
    try:
        label = int(torch.as_tensor(gt_label_of(sample)).reshape(-1)[0])
    except (KeyError, IndexError):
        return None
    return label if label >= 0 else None


def _numpy(x: Any) -> np.ndarray:
    if torch.is_tensor(x):
        return x.detach().float().cpu().numpy()
    return np.asarray(x)


@VISUALIZERS.register_module()
class SkeletonVisualizer(Visualizer):
    """Draw skeleton recognition and dense predictions (see the module doc).

    Args:
        name (str): Instance name (mmengine's ``ManagerMixin``).
        vis_backends (list[dict], optional): Storage backends, as for
            mmengine's ``Visualizer``; used when a sample is drawn without
            ``out_file`` and not shown.
        save_dir (str, optional): Where the backends write.
        num_frames (int): Frames in a recognition strip, evenly spaced over
            the frames where someone is present.
        frame_size (int): Pixels per frame of the strip.
        layout (str | SkeletonLayout, optional): Skeleton layout for the
            bones; by default the usual layout of the joint count
            (:func:`layout_for`).
        class_names (list[str], optional): Class names, written beside the
            labels; ``dataset_meta['classes']`` is used when not given.
        **kwargs: Other arguments of mmengine's ``Visualizer``.
    """

    def __init__(self,
                 name: str = 'visualizer',
                 vis_backends: Optional[list] = None,
                 save_dir: Optional[str] = None,
                 num_frames: int = 4,
                 frame_size: int = 240,
                 layout: Union[str, SkeletonLayout, None] = None,
                 class_names: Optional[Sequence[str]] = None,
                 **kwargs) -> None:
        super().__init__(
            name=name, vis_backends=vis_backends, save_dir=save_dir, **kwargs)
        if num_frames < 1 or frame_size < 32:
            raise ValueError('SkeletonVisualizer needs num_frames >= 1 and '
                             f'frame_size >= 32, got {num_frames} and '
                             f'{frame_size}')
        self.num_frames = int(num_frames)
        self.frame_size = int(frame_size)
        self.layout = layout
        self.class_names = list(class_names) if class_names else None

    def _classes(self, class_names: Optional[Sequence[str]]):
        if class_names is not None:
            return list(class_names)
        if self.class_names is not None:
            return self.class_names
        meta = self.dataset_meta or {}
        return list(meta['classes']) if meta.get('classes') else None

    def strip_frames(self, keypoint: np.ndarray) -> np.ndarray:
        """The ``num_frames`` frame indices drawn of ``(M, T, V, C)``
        joints: evenly spaced over the frames where anyone is present."""
        present = np.flatnonzero(
            np.abs(keypoint).reshape(*keypoint.shape[:2], -1).sum((0, 2)) > 0)
        if present.size == 0:
            present = np.arange(keypoint.shape[1])
        picks = np.linspace(0, present.size - 1, self.num_frames)
        return np.unique(present[np.round(picks).astype(int)])

    def draw_recognition(self,
                         keypoint: Any,
                         pred_label: int,
                         pred_score: float,
                         gt_label: Optional[int] = None,
                         class_names: Optional[Sequence[str]] = None,
                         coord_dims: Optional[int] = None,
                         title: str = '') -> np.ndarray:
        """A strip of frames of one clip under its labels.

        Args:
            keypoint: ``(M, T, V, C)`` joints (``(num_clips, M, T, V, C)``
                draws the first clip).
            pred_label (int): Predicted class.
            pred_score (float): Its score.
            gt_label (int, optional): True class.
            class_names (list[str], optional): Class names.
            coord_dims (int, optional): Coordinates per joint (2 for image
                keypoints, whose further channel is a score); defaults to
                ``min(C, 3)``.
            title (str): Text before the labels (e.g. the sample name).

        Returns:
            np.ndarray: ``(HEADER_PX + frame_size, k * frame_size, 3)`` uint8
            RGB picture of ``k <= num_frames`` frames.
        """
        kp = _numpy(keypoint)
        if kp.ndim == 5:
            kp = kp[0]
        if kp.ndim != 4:
            raise ValueError('draw_recognition needs (M, T, V, C) joints, '
                             f'got shape {kp.shape}')
        dims = coord_dims or min(kp.shape[-1], 3)
        kp = kp[..., :dims]
        frames = render_skeleton_frames(
            kp,
            layout_for(kp.shape[2], self.layout),
            size=self.frame_size,
            y_down=dims == 2,
            frames=self.strip_frames(kp))
        strip = np.concatenate(list(frames), axis=1)  # (S, k * S, 3)
        header = np.full((HEADER_PX, strip.shape[1], 3), 255, np.uint8)
        image = np.concatenate([header, strip], axis=0)

        names = self._classes(class_names)
        pred = f'pred: {_name(pred_label, names)}, score {pred_score:.2f}'
        true = f'true: {_name(gt_label, names)}'
        color = 'black' if gt_label is None else (
            'green' if gt_label == pred_label else 'red')
        self.set_image(image)
        lines = [title, f'{pred}   {true}'] if title else [f'{pred}   {true}']
        self.draw_texts(
            lines,
            np.array([[6, 4 + 18 * i] for i in range(len(lines))]),
            font_sizes=11,
            colors=['black'] * (len(lines) - 1) + [color])
        return self.get_image()

    def draw_dense(self,
                   gt_frame_labels: Any,
                   frame_scores: Any,
                   class_names: Optional[Sequence[str]] = None,
                   title: str = '') -> np.ndarray:
        """The timeline of one window: ``gt_frame_labels (T,)`` above the
        argmax of ``frame_scores (T, K)`` (background at 0)."""
        scores = _numpy(frame_scores)
        gt = _numpy(gt_frame_labels).astype(np.int64)
        pred = scores.argmax(-1)
        names = self._classes(class_names)
        image = draw_timeline(gt, pred, title, names, scores)
        self.set_image(image)
        return self.get_image()

    def describe(self, data_sample: BaseDataElement) -> Dict:
        """What :meth:`add_datasample` draws of a sample, as plain data:
        ``task`` and the predicted and true labels."""
        if 'pred_frame_scores' in data_sample:
            scores = _numpy(data_sample.pred_frame_scores)
            gt = data_sample.get('gt_frame_labels')
            return dict(
                task='dense',
                video=data_sample.get('frame_dir'),
                window_start=data_sample.get('window_start'),
                pred_frame_labels=scores.argmax(-1).tolist(),
                gt_frame_labels=None
                if gt is None else _numpy(gt).astype(np.int64).tolist())
        try:
            scores = _numpy(pred_score_of(data_sample))
        except KeyError:
            raise ValueError(
                'SkeletonVisualizer draws samples with class scores '
                '(pred_score) or frame scores (pred_frame_scores); this one '
                f'has {sorted(data_sample.keys())}') from None
        label = int(scores.argmax())
        return dict(
            task='recognition',
            pred_label=label,
            pred_score=float(scores[label]),
            gt_label=_gt_label(data_sample))

    @master_only
    def add_datasample(self,
                       name: str,
                       keypoint: Any = None,
                       data_sample: Optional[BaseDataElement] = None,
                       show: bool = False,
                       wait_time: float = 0,
                       out_file: Optional[str] = None,
                       step: int = 0,
                       class_names: Optional[Sequence[str]] = None,
                       coord_dims: Optional[int] = None) -> Dict:
        """Draw one predicted sample, then show it, write it to
        ``out_file`` (PNG) or, with neither, to the backends.

        Args:
            name (str): The sample's name (title, window and backend key).
            keypoint: The clip for recognition, ``(num_clips, M, T, V, C)``
                or ``(M, T, V, C)``; not needed for dense samples.
            data_sample (ActionDataSample): The model's output.
            show (bool): Show the picture in a window.
            wait_time (float): Seconds to show it (0: until a key).
            out_file (str, optional): PNG to write.
            step (int): Backend step.
            class_names (list[str], optional): Class names.
            coord_dims (int, optional): See :meth:`draw_recognition`.

        Returns:
            dict: :meth:`describe` of the sample, with ``file`` (the
            ``out_file``) and ``shape`` of the picture.
        """
        if data_sample is None:
            raise ValueError('add_datasample needs the data_sample')
        record = self.describe(data_sample)
        if record['task'] == 'dense':
            image = self.draw_dense(
                data_sample.get('gt_frame_labels',
                                np.zeros(len(record['pred_frame_labels']))),
                data_sample.pred_frame_scores, class_names, name)
        else:
            if keypoint is None:
                raise ValueError('a recognition sample is drawn with its '
                                 'clip: pass keypoint=')
            image = self.draw_recognition(keypoint, record['pred_label'],
                                          record['pred_score'],
                                          record['gt_label'], class_names,
                                          coord_dims, name)
        if show:
            self.show(image, win_name=name, wait_time=wait_time)
        if out_file is not None:
            import cv2
            os.makedirs(osp.dirname(osp.abspath(out_file)), exist_ok=True)
            if not cv2.imwrite(out_file, image[..., ::-1]):  # RGB -> BGR
                raise OSError(f'could not write {out_file}')
        elif not show:
            self.add_image(name, image, step)
        return dict(record, file=out_file, shape=list(image.shape))
