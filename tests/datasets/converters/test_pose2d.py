import json
import pickle

import numpy as np
import pytest

from usdrl_mm.datasets.annotation_checks import check_annotation_file
from usdrl_mm.datasets.converters import (convert_pose_videos, read_label_file,
                                          read_split_file, track_people)
from usdrl_mm.datasets.converters.pose2d import load_json


def person(cx, cy, score, v=17, seed=0):
    rng = np.random.default_rng(seed)
    kp = rng.normal(size=(v, 2)).astype(np.float32) * 5 + [cx, cy]
    return kp.astype(np.float32), np.full(v, score, np.float32)


def frame(*people, v=17):
    if not people:
        return np.zeros((0, v, 2), np.float32), np.zeros((0, v), np.float32)
    return (np.stack([p[0] for p in people]), np.stack([p[1] for p in people]))


def walking_pair():
    """P walks right with score 0.9 from frame 1; Q stands at x=500 with
    score 0.6 from frame 0 and misses frame 3; R (score 0.2) shows up once
    as a third person."""
    frames, ps, qs = [], [], []
    for t in range(6):
        p = person(100 + 20 * t, 300, 0.9, seed=t)
        q = person(500, 310, 0.6, seed=10 + t)
        r = person(120 + 20 * t, 320, 0.2, seed=20 + t)
        ps.append(p)
        qs.append(q)
        if t == 0:
            frames.append(frame(q))
        elif t == 3:
            frames.append(frame(p))
        elif t == 4:
            frames.append(frame(r, q, p))  # order in the file is arbitrary
        else:
            frames.append(frame(q, p))
    return frames, ps, qs


def test_tracking_follows_the_nearest_centre_and_orders_by_score():
    frames, ps, qs = walking_pair()
    kp, score = track_people(frames, max_persons=2)
    assert kp.shape == (2, 6, 17, 2) and score.shape == (2, 6, 17)
    # P opened slot 1 in frame 1 but has the higher mean score: person 0
    for t in range(1, 6):
        assert np.array_equal(kp[0, t], ps[t][0])
    assert not kp[0, 0].any() and not score[0, 0].any()
    for t in (0, 1, 2, 4, 5):
        assert np.array_equal(kp[1, t], qs[t][0])
    assert not kp[1, 3].any()  # Q missing in frame 3
    # R, the third person of frame 4, is dropped (lowest score)
    assert np.allclose(score[:, 4], [[0.9], [0.6]])


def test_one_person_keeps_the_most_confident():
    frames, ps, _ = walking_pair()
    kp, score = track_people(frames, max_persons=1)
    assert kp.shape == (1, 6, 17, 2)
    # frame 0 only has Q, so its slot is shared by Q then P
    assert np.allclose(score[0, 1:], 0.9) and np.allclose(score[0, 0], 0.6)
    with pytest.raises(ValueError, match='no person'):
        track_people([frame(), frame()])


def test_convert_videos_labels_splits_and_skips():
    frames, _, _ = walking_pair()
    videos = [('a', lambda: frames), ('b', lambda: [frame()] * 3),
              ('c', lambda: frames[:2]), ('d', lambda: frames)]
    data, report = convert_pose_videos(
        videos, (720, 1280),
        labels={
            'a': 3,
            'b': 1,
            'c': 0
        },
        splits={
            'train': ['a', 'b'],
            'val': ['c', 'zz']
        })
    a, c = data['annotations']
    assert (a['frame_dir'], a['label'], a['total_frames']) == ('a', 3, 6)
    assert a['img_shape'] == (720, 1280) and a['keypoint'].dtype == np.float32
    assert a['keypoint_score'].shape == (2, 6, 17)
    assert data['split'] == {'train': ['a'], 'val': ['c']}
    assert report.skipped == {'empty': 1, 'no_label': 1}
    assert report.notes['people_beyond_max_persons'] == 1
    assert report.notes['split_names_not_converted'] == 2
    data, _ = convert_pose_videos(videos[:1], (720, 1280), labels=None)
    assert 'label' not in data['annotations'][0]
    assert data['split'] == {'train': ['a']}

    def broken():
        raise ValueError('x.json: frame 2: bad')

    with pytest.raises(ValueError, match='frame 2'):
        convert_pose_videos([('x', broken)], (720, 1280), labels=0)
    _, report = convert_pose_videos([('x', broken)], (720, 1280),
                                    labels=0,
                                    skip_malformed=True)
    assert report.skipped == {'malformed': 1}
    with pytest.raises(ValueError, match="two videos are named 'a'"):
        convert_pose_videos(videos[:1] * 2, (720, 1280))


