import numpy as np
import pytest

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
