"""Tests of the synthetic skeleton action generator."""
import os
import os.path as osp
import re
import subprocess
import sys

import mmengine
import numpy as np
import pytest

from usdrl_mm.datasets.synthetic import (ACTION_NAMES, ACTIONS,
                                         CAMERA_AZIMUTHS, IMG_SHAPE,
                                         generate_trimmed, generate_untrimmed,
                                         write_synthetic_dataset,
                                         xsub_train_subjects)
from usdrl_mm.datasets.synthetic.actions import single_person_classes
from usdrl_mm.structures.skeleton_layout import get_layout

REPO_ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))
NAME_RE = re.compile(r'^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$')
LAYOUT = get_layout('nturgb+d')


def parse_name(name: str):
    """(setup, camera, subject, rep, action) of an NTU-style name."""
    m = NAME_RE.match(name)
    assert m, name
    return tuple(int(g) for g in m.groups())


def bone_length_spread(keypoint: np.ndarray) -> float:
    """Largest change over time of any (joint, parent) distance,
    ``keypoint`` (M, T, V, 3)."""
    parents = LAYOUT.parent_index()
    length = np.linalg.norm(
        keypoint.astype(np.float64) - keypoint[:, :, parents], axis=-1)
    return float((length.max(axis=1) - length.min(axis=1)).max())


@pytest.fixture(scope='module')
def medium():
    """10 classes x 10 subjects x 2 reps x 3 cameras = 600 clips."""
    return generate_trimmed(
        num_classes=10, num_subjects=10, num_reps=2, seed=0)


@pytest.fixture(scope='module')
def exact():
    """Every class of the library without noise."""
    return generate_trimmed(
        num_classes=len(ACTION_NAMES),
        num_subjects=3,
        num_reps=1,
        seed=1,
        noise_std=0.0)


@pytest.fixture(scope='module')
def untrimmed():
    return generate_untrimmed(
        num_sequences=8, num_classes=10, num_subjects=4, seed=0, noise_std=0.0)


def by_name(data):
    return {a['frame_dir']: a for a in data['annotations']}


def test_library():
    assert len(ACTION_NAMES) >= 12
    assert len(set(ACTION_NAMES)) == len(ACTION_NAMES)
    assert sum(a.num_persons == 2 for a in ACTIONS) >= 2
    # The default 10 classes contain interactions too.
    assert any(a.num_persons == 2 for a in ACTIONS[:10])


def test_determinism():
    kw = dict(num_classes=3, num_subjects=3, num_reps=1)
    a = generate_trimmed(seed=5, **kw)
    b = generate_trimmed(seed=5, **kw)
    c = generate_trimmed(seed=6, **kw)
    assert a['split'] == b['split']
    for x, y in zip(a['annotations'], b['annotations']):
        assert x['frame_dir'] == y['frame_dir']
        np.testing.assert_array_equal(x['keypoint'], y['keypoint'])
    assert any(x['keypoint'].shape != y['keypoint'].shape
               or not np.array_equal(x['keypoint'], y['keypoint'])
               for x, y in zip(a['annotations'], c['annotations']))

    u1 = generate_untrimmed(num_sequences=2, num_subjects=3, seed=5)
    u2 = generate_untrimmed(num_sequences=2, num_subjects=3, seed=5)
    for x, y in zip(u1['annotations'], u2['annotations']):
        np.testing.assert_array_equal(x['keypoint'], y['keypoint'])
        np.testing.assert_array_equal(x['segments'], y['segments'])


def test_sample_independent_of_dataset_size():
    # Seeds are per sample, so adding classes leaves other samples as they
    # were.
    small = by_name(
        generate_trimmed(num_classes=2, num_subjects=3, num_reps=1))
    large = by_name(
        generate_trimmed(num_classes=4, num_subjects=3, num_reps=1))
    for name, anno in small.items():
        np.testing.assert_array_equal(anno['keypoint'],
                                      large[name]['keypoint'])


