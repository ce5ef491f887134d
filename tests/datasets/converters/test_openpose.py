import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.converters import (find_openpose_videos,
                                          read_openpose_frame,
                                          read_openpose_video)


def pose(v, x0, conf, seed):
    """(V, 3) x, y, confidence with an undetected (0, 0, 0) keypoint."""
    rng = np.random.default_rng(seed)
    xyc = np.concatenate(
        [rng.uniform(0, 80, (v, 2)) + [x0, 200],
         np.full((v, 1), conf)], 1).round(3)
    xyc[v - 1] = 0
    return xyc


def write_frame(path, poses):
    people = [
        dict(
            person_id=[-1],
            pose_keypoints_2d=p.reshape(-1).tolist(),
            face_keypoints_2d=[],
            hand_left_keypoints_2d=[]) for p in poses
    ]
    path.write_text(json.dumps(dict(version=1.3, people=people)))


@pytest.fixture
def json_dir(tmp_path):
    """Flat folder: video 'jump' (BODY-25, frames 0-4, frame 2 missing) and
    video 'sit_down' (BODY-25, 3 frames); sub-folder 'coco_clip' with
    COCO-18 files named only by frame number."""
    root = tmp_path / 'openpose'
    root.mkdir()
    expected = {}
    for t in (0, 1, 3, 4):
        poses = [pose(25, 100, 0.8, t), pose(25, 600, 0.4, 10 + t)]
        write_frame(root / f'jump_{t:012d}_keypoints.json', poses)
        expected[t] = poses
    for t in range(3):
        write_frame(root / f'sit_down_{t:012d}_keypoints.json',
                    [pose(25, 300, 0.7, 30 + t)])
    sub = root / 'coco_clip'
    sub.mkdir()
    for t in range(2):
        write_frame(sub / f'{t:012d}_keypoints.json', [pose(18, 50, 0.9, t)])
    (root / 'notes.json').write_text('{}')  # not an OpenPose frame
    return root, expected


def test_videos_are_grouped_and_ordered(json_dir):
    root, _ = json_dir
    videos = find_openpose_videos(str(root))
    assert sorted(videos) == ['coco_clip', 'jump', 'sit_down']
    assert [n for n, _ in videos['jump']] == [0, 1, 3, 4]


def test_round_trip_with_a_missing_frame(json_dir):
    root, expected = json_dir
    frames = read_openpose_video(find_openpose_videos(str(root))['jump'])
    assert len(frames) == 5
    assert frames[2][0].shape == (0, 25, 2)  # no file for frame 2
    kp, score = frames[3]
    assert kp.shape == (2, 25, 2)
    assert np.allclose(kp[1], expected[3][1][:, :2])
    assert np.allclose(score[0], expected[3][0][:, 2])
    assert score[0, 24] == 0 and not kp[0, 24].any()  # undetected
    coco = read_openpose_video(find_openpose_videos(str(root))['coco_clip'])
    assert coco[0][0].shape == (1, 18, 2)


@pytest.mark.parametrize('content,message', [
    ('{"people": [{"pose_keypoints_2d": [1, 2]}]}', 'not a multiple of 3'),
    ('{"people": [{"pose_keypoints_2d": ' + str([1] * 60) + '}]}',
     r'person 0: 20 keypoints; OpenPose models give \[18, 25\]'),
    ('{"version": 1.3}', 'expected an object with a "people" list'),
    ('{"people": [{"face_keypoints_2d": []}]}', 'no "pose_keypoints_2d"'),
    ('{"people": [{"pose_keypoints_2d": ["a", 1, 1]}]}', 'non-numeric'),
    ('{"people": [\n{"pose_keypoints_2d": [1, 2, 3]}\n', r':3: invalid JSON'),
])
def test_malformed_frames(tmp_path, content, message):
    path = tmp_path / 'x_000000000000_keypoints.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=message) as err:
        read_openpose_frame(str(path))
    assert path.name in str(err.value)


def test_mixed_models_and_duplicate_videos(tmp_path, json_dir):
    root, _ = json_dir
    write_frame(root / 'jump_000000000005_keypoints.json', [pose(18, 0, 1, 0)])
    with pytest.raises(ValueError, match='18 keypoints, expected 25'):
        read_openpose_video(find_openpose_videos(str(root))['jump'])
    other = root / 'more'
    other.mkdir()
    write_frame(other / 'sit_down_000000000000_keypoints.json',
                [pose(25, 0, 1, 0)])
    with pytest.raises(ValueError, match="'sit_down' has frames in both"):
        find_openpose_videos(str(root))
    with pytest.raises(ValueError, match='no OpenPose'):
        find_openpose_videos(str(tmp_path / 'empty_dir_that_is_missing'))


