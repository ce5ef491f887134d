import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.converters import read_mediapipe_file


def landmarks(seed, x0=0.3):
    """33 normalised landmarks with visibility, as PoseLandmarker gives."""
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 0.2, (33, 2)) + [x0, 0.4]
    vis = rng.uniform(0.5, 1.0, 33)
    marks = [
        dict(x=float(x), y=float(y), z=-0.1, visibility=float(v))
        for (x, y), v in zip(xy.round(4), vis.round(3))
    ]
    return marks, xy.round(4), vis.round(3)


def write_video(path, num_frames=4):
    frames, truth = [], []
    for t in range(num_frames):
        marks, xy, vis = landmarks(t)
        frames.append(dict(frame=t, pose_landmarks=[marks]))
        truth.append((xy, vis))
    frames[1] = dict(frame=1, pose_landmarks=[])  # nobody in frame 1
    path.write_text(json.dumps(dict(fps=30, frames=frames)))
    return truth


def test_round_trip_scales_to_pixels(tmp_path):
    path = tmp_path / 'clip.json'
    truth = write_video(path)
    frames = read_mediapipe_file(str(path), img_shape=(720, 1280))
    assert len(frames) == 4 and frames[1][0].shape == (0, 33, 2)
    kp, score = frames[2]
    xy, vis = truth[2]
    assert kp.shape == (1, 33, 2)
    assert np.allclose(kp[0, :, 0], xy[:, 0] * 1280, atol=1e-3)
    assert np.allclose(kp[0, :, 1], xy[:, 1] * 720, atol=1e-3)
    assert np.allclose(score[0], vis)


def test_other_frame_forms(tmp_path):
    one, xy, _ = landmarks(0)
    two, xy2, _ = landmarks(1, x0=0.7)
    as_lists = [[m['x'], m['y'], m['z'], m['visibility']] for m in one]
    path = tmp_path / 'clip.json'
    path.write_text(
        json.dumps([
            one, [one, two], [], {
                'landmarks': as_lists
            }, [[m['x'], m['y']] for m in one]
        ]))
    frames = read_mediapipe_file(str(path), img_shape=(100, 200))
    assert [len(f[0]) for f in frames] == [1, 2, 0, 1, 1]
    assert np.allclose(frames[1][0][1, :, 0], xy2[:, 0] * 200, atol=1e-3)
    assert np.allclose(frames[3][0], frames[0][0])
    assert np.allclose(frames[4][1], 1.0)  # no visibility: score 1


@pytest.mark.parametrize('content,message', [
    ('[[{"x": 0.1}]]', r'frame 0 person 0 landmark 0: a landmark needs'),
    ('[[{"x": 0.1, "y": "top"}]]', 'non-numeric landmark'),
    ('[' + json.dumps([{
        'x': 0.1,
        'y': 0.2
    }] * 32) + ']', r'frame 0 person 0: 32 keypoints, expected 33'),
    ('[{"time": 3}]', r'frame 0: a frame object needs "pose_landmarks"'),
    ('{"fps": 30}', 'expected a list of frames'),
    ('[]', 'no frames'),
    ('[[{"x": 0.1,\n\n "y": }]]', r'clip.json:3: invalid JSON'),
])
def test_malformed_files(tmp_path, content, message):
    path = tmp_path / 'clip.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_mediapipe_file(str(path), img_shape=(720, 1280))


def test_cli(tmp_path, repo_root, tool_env, load_tool, capsys):
    mp = tmp_path / 'mediapipe'
    mp.mkdir()
    truth = write_video(mp / 'clap.json')
    write_video(mp / 'bow.json', 3)
    (tmp_path / 'labels.json').write_text('{"clap": 5, "bow": 2}')
    (tmp_path /
     'splits.json').write_text('{"train": ["clap"], "val": ["bow"]}')
    out = tmp_path / 'mp.pkl'
    args = [
        '--format', 'mediapipe', '--input',
        str(mp), '--img-shape', '720', '1280', '--labels',
        str(tmp_path / 'labels.json'), '--splits',
        str(tmp_path / 'splits.json'), '--out',
        str(out), '--max-persons', '1'
    ]
    done = subprocess.run(
        [sys.executable, 'tools/data/convert_pose2d.py'] + args,
        cwd=repo_root,
        env=tool_env,
        capture_output=True,
        text=True)
    assert done.returncode == 0, done.stderr
    assert 'layout mediapipe-33' in done.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == {'train': ['clap'], 'val': ['bow']}
    clap = [a for a in data['annotations'] if a['frame_dir'] == 'clap'][0]
    assert clap['label'] == 5 and clap['keypoint'].shape == (1, 4, 33, 2)
    assert np.allclose(clap['keypoint_score'][0, 3], truth[3][1])
    assert not clap['keypoint'][0, 1].any()

    main = load_tool('convert_pose2d')
    assert main(args) == 1 and '--force' in capsys.readouterr().err
    assert main(args + ['--force', '--num-classes', '4']) == 1
    assert "'clap' (#" in capsys.readouterr().err