def test_trimmed_structure(medium):
    annos = medium['annotations']
    assert len(annos) == 10 * 10 * 2 * 3
    for a in annos:
        assert set(a) == {
            'frame_dir', 'label', 'keypoint', 'total_frames', 'img_shape',
            'original_shape'
        }
        kp = a['keypoint']
        assert kp.dtype == np.float32 and kp.ndim == 4
        m, t, v, c = kp.shape
        assert m in (1, 2) and v == 25 and c == 3
        assert a['total_frames'] == t and isinstance(a['total_frames'], int)
        assert tuple(a['img_shape']) == IMG_SHAPE == tuple(a['original_shape'])
        assert np.isfinite(kp).all()
        _, camera, subject, rep, action = parse_name(a['frame_dir'])
        assert action == a['label'] + 1 and 0 <= a['label'] < 10
        assert camera in CAMERA_AZIMUTHS and 1 <= subject <= 10
        # NTU camera coordinates: in front of the camera, floor below it.
        assert kp[..., 2].min() > 1.0
        assert -1.3 < kp[0, :, [14, 15, 18, 19], 1].min() < -0.6
    assert len({a['frame_dir'] for a in annos}) == len(annos)


def test_splits(medium):
    names = {a['frame_dir'] for a in medium['annotations']}
    split = medium['split']
    assert set(split) == {'xsub_train', 'xsub_val', 'xview_train', 'xview_val'}
    for kind in ('xsub', 'xview'):
        train, val = set(split[f'{kind}_train']), set(split[f'{kind}_val'])
        assert not train & val
        assert train | val == names
        assert len(train) == len(split[f'{kind}_train'])
    train_subjects = set(xsub_train_subjects(10))
    assert 0.5 <= len(train_subjects) / 10 <= 0.7
    for name in split['xsub_train']:
        assert parse_name(name)[2] in train_subjects
    for name in split['xsub_val']:
        assert parse_name(name)[2] not in train_subjects
    for name in split['xview_train']:
        assert parse_name(name)[1] in (2, 3)
    for name in split['xview_val']:
        assert parse_name(name)[1] == 1
    labels = {a['frame_dir']: a['label'] for a in medium['annotations']}
    for part in ('xsub_train', 'xsub_val'):
        assert {labels[n] for n in split[part]} == set(range(10))


def test_rigid_bones_without_noise(exact, untrimmed):
    two = 0
    for a in exact['annotations']:
        assert bone_length_spread(a['keypoint']) < 1e-4, a['frame_dir']
        two += a['keypoint'].shape[0] == 2
    assert two >= 3 * 3 * sum(a.num_persons == 2 for a in ACTIONS)
    for a in untrimmed['annotations']:
        assert bone_length_spread(a['keypoint']) < 1e-4


def test_noise_is_applied():
    kw = dict(num_classes=2, num_subjects=3, num_reps=1, seed=3)
    clean = generate_trimmed(noise_std=0.0, **kw)['annotations']
    noisy = generate_trimmed(noise_std=0.02, **kw)['annotations']
    diff = np.concatenate([(n['keypoint'] - c['keypoint']).ravel()
                           for n, c in zip(noisy, clean)])
    assert 0.015 < diff.std() < 0.025
    assert bone_length_spread(noisy[0]['keypoint']) > 0.01


def test_frame_lengths(medium):
    frames = np.array([a['total_frames'] for a in medium['annotations']])
    assert frames.min() >= 40 and frames.max() <= 160
    assert 0.1 <= (frames < 64).mean() <= 0.4
    custom = generate_trimmed(
        num_classes=2,
        num_subjects=3,
        num_reps=1,
        min_frames=20,
        max_frames=30)
    assert all(20 <= a['total_frames'] <= 30 for a in custom['annotations'])


def test_persons(medium):
    for a in medium['annotations']:
        if ACTIONS[a['label']].num_persons == 2:
            assert a['keypoint'].shape[0] == 2
    single = [
        a['keypoint'].shape[0] for a in medium['annotations']
        if ACTIONS[a['label']].num_persons == 1
    ]
    # An idle bystander joins about 10% of one-person clips.
    assert 0.02 < np.mean(np.array(single) == 2) < 0.25


def _facing_angle(keypoint: np.ndarray) -> float:
    """Horizontal direction in degrees of person 0's hip axis."""
    hips = (keypoint[0, :, 12] - keypoint[0, :, 16]).mean(0)  # left - right
    return float(np.degrees(np.arctan2(hips[2], hips[0])))


