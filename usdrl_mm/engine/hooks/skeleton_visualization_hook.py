"""Draw test (and validation) predictions of skeleton models:
``tools/test.py --show / --show-dir``.

MMAction2's ``VisualizationHook`` reads video frames and its
``ActionVisualizer`` draws on them, so neither takes skeletons.
:class:`SkeletonVisualizationHook` hands every ``interval``-th predicted
sample, with its input clip, to the
:class:`~usdrl_mm.visualization.SkeletonVisualizer`: a strip of frames
with the predicted and true class for recognition, the timeline of true
and predicted frame labels for detection / segmentation windows.
:func:`trigger_visualization_hook` switches it on in a config, as
MMAction2's ``tools/test.py`` does with its hook.
"""
import json
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Optional, Sequence

from mmaction.registry import HOOKS
from mmengine.config import Config
from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import EpochBasedTrainLoop
from mmengine.visualization import Visualizer

#: File listing what was drawn, one JSON object per picture.
RECORDS_FILE = 'predictions.jsonl'
#: Visualizer types replaced by the skeleton one (they draw video frames).
VIDEO_VISUALIZERS = ('ActionVisualizer', 'mmaction.ActionVisualizer',
                     'Visualizer')
#: Hook types replaced by the skeleton one.
VIDEO_HOOKS = ('VisualizationHook', 'mmaction.VisualizationHook')


class NoDisplayError(RuntimeError):
    """``--show`` on a machine without a display."""


def has_display() -> bool:
    """Whether a window can be opened: on Linux and other X11 / Wayland
    systems, ``DISPLAY`` or ``WAYLAND_DISPLAY`` is set; macOS and Windows
    always have one."""
    if sys.platform.startswith(('win', 'darwin')):
        return True
    return bool(os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))


def check_display() -> None:
    """Raise :class:`NoDisplayError` naming ``--show-dir`` when there is no
    display."""
    if not has_display():
        raise NoDisplayError(
            '--show opens a window, and this machine has no display '
            '(DISPLAY and WAYLAND_DISPLAY are unset, e.g. over ssh or in a '
            'container): write the pictures to a directory with '
            '--show-dir DIR instead (or enable X forwarding, ssh -X)')


def _safe(name: str) -> str:
    """A sample name usable in a file name."""
    return re.sub(r'[^A-Za-z0-9._+-]+', '_', str(name)).strip('_')


