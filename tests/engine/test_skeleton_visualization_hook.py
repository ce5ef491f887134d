"""SkeletonVisualizationHook: which samples it draws, what it hands the
visualizer, what it writes; and the config switch tools/test.py uses."""
import json
import os.path as osp
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config

from usdrl_mm.engine import (NoDisplayError, SkeletonVisualizationHook,
                             trigger_visualization_hook)
from usdrl_mm.structures.action_labels import set_gt_label
from usdrl_mm.visualization import SkeletonVisualizer


class RecordingVisualizer(SkeletonVisualizer):
    """Keeps the arguments of every add_datasample call."""

    def __init__(self, name='visualizer', **kwargs):
        super().__init__(name=name, **kwargs)
        self.calls = []

    def add_datasample(self, name, keypoint=None, data_sample=None, **kw):
        self.calls.append(dict(name=name, keypoint=keypoint, **kw))
        return super().add_datasample(name, keypoint, data_sample, **kw)


@pytest.fixture
def visualizer(request):
    # the newest instance is the "current" one the hook draws with
    return RecordingVisualizer.get_instance(
        f'hook_test_{request.node.name}', num_frames=2, frame_size=64)


def sample(scores, gt):
    s = ActionDataSample()
    scores = torch.tensor(scores, dtype=torch.float32)
    if hasattr(s, 'set_pred_score'):  # MMAction2 1.2
        s.set_pred_score(scores)
    else:
        s.set_pred_scores(scores)
    return set_gt_label(s, gt)


def batch(first_label, size=4):
    """A test batch: (1, M, T, V, C) clips and outputs predicting class
    ``(label + 1) % 3`` of true class ``label``."""
    labels = [(first_label + i) % 3 for i in range(size)]
    inputs = [torch.randn(1, 2, 8, 25, 3) for _ in labels]
    outputs = [sample(np.eye(3)[(y + 1) % 3] * 0.8 + 0.1, y) for y in labels]
    return dict(inputs=inputs), outputs, labels


def run_test_loop(hook, batches):
    runner = SimpleNamespace()
    hook.before_test_epoch(runner)
    for i, (data, outputs, _) in enumerate(batches):
        hook.after_test_iter(runner, i, data, outputs)


def test_every_interval_th_sample_up_to_the_limit(visualizer, tmp_path):
    hook = SkeletonVisualizationHook(
        enable=True, interval=3, out_dir=str(tmp_path), max_samples=3)
    batches = [batch(0), batch(1), batch(2)]  # 12 samples
    run_test_loop(hook, batches)
    # samples 0, 3, 6 (9 is past the limit), across batch boundaries
    assert [c['name']
            for c in visualizer.calls] == ['000000', '000003', '000006']
    # the hook hands over the clip of each sample and writes where told
    clips = [b[0]['inputs'][i] for b in batches for i in range(4)]
    for call, index in zip(visualizer.calls, (0, 3, 6)):
        assert call['keypoint'] is clips[index]
        assert call['out_file'] == osp.join(str(tmp_path), f'{index:06d}.png')
        assert osp.isfile(call['out_file'])
    with open(tmp_path / 'predictions.jsonl') as f:
        records = [json.loads(line) for line in f]
    labels = [y for b in batches for y in b[2]]
    assert [r['index'] for r in records] == [0, 3, 6]
    assert [r['file']
            for r in records] == ['000000.png', '000003.png', '000006.png']
    # the predicted and true labels it drew are the model's and the data's
    assert [r['gt_label'] for r in records] == [labels[i] for i in (0, 3, 6)]
    assert [r['pred_label'] for r in records] == [(labels[i] + 1) % 3
                                                  for i in (0, 3, 6)]
    # a second test run starts over (counts and the record file)
    visualizer.calls.clear()
    run_test_loop(hook, batches[:1])
    assert [c['name'] for c in visualizer.calls] == ['000000', '000003']
    assert len(open(tmp_path / 'predictions.jsonl').readlines()) == 2


