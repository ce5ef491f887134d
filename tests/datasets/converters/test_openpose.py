import json
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.converters import (find_openpose_videos,
                                          read_openpose_frame,
                                          read_openpose_video)
from usdrl_mm.datasets.converters.openpose import (MARGIN,
                                                   detect_openpose_layout,
                                                   layout_misfit)
from usdrl_mm.structures import get_layout

#: One standing person facing the camera (pixels, y down, the person's left
#: on the image's right), the joints of every OpenPose model by name: the
#: neck is the midpoint of the shoulders and the mid hip that of the hips
#: (as BODY_25 and COCO-18 define them), the upper neck (BODY_25B) is above.
STANDING = {
    'head_top': (0, -60), 'nose': (0, -38), 'left_eye': (6, -44),
    'right_eye': (-6, -44), 'left_ear': (14, -40), 'right_ear': (-14, -40),
    'upper_neck': (0, -18), 'neck': (0, 0), 'left_shoulder': (38, 0),
    'right_shoulder': (-38, 0), 'left_elbow': (44, 56),
    'right_elbow': (-44, 56), 'left_wrist': (46, 104),
    'right_wrist': (-46, 104), 'mid_hip': (0, 110), 'left_hip': (20, 110),
    'right_hip': (-20, 110), 'left_knee': (22, 196), 'right_knee': (-22, 196),
    'left_ankle': (22, 280), 'right_ankle': (-22, 280), 'left_heel': (20, 288),
    'right_heel': (-20, 288), 'left_big_toe': (16, 300),
    'right_big_toe': (-16, 300), 'left_small_toe': (32, 298),
    'right_small_toe': (-32, 298)
}  # yapf: disable
MODEL_OF = {18: 'openpose', 25: 'openpose-body25'}
UPPER_BODY = ('nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'neck',
              'upper_neck', 'left_shoulder', 'right_shoulder', 'left_elbow',
              'right_elbow', 'left_wrist', 'right_wrist')


def pose(v, x0, conf, seed, layout=None, detected=None):
    """(V, 3) x, y, confidence of the standing person in the joint order of
    ``layout`` (default: the OpenPose model with V keypoints), moved by
    ``x0``, with 2 px of noise and its last keypoint undetected (0, 0, 0);
    only the joints named in ``detected`` when given."""
    names = get_layout(layout or MODEL_OF[v]).joint_names
    assert len(names) == v
    rng = np.random.default_rng(seed)
    xy = np.array([STANDING[n] for n in names], float) + [x0 + 40, 300]
    xyc = np.concatenate(
        [xy + rng.normal(0, 2, (v, 2)),
         np.full((v, 1), conf)], 1).round(3)
    xyc[v - 1] = 0
    if detected is not None:
        xyc[[n not in detected for n in names]] = 0
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
    assert 'videos, layout openpose-body25\n' in done.stdout
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


def write_video(root, video, layout, num_frames=6, detected=None):
    """One person per frame, the standing person in ``layout``'s order."""
    root.mkdir(exist_ok=True)
    v = get_layout(layout).num_joints
    for t in range(num_frames):
        write_frame(root / f'{video}_{t:012d}_keypoints.json',
                    [pose(v, 100, 0.8, t, layout, detected)])
    return root


def convert(load_tool, root, out, *extra):
    main = load_tool('convert_pose2d')
    return main([
        '--format', 'openpose', '--input',
        str(root), '--out',
        str(out), '--img-shape', '720', '1280', '--label', '0', *extra
    ])


def annotation(layout, num_frames=6, detected=None, name='v'):
    """The (1, T, V, 2) annotation of the standing person in ``layout``."""
    v = get_layout(layout).num_joints
    xyc = np.stack([
        pose(v, 100, 0.8, t, layout, detected) for t in range(num_frames)
    ])[None]
    return dict(
        frame_dir=name, keypoint=xyc[..., :2], keypoint_score=xyc[..., 2])