@HOOKS.register_module()
class SkeletonVisualizationHook(Hook):
    """Draw predicted skeleton samples during test and validation.

    Every ``interval``-th sample of the loop (by its index in the loop, on
    the main process: its shard in distributed runs), at most
    ``max_samples`` of them, is drawn by the runner's
    :class:`~usdrl_mm.visualization.SkeletonVisualizer`. With ``out_dir``
    each picture is a PNG named after the sample's index (and its sequence
    and window for dense samples), and ``out_dir/predictions.jsonl``
    lists, per PNG, the predicted and true labels drawn on it; validation
    pictures go to ``out_dir/val_<epoch or iteration>/``. Without
    ``out_dir`` and ``show`` they go to the visualizer's backends
    (``vis_data/``), as with MMAction2's hook.

    Args:
        enable (bool): Draw at all (off by default, as MMAction2's hook).
        interval (int): Draw every ``interval``-th sample.
        show (bool): Show each picture in a window; needs a display
            (:class:`NoDisplayError` otherwise, naming ``--show-dir``).
        wait_time (float): Seconds a picture stays on screen.
        out_dir (str, optional): Directory for the PNGs.
        max_samples (int, optional): Draw at most this many samples per
            loop.
        label_map (str, optional): Class-name file (one per line) for the
            labels; by default the dataset's ``classes``, else numbers.
        coord_dims (int, optional): Coordinates per joint of the input (2:
            image keypoints with a score channel); by default 2 when the
            test pipeline has ``PreNormalize2D``.
    """

    def __init__(self,
                 enable: bool = False,
                 interval: int = 5000,
                 show: bool = False,
                 wait_time: float = 0.,
                 out_dir: Optional[str] = None,
                 max_samples: Optional[int] = None,
                 label_map: Optional[str] = None,
                 coord_dims: Optional[int] = None) -> None:
        if int(interval) < 1:
            raise ValueError(f'interval must be >= 1 sample, got {interval}')
        if max_samples is not None and int(max_samples) < 0:
            raise ValueError(f'max_samples must be >= 0, got {max_samples}')
        if enable and show:
            check_display()
        self.enable = bool(enable)
        self.interval = int(interval)
        self.show = bool(show)
        self.wait_time = float(wait_time)
        self.out_dir = out_dir
        self.max_samples = None if max_samples is None else int(max_samples)
        self.class_names: Optional[List[str]] = None
        if label_map is not None:
            from usdrl_mm.apis.label_map import read_label_map
            self.class_names = read_label_map(label_map)
        self.coord_dims = coord_dims
        self._seen = 0
        self._drawn = 0
        self._folder: Optional[str] = out_dir
        self._opened = False

    @property
    def visualizer(self):
        """The runner's visualizer, which must be a
        :class:`~usdrl_mm.visualization.SkeletonVisualizer`."""
        from usdrl_mm.visualization import SkeletonVisualizer
        visualizer = Visualizer.get_current_instance()
        if not isinstance(visualizer, SkeletonVisualizer):
            raise TypeError(
                'SkeletonVisualizationHook draws with a SkeletonVisualizer; '
                f'the runner has a {type(visualizer).__name__}: set '
                "visualizer = dict(type='SkeletonVisualizer', "
                "vis_backends=[dict(type='LocalVisBackend')]) in the config "
                '(tools/test.py --show-dir does it)')
        return visualizer

    def before_run(self, runner) -> None:
        """Take the coordinate count from the test pipeline and the bone
        layout from the model's data preprocessor."""
        if not self.enable:
            return
        visualizer = self.visualizer
        if self.coord_dims is None:
            from usdrl_mm.apis.config_lookup import dataset_cfg
            steps = dataset_cfg(runner.cfg).get('pipeline') or []
            if any(s.get('type') == 'PreNormalize2D' for s in steps):
                self.coord_dims = 2
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        layout = getattr(
            getattr(model, 'data_preprocessor', None), 'layout', None)
        if visualizer.layout is None and layout is not None:
            visualizer.layout = layout

    def _start(self, folder: Optional[str]) -> None:
        self._seen = 0
        self._drawn = 0
        self._opened = False
        self._folder = folder

    def before_test_epoch(self, runner) -> None:
        self._start(self.out_dir)

    def before_val_epoch(self, runner) -> None:
        by_epoch = isinstance(runner.train_loop, EpochBasedTrainLoop)
        step = runner.epoch if by_epoch else runner.iter
        self._start(
            osp.join(self.out_dir, f'val_{step}') if self.out_dir else None)

    def _record(self, record: Dict) -> None:
        if self._folder is None:
            return
        path = osp.join(self._folder, RECORDS_FILE)
        os.makedirs(self._folder, exist_ok=True)
        with open(path, 'a' if self._opened else 'w') as f:
            f.write(json.dumps(record) + '\n')
        self._opened = True

    def _draw(self, data_batch: Dict, outputs: Sequence, step: int) -> None:
        first = self._seen
        self._seen += len(outputs)
        if not self.enable or not is_main_process():
            return
        visualizer = self.visualizer
        inputs = data_batch.get('inputs') if isinstance(data_batch,
                                                        dict) else None
        for i, sample in enumerate(outputs):
            index = first + i
            if index % self.interval:
                continue
            if self.max_samples is not None and \
                    self._drawn >= self.max_samples:
                return
            name = f'{index:06d}'
            if 'frame_dir' in sample and sample.frame_dir:
                name += f'_{_safe(sample.frame_dir)}'
            if 'window_start' in sample:
                name += f'_w{int(sample.window_start)}'
            out_file = osp.join(self._folder, f'{name}.png') \
                if self._folder else None
            record = visualizer.add_datasample(
                name,
                keypoint=None if inputs is None else inputs[i],
                data_sample=sample,
                show=self.show,
                wait_time=self.wait_time,
                out_file=out_file,
                step=step,
                class_names=self.class_names,
                coord_dims=self.coord_dims)
            self._drawn += 1
            if record is not None:
                record = dict(record, index=index)
                if out_file is not None:
                    record['file'] = osp.basename(out_file)
                self._record(record)

    def after_val_iter(self, runner, batch_idx: int, data_batch: Dict,
                       outputs: Sequence) -> None:
        self._draw(data_batch, outputs, runner.iter)

    def after_test_iter(self, runner, batch_idx: int, data_batch: Dict,
                        outputs: Sequence) -> None:
        self._draw(data_batch, outputs, 0)


def trigger_visualization_hook(cfg: Config,
                               show: bool = False,
                               show_dir: Optional[str] = None,
                               interval: int = 1,
                               wait_time: float = 2.,
                               max_samples: Optional[int] = None) -> Config:
    """Switch on the drawing of test predictions in ``cfg`` (in place), as
    ``tools/test.py --show / --show-dir`` do.

    ``default_hooks.visualization`` becomes a
    :class:`SkeletonVisualizationHook` (it replaces MMAction2's video
    ``VisualizationHook`` or adds one; another hook type is kept and
    configured) and a video ``visualizer`` (MMAction2's
    ``ActionVisualizer``) becomes a ``SkeletonVisualizer`` with the same
    backends, so the project's configs and MMAction2's skeleton configs
    need no change.

    Args:
        cfg (Config): The config to change.
        show (bool): Show each picture in a window.
        show_dir (str, optional): Write the pictures here as PNGs.
        interval (int): Draw every ``interval``-th test sample.
        wait_time (float): Seconds a picture stays on screen.
        max_samples (int, optional): Draw at most this many.

    Returns:
        Config: ``cfg``.

    Raises:
        NoDisplayError: ``show`` without a display (use ``show_dir``).
    """
    if not (show or show_dir is not None):
        return cfg
    if show:
        check_display()
    hooks = cfg.get('default_hooks') or {}
    hook = dict(hooks.get('visualization') or {})
    if hook.get('type', VIDEO_HOOKS[0]) in VIDEO_HOOKS:
        keep = {
            k: v
            for k, v in hook.items() if k in ('label_map', 'coord_dims')
        }
        hook = dict(type='SkeletonVisualizationHook', **keep)
    hook.update(
        enable=True,
        show=show,
        wait_time=wait_time,
        out_dir=show_dir,
        interval=interval,
        max_samples=max_samples)
    hooks['visualization'] = hook
    cfg.default_hooks = hooks

    visualizer = dict(cfg.get('visualizer') or {})
    if visualizer.get('type', 'Visualizer') in VIDEO_VISUALIZERS:
        visualizer['type'] = 'SkeletonVisualizer'
        visualizer.setdefault('vis_backends', [dict(type='LocalVisBackend')])
        cfg.visualizer = visualizer
    return cfg