def test_disabled_hook_draws_nothing(visualizer, tmp_path):
    hook = SkeletonVisualizationHook(
        enable=False, interval=1, out_dir=str(tmp_path))
    run_test_loop(hook, [batch(0)])
    assert visualizer.calls == []
    assert not (tmp_path / 'predictions.jsonl').exists()


def test_label_map_names_reach_the_visualizer(visualizer, tmp_path):
    names = tmp_path / 'labels.txt'
    names.write_text('walk\nrun\njump\n')
    hook = SkeletonVisualizationHook(
        enable=True,
        interval=1,
        out_dir=str(tmp_path / 'out'),
        label_map=str(names),
        coord_dims=3,
        max_samples=1)
    run_test_loop(hook, [batch(0)])
    (call, ) = visualizer.calls
    assert call['class_names'] == ['walk', 'run', 'jump']
    assert call['coord_dims'] == 3


def test_show_without_a_display_names_show_dir(monkeypatch):
    monkeypatch.setattr('sys.platform', 'linux')
    monkeypatch.delenv('DISPLAY', raising=False)
    monkeypatch.delenv('WAYLAND_DISPLAY', raising=False)
    with pytest.raises(NoDisplayError, match='--show-dir DIR'):
        SkeletonVisualizationHook(enable=True, show=True)
    with pytest.raises(NoDisplayError, match='--show-dir DIR'):
        trigger_visualization_hook(Config(dict(default_hooks={})), show=True)
    # with a display it is accepted
    monkeypatch.setenv('DISPLAY', ':0')
    assert SkeletonVisualizationHook(enable=True, show=True).show


def test_a_video_visualizer_is_refused_with_the_fix(tmp_path):
    from mmengine.visualization import Visualizer
    Visualizer.get_instance('hook_test_plain_visualizer')
    hook = SkeletonVisualizationHook(
        enable=True, interval=1, out_dir=str(tmp_path))
    with pytest.raises(TypeError, match="type='SkeletonVisualizer'"):
        run_test_loop(hook, [batch(0)])


def test_trigger_replaces_mmaction2s_video_hook_and_visualizer():
    cfg = Config(
        dict(
            default_hooks=dict(
                timer=dict(type='IterTimerHook'),
                visualization=dict(type='VisualizationHook', enable=False)),
            visualizer=dict(
                type='ActionVisualizer',
                vis_backends=[dict(type='TensorboardVisBackend')])))
    trigger_visualization_hook(cfg, show_dir='out', interval=5, max_samples=7)
    hook = cfg.default_hooks.visualization
    assert hook.type == 'SkeletonVisualizationHook'
    assert (hook.enable, hook.show, hook.out_dir, hook.interval,
            hook.max_samples) == (True, False, 'out', 5, 7)
    assert cfg.default_hooks.timer.type == 'IterTimerHook'
    assert cfg.visualizer.type == 'SkeletonVisualizer'
    assert cfg.visualizer.vis_backends == [dict(type='TensorboardVisBackend')]


def test_trigger_adds_the_hook_keeps_a_custom_one_and_is_off_by_default():
    cfg = Config(dict(default_hooks=dict()))
    assert trigger_visualization_hook(cfg) is cfg
    assert 'visualization' not in cfg.default_hooks  # neither show option
    trigger_visualization_hook(cfg, show_dir='d')
    assert cfg.default_hooks.visualization.type == 'SkeletonVisualizationHook'
    assert cfg.visualizer.type == 'SkeletonVisualizer'
    custom = Config(
        dict(
            default_hooks=dict(visualization=dict(type='MyHook', extra=1)),
            visualizer=dict(type='MyVisualizer')))
    trigger_visualization_hook(custom, show_dir='d')
    assert custom.default_hooks.visualization.type == 'MyHook'
    assert custom.default_hooks.visualization.extra == 1
    assert custom.default_hooks.visualization.out_dir == 'd'
    assert custom.visualizer.type == 'MyVisualizer'