def test_cli(json_dir, tmp_path, repo_root, tool_env, load_tool, capsys):
    root, expected = json_dir
    (root / 'coco_clip' / '000000000000_keypoints.json').unlink()
    (root / 'coco_clip' / '000000000001_keypoints.json').unlink()
    out = tmp_path / 'op.pkl'
    args = [
        '--format', 'openpose', '--input',
        str(root), '--img-shape', '720', '1280', '--label', '4', '--out',
        str(out)
    ]
    done = subprocess.run(
        [sys.executable, 'tools/data/convert_pose2d.py'] + args,
        cwd=repo_root,
        env=tool_env,
        capture_output=True,
        text=True)
    assert done.returncode == 0, done.stderr
    assert 'layout openpose-body25' in done.stdout
    assert 'kept 2, skipped 0' in done.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    jump = data['annotations'][0]
    assert jump['frame_dir'] == 'jump' and jump['label'] == 4
    assert jump['keypoint'].shape == (2, 5, 25, 2)
    assert np.allclose(jump['keypoint'][0, 4], expected[4][0][:, :2])

    main = load_tool('convert_pose2d')
    assert main(args) == 1 and '--force' in capsys.readouterr().err
    assert main(args[:-2] +
                ['--layout', 'openpose', '--out',
                 str(out), '--force']) == 1
    assert '25 keypoints, expected 18' in capsys.readouterr().err


def test_an_empty_person_entry_is_no_person(tmp_path):
    """OpenPose-format writers leave persons with an empty (or all-zero)
    keypoint list: skipped and counted, the frame and video kept."""
    from collections import Counter
    path = tmp_path / 'clip_000000000000_keypoints.json'
    write_frame(path, [pose(25, 100, 0.8, 0)])
    people = json.loads(path.read_text())
    people['people'] += [
        dict(pose_keypoints_2d=[]),
        dict(pose_keypoints_2d=[0.0] * 75)
    ]
    path.write_text(json.dumps(people))
    skipped = Counter()
    kp, score = read_openpose_frame(str(path), skipped=skipped)
    assert kp.shape == (1, 25, 2) and skipped['empty_people'] == 2
    frames = read_openpose_video([(0, str(path))])
    assert frames[0][0].shape == (1, 25, 2)


def test_frames_named_by_other_writers(tmp_path):
    """cam01.0030.json style: any *.json, ordered by the frame number in the
    name, grouped by what comes before it."""
    for t in (30, 31, 29):
        write_frame(tmp_path / f'cam01.{t:04d}.json', [pose(25, 100, 0.8, t)])
    write_frame(tmp_path / 'cam02.0001.json', [pose(25, 100, 0.8, 1)])
    videos = find_openpose_videos(str(tmp_path))
    assert sorted(videos) == ['cam01', 'cam02']
    assert [n for n, _ in videos['cam01']] == [29, 30, 31]
    assert len(read_openpose_video(videos['cam01'])) == 3


def test_no_frame_file_names_what_was_found(tmp_path):
    (tmp_path / 'notes.txt').write_text('x')
    (tmp_path / 'meta.json').write_text('{}')
    with pytest.raises(ValueError, match='found meta.json, notes.txt'):
        find_openpose_videos(str(tmp_path))


def test_the_converter_reports_skipped_empty_people(tmp_path, load_tool,
                                                    capsys):
    root = tmp_path / 'op'
    root.mkdir()
    for t in range(3):
        write_frame(root / f'v_{t:012d}_keypoints.json',
                    [pose(25, 100, 0.8, t)])
    frame = json.loads((root / 'v_000000000001_keypoints.json').read_text())
    frame['people'].append(dict(pose_keypoints_2d=[]))
    (root / 'v_000000000001_keypoints.json').write_text(json.dumps(frame))
    main = load_tool('convert_pose2d')
    assert main([
        '--format', 'openpose', '--input',
        str(root), '--out',
        str(tmp_path / 'out.pkl'), '--img-shape', '1080', '1920', '--label',
        '0'
    ]) == 0
    assert 'empty_people_skipped 1' in capsys.readouterr().out
