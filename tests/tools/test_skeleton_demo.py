"""tools/demo/skeleton_demo.py: results of clips and untrimmed sequences,
plots, and clean errors on unusable input."""
import json
import os.path as osp
import re
import subprocess
import sys

import mmengine
import numpy as np
import pytest

from tools.demo import skeleton_demo

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
REC = osp.join(
    REPO, 'configs/usdrl/benchmarks/'
    'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py')
DENSE = osp.join(
    REPO, 'configs/usdrl/dense/'
    'dste-tiny-detection_1xb64-joint-15e_synthetic-xsub-keypoint-3d.py')
TINY = [
    'model.backbone.hidden_dim=16', 'model.backbone.num_layers=1',
    'model.cls_head.in_channels=32', 'model.backbone.init_cfg=None'
]
# the synthetic_data fixture has 4 action classes
REC_OPTS = TINY + ['model.cls_head.num_classes=4']
DENSE_OPTS = TINY + ['model.cls_head.num_classes=5']  # + background
PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'


@pytest.fixture(scope='module')
def checkpoints(run_tool, tmp_path_factory):
    """Randomly initialised tiny recognizer and detector checkpoints."""
    root = tmp_path_factory.mktemp('demo_ckpt')
    paths = {}
    for name, config, opts in (('rec', REC, REC_OPTS), ('dense', DENSE,
                                                        DENSE_OPTS)):
        paths[name] = str(root / f'{name}.pth')
        run_tool([
            'tools/misc/init_checkpoint.py', config, paths[name], '--seed',
            '0', '--force', '--cfg-options', *opts
        ])
    return paths


@pytest.fixture(scope='module')
def names(synthetic_data):
    with open(synthetic_data['label_map']) as f:
        return [line.strip() for line in f if line.strip()]


def is_png(path) -> bool:
    with open(path, 'rb') as f:
        return osp.getsize(path) > 1000 and f.read(8) == PNG_SIGNATURE


def check_topk(topk, classes, k):
    """Valid labels, distinct, scores in [0, 1] and sorted."""
    assert len(topk) == k
    ids = [p['label_id'] for p in topk]
    assert len(set(ids)) == k and all(0 <= i < 4 for i in ids)
    for p in topk:
        assert p['label'] == (
            classes[p['label_id']] if classes else p['label_id'])
    scores = [p['score'] for p in topk]
    assert all(0.0 <= s <= 1.0 for s in scores)
    assert scores == sorted(scores, reverse=True)


def test_recognition_of_a_clip(run_tool, checkpoints, synthetic_data, names,
                               tmp_path):
    out, plot = tmp_path / 'clip.json', tmp_path / 'topk.png'
    stdout = run_tool([
        'tools/demo/skeleton_demo.py', synthetic_data['trimmed'], REC,
        checkpoints['rec'], '--index', '2', '--top-k', '3', '--label-map',
        synthetic_data['label_map'], '--out',
        str(out), '--show-plot',
        str(plot), '--cfg-options', *REC_OPTS
    ])
    result = json.loads(out.read_text())
    assert result['task'] == 'recognition' and result['format'] == 'pkl'
    assert result['classes'] == names
    sample = mmengine.load(synthetic_data['trimmed'])['annotations'][2]
    (clip, ) = result['clips']
    assert clip['sample'] == sample['frame_dir']
    assert clip['num_frames'] == sample['keypoint'].shape[1]
    check_topk(clip['topk'], names, 3)
    assert f'1. {clip["topk"][0]["label"]}' in stdout
    assert is_png(plot)