def test_viewpoint_differs_between_cameras(medium):
    annos = by_name(medium)
    delta = {1: [], 3: []}
    for name, a in annos.items():
        setup, camera, subject, rep, action = parse_name(name)
        if camera != 2 or ACTIONS[action - 1].num_persons != 1:
            continue
        ref = _facing_angle(a['keypoint'])
        for other in (1, 3):
            twin = name.replace('C002', f'C{other:03d}')
            d = _facing_angle(annos[twin]['keypoint']) - ref
            delta[other].append((d + 180) % 360 - 180)
    for other in (1, 3):
        mean = np.mean(delta[other])
        assert 35 < abs(mean) < 55, (other, mean)
        assert np.std(delta[other]) > 0.5  # jitter per view
    assert np.sign(np.mean(delta[1])) != np.sign(np.mean(delta[3]))


def test_2d_variant():
    data = generate_trimmed(
        num_classes=len(ACTION_NAMES), num_subjects=3, num_reps=1, dim=2)
    inside = total = 0
    low = False
    h, w = IMG_SHAPE
    for a in data['annotations']:
        kp, score = a['keypoint'], a['keypoint_score']
        m, t, v, c = kp.shape
        assert c == 2 and kp.dtype == np.float32
        assert score.shape == (m, t, v) and score.dtype == np.float32
        assert score.min() > 0 and score.max() <= 1
        low |= bool((score < 0.55).any())
        inside += ((kp[..., 0] >= 0) & (kp[..., 0] < w) & (kp[..., 1] >= 0)
                   & (kp[..., 1] < h)).sum()
        total += m * t * v
    assert low, 'some joints should be occluded (low scores)'
    assert inside / total > 0.95


def test_untrimmed(untrimmed):
    annos = untrimmed['annotations']
    assert len(annos) == 8
    allowed = set(single_person_classes(10))
    train_subjects = set(xsub_train_subjects(4))
    split = untrimmed['split']
    assert set(split) == {'xsub_train', 'xsub_val'}
    assert set(split['xsub_train']).isdisjoint(split['xsub_val'])
    assert set(split['xsub_train']) | set(split['xsub_val']) == {
        a['frame_dir']
        for a in annos
    }
    for a in annos:
        kp, seg, fl = a['keypoint'], a['segments'], a['frame_labels']
        t = a['total_frames']
        assert kp.shape == (1, t, 25, 3) and kp.dtype == np.float32
        assert seg.dtype == np.int64 and seg.ndim == 2 and seg.shape[1] == 3
        assert 3 <= len(seg) <= 8
        assert fl.dtype == np.int64 and fl.shape == (t, )
        starts, ends = seg[:, 1], seg[:, 2]
        assert (np.diff(starts) > 0).all()
        assert (starts < ends).all() and starts[0] >= 0 and ends[-1] <= t
        assert (ends[:-1] <= starts[1:]).all()  # no overlap
        assert set(seg[:, 0].tolist()) <= allowed
        expected = np.full(t, -1)
        for label, s, e in seg:
            expected[s:e] = label
        np.testing.assert_array_equal(fl, expected)
        assert fl[0] == -1 and fl[-1] == -1 and (fl == -1).sum() >= 10
        subject = int(re.search(r'P(\d{3})', a['frame_dir']).group(1))
        part = 'xsub_train' if subject in train_subjects else 'xsub_val'
        assert a['frame_dir'] in split[part]


def test_invalid_arguments(tmp_path):
    with pytest.raises(ValueError, match='num_classes'):
        generate_trimmed(num_classes=len(ACTION_NAMES) + 1)
    with pytest.raises(ValueError, match='min_frames'):
        generate_trimmed(min_frames=100, max_frames=50)
    with pytest.raises(ValueError, match='dim'):
        generate_trimmed(dim=4)
    with pytest.raises(ValueError, match='num_subjects'):
        generate_untrimmed(num_subjects=2)
    with pytest.raises(ValueError, match='noise_std'):
        generate_trimmed(noise_std=-0.1)
    with pytest.raises(ValueError, match='num_reps'):
        generate_trimmed(num_reps=0)
    with pytest.raises(TypeError, match='num_subject'):
        write_synthetic_dataset(str(tmp_path), num_subject=3)