def test_label_and_split_files(tmp_path):
    path = tmp_path / 'labels.txt'
    path.write_text('# name label\nvid_a 3\nvid_b,0\n\n')
    assert read_label_file(str(path)) == {'vid_a': 3, 'vid_b': 0}
    path.write_text('vid_a 3\nvid_b three\n')
    with pytest.raises(ValueError, match=r'labels.txt:2: expected "name'):
        read_label_file(str(path))
    path.write_text('vid_a 3\nvid_a 4\n')
    with pytest.raises(ValueError, match=r':2: .vid_a. is labelled twice'):
        read_label_file(str(path))
    js = tmp_path / 'labels.json'
    js.write_text('{"vid_a": 2}')
    assert read_label_file(str(js)) == {'vid_a': 2}
    js.write_text('{"vid_a": "2"}')
    with pytest.raises(ValueError, match='integer label'):
        read_label_file(str(js))
    split = tmp_path / 'split.json'
    split.write_text('{"train": ["a"],\n "val": ["b",]}')
    with pytest.raises(ValueError, match=r'split.json:2: invalid JSON'):
        read_split_file(str(split))
    split.write_text('{"train": ["a"], "val": ["b"]}')
    assert read_split_file(str(split)) == {'train': ['a'], 'val': ['b']}


def test_deeply_nested_json_names_the_file(tmp_path):
    deep = tmp_path / 'deep.json'
    deep.write_text('[' * 100000 + ']' * 100000)
    for read in (load_json, read_split_file, read_label_file):
        with pytest.raises(ValueError) as info:
            read(str(deep))
        assert str(info.value).startswith(f'{deep}: JSON nested too deeply')
    # nesting within the limit still parses
    deep.write_text('[' * 100 + ']' * 100)
    nested = []
    for _ in range(99):
        nested = [nested]
    assert load_json(str(deep)) == nested


@pytest.mark.parametrize('value, match', [
    (10**12, 'must be from 1 to 1000 .*got 1000000000000'),
    (0, 'must be from 1 to 1000 .*got 0'),
    (2.0, 'must be an integer from 1 to 1000 .*got 2.0'),
    (True, 'must be an integer .*got True'),
])
def test_max_persons_is_bounded(value, match):
    frames, _, _ = walking_pair()
    with pytest.raises(ValueError, match='max_persons ' + match):
        track_people(frames, max_persons=value)
    # refused before any video is read, not after allocating its arrays
    with pytest.raises(ValueError, match='max_persons ' + match):
        convert_pose_videos([('a', lambda: pytest.fail('read'))], (720, 1280),
                            max_persons=value)
    assert track_people(frames, max_persons=1000)[0].shape[0] == 3  # P, Q, R


# --- tracking='continuity' ----------------------------------------------

#: (8, 2) corners and edge midpoints of a unit box centred on 0: the mean is
#: the centre and the bounding box is the box.
UNIT_BOX = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1], [0, -1], [1, 0],
                     [0, 1], [-1, 0]], np.float32) / 2


def box(cx, cy, score, w=60, h=160, v=8):
    """A person whose 8 keypoints outline a ``w x h`` box centred on
    ``(cx, cy)``, the other ``v - 8`` on the centre: centre ``(cx, cy)``,
    size ``hypot(w, h)``."""
    unit = np.concatenate([UNIT_BOX, np.zeros((v - 8, 2), np.float32)])
    return (unit * [w, h] + [cx, cy]).astype(np.float32), np.full(
        v, score, np.float32)