def test_untrimmed_detection(run_tool, checkpoints, synthetic_data, names,
                             tmp_path):
    sequence = mmengine.load(synthetic_data['untrimmed'])['annotations'][1]
    t = sequence['keypoint'].shape[1]
    out, plot = tmp_path / 'seq.json', tmp_path / 'timeline.png'
    run_tool([
        'tools/demo/skeleton_demo.py', synthetic_data['untrimmed'], DENSE,
        checkpoints['dense'], '--index', sequence['frame_dir'], '--label-map',
        synthetic_data['label_map'], '--out',
        str(out), '--show-plot',
        str(plot), '--cfg-options', *DENSE_OPTS
    ])
    result = json.loads(out.read_text())
    # the config has both metrics; the detection one comes first
    assert result['task'] == 'detection'
    assert result['settings']['proposal']['method'] == 'activity'
    assert result['sample'] == sequence['frame_dir']
    assert result['num_frames'] == t
    frame_labels = np.asarray(result['frame_labels'])
    assert frame_labels.shape == (t, )
    assert set(frame_labels.tolist()) <= {-1, 0, 1, 2, 3}
    assert result['segments']
    covered = np.zeros(t, bool)
    for start, end, label, score in result['segments']:
        assert 0 <= start < end <= t
        assert label in names and 0.0 <= score <= 1.0
        covered[start:end] = True
        # every frame shows the label of a segment that covers it
        assert all(
            names[c] in {s[2]
                         for s in result['segments'] if s[0] <= f < s[1]}
            for f, c in enumerate(frame_labels[start:end], start))
    np.testing.assert_array_equal(frame_labels >= 0, covered)
    assert is_png(plot)


def test_segmentation_of_an_array(checkpoints, synthetic_data, tmp_path,
                                  capsys):
    keypoint = mmengine.load(
        synthetic_data['untrimmed'])['annotations'][0]['keypoint'][:, :150]
    np.save(tmp_path / 'seq.npy', keypoint)
    out = tmp_path / 'seg.json'
    assert skeleton_demo.main([
        str(tmp_path / 'seq.npy'), DENSE, checkpoints['dense'], '--task',
        'segmentation', '--out',
        str(out), '--cfg-options', *DENSE_OPTS
    ]) == 0
    result = json.loads(out.read_text())
    assert result['task'] == 'segmentation' and result['format'] == 'npy'
    assert result['settings'] == {'smooth': 15}  # the config's metric
    assert result['classes'] is None
    labels = np.asarray(result['frame_labels'])
    assert labels.shape == (150, )
    # the segments are the runs of the frame labels, labelled by index
    rebuilt = np.full(150, -1)
    for start, end, label, score in result['segments']:
        assert isinstance(label, int) and 0 <= label < 4
        assert 0 <= start < end <= 150 and 0.0 <= score <= 1.0
        assert (labels[start:end] == label).all()
        rebuilt[start:end] = label
    np.testing.assert_array_equal(rebuilt, labels)
    assert f'seq ({150} frames)' in capsys.readouterr().out


def test_every_clip_of_a_pickle(checkpoints, synthetic_data, tmp_path):
    annotations = mmengine.load(synthetic_data['trimmed'])['annotations']
    mmengine.dump(dict(annotations=annotations[:3]), str(tmp_path / '3.pkl'))
    out = tmp_path / 'clips.json'
    assert skeleton_demo.main([
        str(tmp_path / '3.pkl'), REC, checkpoints['rec'], '--out',
        str(out), '--cfg-options', *REC_OPTS
    ]) == 0
    clips = json.loads(out.read_text())['clips']
    assert [c['sample']
            for c in clips] == [a['frame_dir'] for a in annotations[:3]]
    for clip in clips:
        check_topk(clip['topk'], None, 4)  # --top-k 5 capped at 4 classes
        assert sum(p['score'] for p in clip['topk']) == pytest.approx(1.0)


@pytest.fixture
def coco_json(tmp_path):
    """An MMPose result file: 17 COCO keypoints per person."""
    rng = np.random.default_rng(0)
    frames = [[
        dict(
            keypoints=rng.uniform(0, 500, (17, 2)).tolist(),
            keypoint_scores=[0.9] * 17)
    ] for _ in range(20)]
    path = tmp_path / 'coco.json'
    path.write_text(json.dumps(frames))
    return path


def test_wrong_layout_exits_cleanly(checkpoints, coco_json, repo_root,
                                    tool_env):
    proc = subprocess.run([
        sys.executable, 'tools/demo/skeleton_demo.py',
        str(coco_json), REC, checkpoints['rec'], '--cfg-options', *REC_OPTS
    ],
                          cwd=repo_root,
                          env=tool_env,
                          capture_output=True,
                          text=True,
                          timeout=300)
    assert proc.returncode == 1
    assert 'Traceback' not in proc.stdout + proc.stderr
    error = proc.stderr.strip().splitlines()[-1]
    assert error.startswith(f'error: {coco_json}: the model was trained on '
                            "'nturgb+d' 25-joint 3D poses (3 channels)")
    assert "'coco' 17-joint 2D poses with score" in error
    assert "use a config for the 'coco' layout" in error


