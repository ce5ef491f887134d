"""tools/demo/stream_demo.py: replaying per-frame OpenPose / MMPose JSON
as a live stream gives the labels of the offline path on the same files,
and unusable frames end in a clean error."""
import json
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch

from tools.demo import stream_demo
from usdrl_mm.apis import (inference_action_detector,
                           inference_action_segmentor, inference_recognizer,
                           init_model, load_skeletons)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REC_2D = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-linear_1xb512-joint-160e_ntu60-xsub-keypoint-2d.py')
DENSE = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection-linear_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
# the 2D NTU recognizer retargeted to OpenPose BODY_25 (25 joints); written
# as a config file so that both the spec and the loose keys are replaced
BODY25_REC = """
_base_ = [{base!r}]
model = dict(
    data_preprocessor=dict(
        _delete_=True, type='SkeletonDataPreprocessor', modality='joint',
        layout='openpose-body25', coord_channels=2),
    backbone=dict(num_joints=25, hidden_dim=16, num_layers=1, init_cfg=None),
    cls_head=dict(in_channels=32))
"""
# the synthetic detection config on 2D BODY_25 frames with scores
BODY25_DENSE = BODY25_REC + """
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='PreNormalize2D'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackDenseSkeletonInputs'),
]))
"""


def body25(t, rng):
    """(25, 2) pixels of a person around (500, 400) and (25, ) scores."""
    kp = np.array([500., 400.]) + rng.normal(0, 60, (25, 2)) + 3 * t
    return kp.round(2), rng.uniform(0.5, 1.0, 25).round(3)


def write_openpose_frames(folder, num_frames, num_joints=25, seed=0):
    """OpenPose ``--write_json`` files, one person per frame; frame 3 has
    nobody."""
    folder.mkdir(exist_ok=True)
    rng = np.random.default_rng(seed)
    for t in range(num_frames):
        kp, score = body25(t, rng)
        kp, score = kp[:num_joints], score[:num_joints]
        # (V, 2) + (V, ) -> (V * 3, ): x, y, c per keypoint
        flat = np.concatenate([kp, score[:, None]], 1).reshape(-1)
        people = [] if t == 3 else [dict(pose_keypoints_2d=flat.tolist())]
        (folder / f'walk_{t:012d}_keypoints.json').write_text(
            json.dumps(dict(version=1.3, people=people)))
    return folder


def write_checkpoint(config, path, seed=0):
    """A seeded random-init model of ``config`` saved as a checkpoint."""
    torch.manual_seed(seed)
    model = init_model(config)
    torch.nn.init.normal_(model.cls_head.fc.weight, std=3.)
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
    return str(path)


@pytest.fixture(scope='module')
def models(tmp_path_factory):
    root = tmp_path_factory.mktemp('stream_demo')
    out = {}
    for name, text in (('rec', BODY25_REC.format(base=REC_2D)),
                       ('dense', BODY25_DENSE.format(base=DENSE))):
        config = root / f'{name}.py'
        config.write_text(text)
        out[name] = (str(config),
                     write_checkpoint(str(config), root / f'{name}.pth'))
    return out


def write_label_map(root, num_actions):
    path = root / 'labels.txt'
    path.write_text(''.join(f'action {i}\n' for i in range(num_actions)))
    return path


def demo(argv, capsys):
    code = stream_demo.main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_recognition_labels_of_an_openpose_folder(models, tmp_path, capsys):
    config, ckpt = models['rec']
    frames = write_openpose_frames(tmp_path / 'op', 20)
    out = tmp_path / 'stream.json'
    code, printed, _ = demo([
        config, ckpt,
        str(frames), '--layout', 'openpose-body25', '--fps', '0', '--window',
        '8', '--interval', '4', '--out',
        str(out)
    ], capsys)
    assert code == 0, printed
    result = json.loads(out.read_text())
    windows = result['windows']
    assert [(w['start'], w['end']) for w in windows] == [(0, 8), (4, 12),
                                                         (8, 16), (12, 20)]
    assert 'frames [12, 20):' in printed and result['num_frames'] == 20
    # the same frames read offline by load_skeletons, window by window
    model = init_model(config, ckpt)
    source = load_skeletons(frames, layout='openpose-body25')
    anno = source.annotations[0]
    for w in windows:
        clip = dict(
            keypoint=anno['keypoint'][:, w['start']:w['end']],
            keypoint_score=anno['keypoint_score'][:, w['start']:w['end']],
            img_shape=anno['img_shape'])
        offline = inference_recognizer(model, clip)
        assert w['label'] == offline['label']
        assert w['score'] == pytest.approx(offline['score'], abs=1e-5)