def centre(kp):
    """``(V, 2)`` -> the mean keypoint."""
    return kp.mean(0)


def walker_and_background(v=8):
    """P (60 x 160 px, score 0.9) walks right from x=100 by 20 px a frame
    at y=300; B, a static background detection (score 0.6), stands at
    (600, 320). P is missed in frame 3 and split into two low-scoring
    fragments (upper and lower body, 0.5 and 0.4) in frame 5."""
    frames, path = [], []
    for t in range(9):
        x = 100 + 20 * t
        path.append((x, 300))
        b = box(600, 320, 0.6, w=40, h=100, v=v)
        if t == 3:
            frames.append(frame(b))
        elif t == 5:
            upper = box(x, 255, 0.5, h=90, v=v)
            lower = box(x + 4, 350, 0.4, h=60, v=v)
            frames.append(frame(lower, b, upper))
        else:
            frames.append(frame(box(x, 300, 0.9, v=v), b))
    return frames, np.array(path, np.float32)


def test_default_tracking_jumps_to_the_background():
    """The old rule (documented, unchanged): with the person missed or
    fragmented, the most confident detection left, the background, takes
    the slot for that frame."""
    frames, path = walker_and_background()
    kp, score = track_people(frames, max_persons=1)
    assert kp.shape == (1, 9, 8, 2)
    for t in (3, 5):
        assert np.allclose(centre(kp[0, t]), (600, 320))
        assert np.allclose(score[0, t], 0.6)
        jump = np.linalg.norm(centre(kp[0, t]) - path[t - 1])
        assert jump > 400
    assert np.allclose(centre(kp[0, 4]), path[4])  # and back
    explicit = track_people(frames, max_persons=1, tracking='score')
    assert all(np.array_equal(a, b) for a, b in zip(explicit, (kp, score)))


def test_continuity_follows_the_person_and_leaves_the_gap_empty():
    frames, path = walker_and_background()
    kp, score = track_people(frames, max_persons=1, tracking='continuity')
    assert kp.shape == (1, 9, 8, 2)
    # frame 3: P missed, B beyond the gate -> the slot is empty, not B
    assert not kp[0, 3].any() and not score[0, 3].any()
    # frame 5: a fragment of P (not B, although B scores higher)
    assert score[0, 5, 0] in (np.float32(0.5), np.float32(0.4))
    assert np.linalg.norm(centre(kp[0, 5]) - path[5]) < 60
    for t in (0, 1, 2, 4, 6, 7, 8):
        assert np.allclose(centre(kp[0, t]), path[t])
        assert np.allclose(score[0, t], 0.9)
    # a second slot takes B in every frame, P stays person 0
    kp, score = track_people(frames, max_persons=2, tracking='continuity')
    assert np.allclose([centre(k) for k in kp[1]], (600, 320))
    assert not kp[0, 3].any()


def crossing():
    """A (score 0.9) walks right at y=300 and C (0.8) left at y=360; they
    pass each other in frame 5, where C, hidden by A, is not detected. A
    background detection (0.5) stands at (1000, 330)."""
    frames, a_path, c_path = [], [], []
    for t in range(11):
        a, c = (300 + 20 * t, 300), (500 - 20 * t, 360)
        a_path.append(a)
        c_path.append(c)
        people = [box(*a, 0.9), box(1000, 330, 0.5)]
        if t != 5:
            people.insert(0, box(*c, 0.8))
        frames.append(frame(*people))
    return frames, np.array(a_path, np.float32), np.array(c_path, np.float32)