def few_frames(tmp_path):
    kp = np.zeros((1, 40, 25, 3), np.float32)
    kp[0, 5:7] = 1.0  # a skeleton in 2 frames only
    np.save(tmp_path / 'few.npy', kp)
    return str(tmp_path / 'few.npy')


@pytest.mark.parametrize('case, message', [
    ('missing input', 'missing.npy: no such file'),
    ('missing checkpoint', 'checkpoint .*missing.pth not found'),
    ('joints', "this input has 17 joints: use a config for the 'coco' or "
     "'uav-human' layout"),
    ('few frames', 'too few frames: 2 of its 40 frames'),
    ('no index', 'holds 4 sequences; pick one with --index'),
    ('bad index', r'index 9 is out of range; it holds 4 samples'),
    ('label map', 'has 4 names for 10 classes'),
    ('dense as clips', 'per-frame head'),
    ('clips as dense', '--task detection needs a detection'),
    ('empty', 'empty.json: the file is empty'),
    ('bad json', r'bad.json:1: invalid JSON'),
    ('wrong format', "unknown skeleton format|invalid choice"),
    ('huge values', r'huge.npy: `keypoint` holds 1e\+30 at person 0, frame 3, '
     'joint 4, channel 1, its largest value'),
    ('deep json', 'deep.json: JSON nested too deeply'),
    ('num_persons', r'model.backbone.num_persons must be from 1 to 1000 '
     r'\(people kept per video\), got 1000000000000'),
])
def test_unusable_input(case, message, checkpoints, synthetic_data, tmp_path,
                        capsys):
    np.save(tmp_path / 'v17.npy', np.ones((1, 30, 17, 3), np.float32))
    (tmp_path / 'empty.json').write_text('')
    (tmp_path / 'bad.json').write_text('[[{"keypoints": ')
    huge = np.ones((1, 30, 25, 3), np.float32)
    huge[0, 3, 4, 1] = 1e30
    np.save(tmp_path / 'huge.npy', huge)
    (tmp_path / 'deep.json').write_text('[' * 100000 + ']' * 100000)
    rec = [REC, checkpoints['rec'], '--cfg-options', *REC_OPTS]
    dense = [DENSE, checkpoints['dense'], '--cfg-options', *DENSE_OPTS]
    argv = {
        'missing input': [str(tmp_path / 'missing.npy'), *rec],
        'missing checkpoint':
        [synthetic_data['trimmed'], REC,
         str(tmp_path / 'missing.pth')],
        'joints': [str(tmp_path / 'v17.npy'), *rec],
        'few frames': [few_frames(tmp_path), *rec],
        'no index': [synthetic_data['untrimmed'], *dense],
        'bad index': [synthetic_data['untrimmed'], '--index', '9', *dense],
        'label map': [
            synthetic_data['trimmed'], '--label-map',
            synthetic_data['label_map'], REC, checkpoints['rec'],
            '--cfg-options', *TINY
        ],
        'dense as clips':
        [synthetic_data['untrimmed'], '--task', 'recognition', *dense],
        'clips as dense':
        [synthetic_data['trimmed'], '--task', 'detection', *rec],
        'empty': [str(tmp_path / 'empty.json'), *rec],
        'bad json': [str(tmp_path / 'bad.json'), *rec],
        'wrong format': [synthetic_data['trimmed'], '--format', 'c3d', *rec],
        'huge values': [str(tmp_path / 'huge.npy'), *rec],
        'deep json': [str(tmp_path / 'deep.json'), *rec],
        # the people kept per video follow the model's persons
        'num_persons': [
            str(tmp_path / 'v17.npy'), *rec,
            'model.backbone.num_persons=1000000000000'
        ],
    }[case]
    try:
        code = skeleton_demo.main(argv)
    except SystemExit as e:  # argparse rejects unknown choices itself
        code = e.code
    assert code not in (0, None)
    assert re.search(message, capsys.readouterr().err)
