"""tools/test.py --show-dir / --show for skeleton models: one PNG per drawn
test sample, with the predicted and true labels the model and the data
give (checked against --dump of the same run)."""
import json
import os
import os.path as osp
import pickle
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch

from usdrl_mm.structures.action_labels import gt_label_of, pred_score_of
from usdrl_mm.visualization.skeleton_visualizer import HEADER_PX

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REC = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
DENSE = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
TINY = {
    'model.backbone.hidden_dim': 16,
    'model.backbone.num_layers': 1,
    'model.backbone.init_cfg': None,
    'model.cls_head.in_channels': 32,
}


def checkpoint(config, path, num_classes):
    """A randomly initialised checkpoint of the tiny model."""
    from usdrl_mm.apis import init_model
    torch.manual_seed(0)
    options = dict(TINY, **{'model.cls_head.num_classes': num_classes})
    model = init_model(config, cfg_options=options)
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return [f'{k}={v}' for k, v in options.items()]


def records(folder):
    with open(osp.join(folder, 'predictions.jsonl')) as f:
        return [json.loads(line) for line in f]


def pngs(folder):
    return sorted(n for n in os.listdir(folder) if n.endswith('.png'))


def test_recognition_pictures(synthetic_data, run_tool, loader_options,
                              tmp_path):
    ckpt = str(tmp_path / 'rec.pth')
    options = checkpoint(REC, ckpt, 4)
    show, dump = str(tmp_path / 'show'), str(tmp_path / 'rec.pkl')
    run_tool([
        'tools/test.py', REC, ckpt, '--work-dir',
        str(tmp_path / 'work'), '--show-dir', show, '--interval', '3',
        '--show-limit', '4', '--dump', dump, '--cfg-options', *options,
        *loader_options(synthetic_data['trimmed'], 4, ('test', ))
    ])
    with open(dump, 'rb') as f:
        dumped = pickle.load(f)
    assert len(dumped) > 12  # so the limit, not the test set, stops it
    drawn = [0, 3, 6, 9]  # every third sample, four of them
    assert pngs(show) == [f'{i:06d}.png' for i in drawn]
    for name in pngs(show):
        image = cv2.imread(osp.join(show, name))
        # a header above a strip of 4 frames of 240 pixels
        assert image.shape == (HEADER_PX + 240, 4 * 240, 3)
        assert image.std() > 0  # not blank
    # the labels drawn are those the model predicted and the data holds
    for record, index in zip(records(show), drawn):
        scores = pred_score_of(dumped[index])
        assert record['file'] == f'{index:06d}.png'
        assert record['pred_label'] == int(scores.argmax())
        assert record['pred_score'] == pytest.approx(float(scores.max()))
        assert record['gt_label'] == int(gt_label_of(dumped[index])[0])


def test_detection_windows_are_timelines(synthetic_data, run_tool,
                                         loader_options, tmp_path):
    ckpt = str(tmp_path / 'dense.pth')
    options = checkpoint(DENSE, ckpt, 5) + [
        'test_evaluator.0.num_classes=4', 'val_evaluator.0.num_classes=4'
    ]
    show, dump = str(tmp_path / 'show'), str(tmp_path / 'dense.pkl')
    run_tool([
        'tools/test.py', DENSE, ckpt, '--work-dir',
        str(tmp_path / 'work'), '--show-dir', show, '--show-limit', '3',
        '--dump', dump, '--cfg-options', *options,
        *loader_options(synthetic_data['untrimmed'], 4, ('test', ))
    ])
    with open(dump, 'rb') as f:
        dumped = pickle.load(f)
    names = pngs(show)
    assert len(names) == 3
    for record, window in zip(records(show), dumped):
        # one picture per window, named by its sequence and first frame
        assert record['task'] == 'dense'
        assert record['file'] == (f'{record["index"]:06d}_'
                                  f'{window["frame_dir"]}_w'
                                  f'{window["window_start"]}.png')
        assert record['file'] in names
        scores = np.asarray(window['pred_frame_scores'])
        assert record['pred_frame_labels'] == scores.argmax(-1).tolist()
        assert record['gt_frame_labels'] == np.asarray(
            window['gt_frame_labels']).tolist()
        assert cv2.imread(osp.join(show, record['file'])).shape[1] == 1000


def test_show_without_a_display_fails_naming_show_dir(tool_env, tmp_path):
    env = {
        k: v
        for k, v in tool_env.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')
    }
    proc = subprocess.run(
        [sys.executable, 'tools/test.py', REC, 'missing.pth', '--show'],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300)
    assert proc.returncode != 0
    assert 'has no display' in proc.stderr
    assert '--show-dir DIR' in proc.stderr


def test_the_runtime_hook_switched_on_from_the_command_line(
        synthetic_data, run_tool, loader_options, tmp_path):
    """Every config declares the hook (off); --cfg-options turns it on
    without --show-dir, as for MMDetection's DetVisualizationHook."""
    ckpt = str(tmp_path / 'rec.pth')
    options = checkpoint(REC, ckpt, 4)
    show = str(tmp_path / 'drawn')
    run_tool([
        'tools/test.py', REC, ckpt, '--work-dir',
        str(tmp_path / 'work'), '--cfg-options', *options,
        'default_hooks.visualization.enable=True',
        'default_hooks.visualization.interval=5',
        'default_hooks.visualization.max_samples=2',
        f'default_hooks.visualization.out_dir={show}',
        *loader_options(synthetic_data['trimmed'], 4, ('test', ))
    ])
    assert pngs(show) == ['000000.png', '000005.png']
    assert [r['file'] for r in records(show)] == pngs(show)


def test_the_runtime_hook_is_off_by_default(synthetic_data, run_tool,
                                            loader_options, tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(REC)
    assert cfg.default_hooks.visualization == dict(
        type='SkeletonVisualizationHook', enable=False)
    assert cfg.visualizer.type == 'SkeletonVisualizer'
    ckpt = str(tmp_path / 'rec.pth')
    options = checkpoint(REC, ckpt, 4)
    work = tmp_path / 'work'
    run_tool([
        'tools/test.py', REC, ckpt, '--work-dir',
        str(work), '--cfg-options', *options,
        *loader_options(synthetic_data['trimmed'], 4, ('test', ))
    ])
    assert not any(
        name.endswith('.png') for _, _, files in os.walk(work)
        for name in files)