def test_two_people_crossing_keep_their_identities():
    frames, a_path, c_path = crossing()
    kp, score = track_people(frames, max_persons=2, tracking='continuity')
    assert kp.shape == (2, 11, 8, 2)
    for t in range(11):
        assert np.allclose(centre(kp[0, t]), a_path[t])
        if t == 5:  # C hidden: C's slot waits, B does not take it
            assert not kp[1, 5].any() and not score[1, 5].any()
        else:
            assert np.allclose(centre(kp[1, t]), c_path[t])
    # the default rule gives C's slot to the background while C is hidden
    kp, _ = track_people(frames, max_persons=2)
    assert np.allclose(centre(kp[1, 5]), (1000, 330))


def test_the_gate_is_a_fraction_of_the_person_size():
    """A 60 x 80 box has a diagonal of 100 px: with gate 0.5 a move of
    49 px stays in the slot and one of 51 px does not."""

    def moves(*xs, **kwargs):
        frames = [frame(box(x, 100, 0.9, w=60, h=80)) for x in xs]
        return track_people(frames, tracking='continuity', **kwargs)

    kp, score = moves(100, 149, 200, max_persons=1)
    assert np.allclose(centre(kp[0, 1]), (149, 100))
    assert not score[0, 2].any()  # 51 px: the slot stays empty ...
    kp, _ = moves(100, 149, 200, max_persons=2)
    assert kp.shape[0] == 2  # ... and the person opens the free slot
    assert not kp[0, 2].any() and not kp[1, :2].any()
    assert np.allclose(centre(kp[1, 2]), (200, 100))
    kp, score = moves(100, 149, 200, max_persons=1, gate=0.6)
    assert score[0, 2].all() and np.allclose(centre(kp[0, 2]), (200, 100))
    # a fragment is measured in the larger size, the slot's: a 30 x 40 box
    # (diagonal 50) 45 px away joins a slot of diagonal 100
    frames = [
        frame(box(100, 100, 0.9, w=60, h=80)),
        frame(box(145, 100, 0.3, w=30, h=40))
    ]
    _, score = track_people(frames, max_persons=1, tracking='continuity')
    assert np.allclose(score[0, 1], 0.3)


@pytest.mark.parametrize('tracking, gate, match', [
    ('nearest', 0.5, r"tracking must be one of \('score', 'continuity'\), "
     "got 'nearest'"),
    ('continuity', 0, 'gate must be a positive number.*got 0'),
    ('continuity', -1.0, 'gate must be a positive number.*got -1.0'),
    ('continuity', float('nan'), 'got nan'),
    ('continuity', float('inf'), 'got inf'),
    ('continuity', True, 'got True'),
    ('continuity', '0.5', "got '0.5'"),
])
def test_tracking_options_are_checked(tracking, gate, match):
    frames, _ = walker_and_background()
    with pytest.raises(ValueError, match=match):
        track_people(frames, tracking=tracking, gate=gate)
    with pytest.raises(ValueError, match=match):  # before reading a video
        convert_pose_videos([('a', lambda: pytest.fail('read'))], (720, 1280),
                            tracking=tracking,
                            tracking_gate=gate)


def test_convert_videos_with_continuity_counts_untracked_people():
    frames, _ = walker_and_background()
    videos = [('walk', lambda: frames)]
    data, report = convert_pose_videos(
        videos, (720, 1280), max_persons=1, tracking='continuity')
    kp = data['annotations'][0]['keypoint']
    assert kp.shape == (1, 9, 8, 2) and not kp[0, 3].any()
    # 18 detections, 8 in the slot (P in 7 frames, a fragment of P in
    # frame 5): B every frame and the other fragment are not tracked
    assert report.notes['people_not_tracked'] == 18 - 8
    _, report = convert_pose_videos(videos, (720, 1280), max_persons=1)
    assert 'people_not_tracked' not in report.notes


def mmpose_video(frames):
    """The MMAction2 skeleton-demo JSON of :data:`Frame` s."""
    return json.dumps([[
        dict(keypoints=k.tolist(), keypoint_scores=s.tolist())
        for k, s in zip(*f)
    ] for f in frames])