@pytest.mark.parametrize('detected', [None, UPPER_BODY])
def test_each_25_joint_order_fits_only_its_own_layout(detected):
    """The same person in BODY_25 and in BODY_25B order: each order fits its
    layout (misfit <= 1) and misfits the other by more than MARGIN times,
    for full bodies and for upper bodies (no hips, legs or feet)."""
    both = ('openpose-body25', 'openpose-body25b')
    for layout in both:
        anno = annotation(layout, detected=detected)
        kp, score = anno['keypoint'], anno['keypoint_score']
        own, measured = layout_misfit(kp, score, layout)
        (other, ) = [n for n in both if n != layout]
        wrong, _ = layout_misfit(kp, score, other)
        assert measured == 6 and own <= 1, (layout, own)
        assert wrong > MARGIN * own and wrong > 1, (layout, wrong)
        assert detect_openpose_layout([anno], 'clip') == layout
    coco18 = annotation('openpose')
    assert detect_openpose_layout([coco18], 'clip') == 'openpose'


def test_body25b_output_is_converted_as_body25b(tmp_path, load_tool, capsys):
    root = write_video(tmp_path / 'b', 'wave', 'openpose-body25b')
    write_video(root, 'walk', 'openpose-body25b', num_frames=4)
    out = tmp_path / 'b.pkl'
    assert convert(load_tool, root, out) == 0
    assert 'layout openpose-body25b' in capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    wave = data['annotations'][1]
    assert wave['frame_dir'] == 'wave'
    # the keypoints stay in BODY_25B order: joint 17 is the upper neck
    upper_neck = get_layout('openpose-body25b').joint_names.index('upper_neck')
    assert np.allclose(wave['keypoint'][0, 2, upper_neck],
                       pose(25, 100, 0.8, 2, 'openpose-body25b')[17, :2])
    body25 = write_video(tmp_path / 'a', 'wave', 'openpose-body25')
    assert convert(load_tool, body25, tmp_path / 'a.pkl') == 0
    assert 'videos, layout openpose-body25\n' in capsys.readouterr().out


def test_an_undecidable_25_joint_folder_is_refused(tmp_path, load_tool,
                                                   capsys):
    """Only the nose and the shoulders detected: no test of either order
    can be measured, so the converter names both layouts and --layout."""
    root = write_video(
        tmp_path / 'few',
        'clip',
        'openpose-body25',
        detected=('nose', 'right_shoulder', 'left_shoulder'))
    out = tmp_path / 'few.pkl'
    assert convert(load_tool, root, out) == 1
    err = capsys.readouterr().err
    assert "'openpose-body25' and 'openpose-body25b'" in err
    assert 'the geometry of the people does not tell which' in err
    assert 'too few people with the joints of its tests (0' in err
    assert '--layout openpose-body25 (or openpose-body25b)' in err
    assert str(root) in err and not out.exists()
    # --layout is taken as given, without a geometry test
    assert convert(load_tool, root, out, '--layout', 'openpose-body25b') == 0
    assert 'layout openpose-body25b' in capsys.readouterr().out
    with open(out, 'rb') as f:
        assert pickle.load(f)['annotations'][0]['keypoint'].shape[2] == 25


def test_random_points_and_mixed_models_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    noise = dict(
        frame_dir='noise',
        keypoint=rng.uniform(0, 80, (1, 8, 25, 2)),
        keypoint_score=np.full((1, 8, 25), 0.9))
    with pytest.raises(ValueError, match='does not tell which') as err:
        detect_openpose_layout([noise], 'noise_dir')
    assert 'openpose-body25: misfit' in str(err.value)
    assert str(err.value).startswith('noise_dir: 25 keypoints per person')
    mixed = [
        annotation('openpose-body25', name='a'),
        annotation('openpose-body25b', name='b')
    ]
    with pytest.raises(
            ValueError,
            match="video 'a' fits 'openpose-body25', video 'b' fits "
            "'openpose-body25b': the input mixes the output of two"):
        detect_openpose_layout(mixed, 'dir')
    with pytest.raises(ValueError, match=r'videos with \[18, 25\] keypoints'):
        detect_openpose_layout(
            [annotation('openpose'),
             annotation('openpose-body25')], 'dir')