def test_write_refuse_and_force(tmp_path):
    kw = dict(num_classes=3, num_subjects=3, num_reps=1, num_sequences=2)
    paths = write_synthetic_dataset(str(tmp_path), seed=0, **kw)
    assert set(paths) == {'trimmed', 'untrimmed', 'label_map'}
    assert osp.basename(paths['trimmed']) == 'synthetic_3d.pkl'
    assert osp.basename(paths['untrimmed']) == 'synthetic_untrimmed_3d.pkl'
    with open(paths['label_map']) as f:
        assert f.read().splitlines() == list(ACTION_NAMES[:3])
    data = mmengine.load(paths['trimmed'])
    assert len(data['annotations']) == 3 * 3 * 3
    before = os.stat(paths['trimmed']).st_mtime_ns
    with pytest.raises(FileExistsError, match='force'):
        write_synthetic_dataset(str(tmp_path), seed=1, **kw)
    assert os.stat(paths['trimmed']).st_mtime_ns == before
    write_synthetic_dataset(str(tmp_path), seed=1, force=True, **kw)
    # Atomic writes leave no temporary files behind.
    assert sorted(os.listdir(tmp_path)) == sorted(
        osp.basename(p) for p in paths.values())
    paths2d = write_synthetic_dataset(str(tmp_path), dim=2, **kw)
    assert 'keypoint_score' in mmengine.load(
        paths2d['trimmed'])['annotations'][0]


def test_cli(tmp_path):
    env = dict(os.environ, OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = REPO_ROOT + os.pathsep + env.get('PYTHONPATH', '')
    cmd = [
        sys.executable,
        osp.join(REPO_ROOT, 'tools', 'data', 'generate_synthetic.py'), '--out',
        str(tmp_path), '--seed', '0', '--num-classes', '3', '--num-subjects',
        '3', '--num-reps', '1', '--num-untrimmed', '2'
    ]
    done = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert 'shorter than 64' in done.stdout
    for name in ('synthetic_3d.pkl', 'synthetic_untrimmed_3d.pkl',
                 'label_map_synthetic.txt'):
        assert osp.isfile(osp.join(tmp_path, name))
    before = os.stat(osp.join(tmp_path, 'synthetic_3d.pkl')).st_mtime_ns
    again = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode != 0
    assert 'refusing to overwrite' in again.stderr
    assert os.stat(osp.join(tmp_path,
                            'synthetic_3d.pkl')).st_mtime_ns == before


def _resampled(annotations, centre: bool, num_frames: int = 32):
    """Person 0 joints, optionally centred on spine_base per frame, linearly
    resampled to ``num_frames`` and flattened: (N, num_frames * V * 3)."""
    feats = []
    for a in annotations:
        kp = a['keypoint'][0].astype(np.float64)  # (T, V, 3)
        if centre:
            kp = kp - kp[:, :1]
        pos = np.linspace(0, kp.shape[0] - 1, num_frames)
        lo = np.floor(pos).astype(int)
        hi = np.minimum(lo + 1, kp.shape[0] - 1)
        w = (pos - lo)[:, None, None]
        feats.append((kp[lo] * (1 - w) + kp[hi] * w).reshape(-1))
    return np.stack(feats)


def _nn_accuracy(data, protocol: str, centre: bool) -> float:
    annos = by_name(data)
    train = [annos[n] for n in data['split'][f'{protocol}_train']]
    val = [annos[n] for n in data['split'][f'{protocol}_val']]
    x_train, x_val = _resampled(train, centre), _resampled(val, centre)
    y_train = np.array([a['label'] for a in train])
    y_val = np.array([a['label'] for a in val])
    # Squared distances via the expansion |a|^2 - 2ab + |b|^2: (N_val, N_tr).
    d = ((x_val**2).sum(1)[:, None] - 2 * x_val @ x_train.T +
         (x_train**2).sum(1)[None])
    return float((y_train[d.argmin(1)] == y_val).mean())


def test_class_separability(medium, record_property):
    chance = 1 / 10
    acc = _nn_accuracy(medium, 'xsub', centre=True)
    raw_xview = _nn_accuracy(medium, 'xview', centre=False)
    record_property('knn_xsub_centred', acc)
    record_property('knn_xview_raw', raw_xview)
    print(f'1-NN accuracy: xsub centred {acc:.3f}, xview raw coordinates '
          f'{raw_xview:.3f} (chance {chance:.3f})')
    # Classes must differ in motion; the raw-coordinate number is only
    # reported (it shows how far from trivial the cross-view task is).
    assert acc > 3 * chance