def test_cli_tracking_options(tmp_path, load_tool, capsys):
    frames, _ = walker_and_background(v=17)  # COCO-17, mmpose's default
    (tmp_path / 'walk.json').write_text(mmpose_video(frames))
    out = tmp_path / 'walk.pkl'
    args = [
        '--format', 'mmpose', '--input',
        str(tmp_path / 'walk.json'), '--img-shape', '720', '1280', '--out',
        str(out), '--max-persons', '1'
    ]
    main = load_tool('convert_pose2d')
    assert main(args + ['--tracking', 'continuity']) == 0, \
        capsys.readouterr().err
    assert 'people_not_tracked 10' in capsys.readouterr().out
    with open(out, 'rb') as f:
        kp = pickle.load(f)['annotations'][0]['keypoint']
    assert not kp[0, 3].any()
    assert main(args + ['--force']) == 0
    with open(out, 'rb') as f:
        kp = pickle.load(f)['annotations'][0]['keypoint']
    assert np.allclose(centre(kp[0, 3]), (600, 320))  # the default: a jump
    assert main(
        args +
        ['--force', '--tracking', 'continuity', '--tracking-gate', '0']) == 1
    assert 'gate must be a positive number' in capsys.readouterr().err


def test_cli_reports_what_it_skipped_when_nothing_is_left(
        tmp_path, load_tool, capsys):
    """--skip-malformed skipping every video: the report (what, why) and an
    error, nothing written."""
    (tmp_path / 'a.json').write_text('[[{"keypoints": 3}]]')
    (tmp_path / 'b.json').write_text('{"frames": []}')
    out = tmp_path / 'out.pkl'
    main = load_tool('convert_pose2d')
    args = [
        '--format', 'mmpose', '--input',
        str(tmp_path), '--img-shape', '720', '1280', '--out',
        str(out), '--skip-malformed'
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert 'error: no video was converted' in err
    assert 'kept 0, skipped 2' in err
    assert 'skipped (malformed): 2, e.g. a, b' in err
    assert f'first: {tmp_path / "a.json"}: frame 0 instance 0' in err
    assert not out.exists()


def test_cli_refuses_an_empty_split_unless_dropped(tmp_path, load_tool,
                                                   capsys):
    frames, _ = walker_and_background(v=17)
    results = tmp_path / 'results'
    results.mkdir()
    (results / 'walk.json').write_text(mmpose_video(frames))
    (results / 'broken.json').write_text('[[{"keypoints": 3}]]')
    (tmp_path /
     'splits.json').write_text('{"train": ["walk"], "val": ["broken"]}')
    out = tmp_path / 'out.pkl'
    main = load_tool('convert_pose2d')
    args = [
        '--format', 'mmpose', '--input',
        str(results), '--img-shape', '720', '1280', '--out',
        str(out), '--skip-malformed', '--splits',
        str(tmp_path / 'splits.json')
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "split 'val' is empty" in err and '--drop-empty-splits' in err
    assert 'skipped (malformed): 1, e.g. broken' in err  # and the report
    assert not out.exists()
    assert main(args + ['--drop-empty-splits']) == 0
    assert "split(s) ['val'] have no converted sample and are left out" in \
        capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['split'] == {'train': ['walk']}
    assert check_annotation_file(data, require_label=False, layout='coco').ok


def test_gated_matching_takes_the_most_pairs_within_reach():
    from usdrl_mm.datasets.converters.pose2d import gated_matching

    # (N=3 people, S=2 slots): person 0 fits slot 0 best, but taking it
    # would leave slot 1 empty, as only person 0 can reach slot 1 cheaply
    cost = np.array([[1., 2.], [1.5, 9.], [8., 9.]])
    reach = np.full_like(cost, 5.)
    rows, cols = gated_matching(cost, reach)
    assert sorted(zip(rows.tolist(), cols.tolist())) == [(0, 1), (1, 0)]
    # nothing within reach: no pair
    rows, cols = gated_matching(cost, np.full_like(cost, .5))
    assert rows.size == cols.size == 0
