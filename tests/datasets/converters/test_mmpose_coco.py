import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.converters import frames_from_mmpose, read_mmpose_file


def people(t, n=2):
    """(n, 17, 2) keypoints and (n, 17) scores of frame t; person 0 scores
    higher and stands left."""
    rng = np.random.default_rng(t)
    kp = rng.uniform(
        0, 50, size=(n, 17, 2)) + np.array([[100.], [600.]])[:n, None]
    score = np.stack([np.full(17, 0.9), np.full(17, 0.5)])[:n]
    return kp.round(2), score


def demo_format(num_frames=5):
    """The MMAction2 skeleton-demo list: per frame a list of instances."""
    frames = []
    for t in range(num_frames):
        kp, score = people(t, 1 if t == 2 else 2)
        frames.append([
            dict(
                keypoints=k.tolist(),
                keypoint_scores=s.tolist(),
                bbox=[[0, 0, 10, 10]],
                bbox_score=0.9) for k, s in zip(kp, score)
        ])
    if num_frames > 3:
        frames[3] = []  # nobody detected
    return frames


def test_demo_format_round_trip(tmp_path):
    path = tmp_path / 'clip.json'
    path.write_text(json.dumps(demo_format()))
    frames = read_mmpose_file(str(path))
    assert len(frames) == 5
    kp, score = frames[0]
    expected_kp, expected_score = people(0)
    assert np.allclose(kp, expected_kp) and np.allclose(score, expected_score)
    assert kp.dtype == np.float32 and frames[2][0].shape == (1, 17, 2)
    assert frames[3][0].shape == (0, 17, 2)


def test_every_mmpose_form_gives_the_same_frames(tmp_path):
    reference = frames_from_mmpose(demo_format(), 'demo')
    inferencer = [
        dict(frame_id=t, instances=inst)
        for t, inst in enumerate(demo_format())
    ]
    topdown = dict(
        meta_info=dict(dataset_name='coco'), instance_info=inferencer)
    arrays = []  # pickled pose_inference results: arrays per frame
    for inst in demo_format():
        arrays.append(
            dict(
                keypoints=np.array([i['keypoints']
                                    for i in inst]).reshape(-1, 17, 2),
                keypoint_scores=np.array([i['keypoint_scores']
                                          for i in inst]).reshape(-1, 17)))
    pkl = tmp_path / 'clip.pkl'
    with open(pkl, 'wb') as f:
        pickle.dump(arrays, f)
    with_score_column = [[
        dict(
            keypoints=np.concatenate(
                [i['keypoints'],
                 np.array(i['keypoint_scores'])[:, None]],
                axis=1).tolist()) for i in inst
    ] for inst in demo_format()]
    for frames in (frames_from_mmpose(inferencer,
                                      'a'), frames_from_mmpose(topdown, 'b'),
                   read_mmpose_file(str(pkl)),
                   frames_from_mmpose(with_score_column, 'c')):
        assert len(frames) == len(reference)
        for (k, s), (rk, rs) in zip(frames, reference):
            assert np.allclose(k, rk) and np.allclose(s, rs)


@pytest.mark.parametrize('edit,message', [
    (lambda f: f[:1] + [[{
        'keypoint_scores': [1] * 17
    }]], r'frame 1 instance 0: expected a dict with "keypoints"'),
    (lambda f: f[:2] + [[dict(f[2][0], keypoints=f[2][0]['keypoints'][:16])]],
     r'frame 2 instance 0: keypoints of shape'),
    (lambda f: [[dict(keypoints=f[0][0]['keypoints'])]],
     'no "keypoint_scores"'),
    (lambda f: {
        'frames': f
    }, 'expected a list with one entry per frame'),
    (lambda f: [], 'no frames'),
    (lambda f: f[:1] + ['person'], r'frame 1: expected a list of instances'),
])
def test_malformed_input(edit, message):
    with pytest.raises(ValueError, match=message):
        frames_from_mmpose(edit(demo_format()), 'clip.json')


def test_joint_count_and_files(tmp_path):
    wrong = [[dict(keypoints=[[0, 0]] * 16, keypoint_scores=[1] * 16)]]
    with pytest.raises(ValueError, match='16 keypoints, expected 17'):
        frames_from_mmpose(wrong, 'x')
    assert frames_from_mmpose(
        wrong, 'x', num_joints=None)[0][0].shape == (1, 16, 2)
    path = tmp_path / 'bad.json'
    path.write_text('[[{"keypoints": [[1, 2]],\n  "keypoint_scores": [1]]]')
    with pytest.raises(ValueError, match=r'bad.json:2: invalid JSON'):
        read_mmpose_file(str(path))
    with pytest.raises(ValueError, match=r'expected a .json or .pkl'):
        read_mmpose_file(str(tmp_path / 'clip.csv'))


def test_cli(tmp_path, repo_root, tool_env, load_tool, capsys):
    results = tmp_path / 'results'
    results.mkdir()
    (results / 'walk_01.json').write_text(json.dumps(demo_format()))
    (results / 'wave_02.json').write_text(json.dumps(demo_format(3)))
    (results / 'nobody.json').write_text(json.dumps([[], []]))
    (tmp_path / 'labels.txt').write_text('walk_01 0\nwave_02 1\nnobody 1\n')
    out = tmp_path / 'coco.pkl'
    args = [
        '--format', 'mmpose', '--input',
        str(results), '--img-shape', '1080', '1920', '--labels',
        str(tmp_path / 'labels.txt'), '--out',
        str(out)
    ]
    done = subprocess.run(
        [sys.executable, 'tools/data/convert_pose2d.py'] + args,
        cwd=repo_root,
        env=tool_env,
        capture_output=True,
        text=True)
    assert done.returncode == 0, done.stderr
    assert 'layout coco' in done.stdout and 'kept 2, skipped 1' in done.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    walk = data['annotations'][0]
    assert walk['keypoint'].shape == (2, 5, 17, 2) and walk['label'] == 0
    assert walk['keypoint_score'].shape == (2, 5, 17)
    assert walk['img_shape'] == (1080, 1920)
    assert data['split'] == {'train': ['walk_01', 'wave_02']}

    main = load_tool('convert_pose2d')
    assert main(args) == 1 and '--force' in capsys.readouterr().err
    (results / 'broken.json').write_text('[[{"keypoints": 3}]]')
    with open(tmp_path / 'labels.txt', 'a') as f:
        f.write('broken 0\n')
    assert main(args + ['--force']) == 1
    assert 'broken.json: frame 0 instance 0' in capsys.readouterr().err
    assert main(args + ['--force', '--skip-malformed']) == 0
    assert 'skipped (malformed): 1, e.g. broken' in capsys.readouterr().out