def test_detection_frame_labels_and_segments(models, tmp_path, capsys):
    """A dense config: every frame's label, and the segments, equal the
    offline stitched scores of the same folder."""
    config, ckpt = models['dense']
    frames = write_openpose_frames(tmp_path / 'op', 80, seed=1)
    out = tmp_path / 'stream.json'
    rule = dict(method='class_runs', threshold=0.3, smooth=1)
    code, printed, err = demo([
        config, ckpt,
        str(frames), '--layout', 'openpose-body25', '--fps', '0',
        '--label-map',
        str(write_label_map(tmp_path, 10)), '--out',
        str(out), '--cfg-options'
    ] + [f'test_evaluator.0.proposal.{k}={v}' for k, v in rule.items()],
                              capsys)
    assert code == 0, err
    result = json.loads(out.read_text())
    model = init_model(config, ckpt)
    source = load_skeletons(frames, layout='openpose-body25')
    offline = inference_action_segmentor(model, source)['labels'] - 1
    assert result['frame_labels'] == offline.tolist()
    assert len(set(offline.tolist())) > 1
    assert 'from frame 0:' in printed and 'segment [' in printed
    expected = inference_action_detector(model, source, rule)
    assert len(expected) > 2
    assert sorted(
        (s['start'], s['end'], s['label'])
        for s in result['segments']) == sorted(
            (s['start'], s['end'], f'action {s["label"]}') for s in expected)
    for seg in result['segments']:
        assert seg['reported_at'] >= seg['end'] - 1


def test_mmpose_per_frame_files_fix_their_layout(tmp_path, capsys):
    """MMPose per-image results (COCO-17) into the COCO model without
    --layout; the 17 keypoints fix the layout."""
    torch.manual_seed(0)
    config = tmp_path / 'coco.py'
    config.write_text(
        f'_base_ = [{REC_2D!r}]\n'
        'model = dict(backbone=dict(hidden_dim=16, num_layers=1, '
        'init_cfg=None), cls_head=dict(in_channels=32))\n')
    ckpt = write_checkpoint(str(config), tmp_path / 'coco.pth')
    folder = tmp_path / 'mmpose'
    folder.mkdir()
    rng = np.random.default_rng(2)
    for t in range(6):
        kp, score = body25(t, rng)
        inst = [
            dict(
                keypoints=kp[:17].tolist(),
                keypoint_scores=score[:17].tolist(),
                bbox=[[0, 0, 1, 1]])
        ]
        (folder / f'{t:06d}.json').write_text(json.dumps(inst))
    code, printed, err = demo(
        [str(config), ckpt,
         str(folder), '--fps', '0', '--window', '4'], capsys)
    assert code == 0, err
    assert 'frames [0, 4):' in printed and 'frames [2, 6):' in printed


def test_a_wrong_layout_ends_with_the_fix(models, tmp_path, capsys):
    config, ckpt = models['rec']
    frames = write_openpose_frames(tmp_path / 'coco18', 5, num_joints=18)
    code, _, err = demo([config, ckpt, str(frames), '--fps', '0'], capsys)
    assert code == 1
    assert err.startswith('error: ') and 'Traceback' not in err
    assert "'openpose' layout" in err and 'num_joints=18' in err
    code, _, err = demo(
        [config, ckpt, str(tmp_path / 'missing'), '--fps', '0'], capsys)
    assert code == 1 and 'no such folder' in err


def test_the_demo_runs_as_a_script(models, tmp_path):
    """The real entry point, paced at a high --fps, without a sys.path
    bootstrap (the package is installed)."""
    config, ckpt = models['rec']
    frames = write_openpose_frames(tmp_path / 'op', 10)
    proc = subprocess.run([
        sys.executable, 'tools/demo/stream_demo.py', config, ckpt,
        str(frames), '--layout', 'openpose-body25', '--fps', '200', '--window',
        '5', '--interval', '5', '--cfg-options', 'model.backbone.frozen=True'
    ],
                          cwd=REPO,
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'frames [0, 5):' in proc.stdout and 'frames [5, 10):' in \
        proc.stdout
