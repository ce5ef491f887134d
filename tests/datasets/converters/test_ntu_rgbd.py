import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.annotation_checks import check_annotation_file
from usdrl_mm.datasets.converters import (convert_ntu_rgbd, ntu_splits,
                                          parse_ntu_name, read_name_list,
                                          read_ntu_skeleton, select_bodies)
from usdrl_mm.datasets.converters.ntu_rgbd import BodyTrack
from usdrl_mm.datasets.transforms import PreNormalize3DPerFrame

ID_A, ID_B, ID_C = '72057594037931101', '72057594037931102', '720575940379311'


def write_skeleton(path, frames, num_joints=25):
    """Write the Kinect v2 text format: ``frames`` is a list (per frame) of
    ``(body_id, joints (V, 3))`` lists."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for body_id, joints in bodies:
            lines.append(f'{body_id} 0 1 1 1 1 0 0.1 -0.2 2')
            lines.append(str(num_joints))
            for x, y, z in joints:
                # x y z depthX depthY colorX colorY orientWXYZ trackingState
                lines.append(f'{x:.6f} {y:.6f} {z:.6f} 250.1 200.2 1000.5 '
                             '500.5 0.1 0.2 0.3 0.4 2')
    path.write_text('\n'.join(lines) + '\n')


def body(rng, t, scale):
    return (rng.normal(size=(25, 3)) * 0.1 + [0, 0, 3] +
            scale * np.sin(t / 3.0)).astype(np.float32)


@pytest.fixture
def two_bodies(tmp_path):
    """30 frames: body A moves a lot, body B little and is missing in frame
    10; frame 20 has no body at all."""
    rng = np.random.default_rng(0)
    a = [body(rng, t, 0.5) for t in range(30)]
    b = [body(rng, t, 0.05) for t in range(30)]
    frames = []
    for t in range(30):
        bodies = [] if t == 20 else [(ID_B, b[t]), (ID_A, a[t])]
        if t == 10:
            bodies = [(ID_A, a[t])]
        frames.append(bodies)
    path = tmp_path / 'S001C001P001R001A001.skeleton'
    write_skeleton(path, frames)
    return path, np.stack(a), np.stack(b)


def test_values_and_missing_frames_round_trip(two_bodies):
    path, a, b = two_bodies
    num_frames, tracks = read_ntu_skeleton(str(path))
    assert num_frames == 30
    assert [t.body_id for t in tracks] == [ID_B, ID_A]  # first appearance
    assert len(tracks[0].frames) == 28 and 10 not in tracks[0].frames
    kp = select_bodies(tracks, num_frames)
    assert kp.shape == (2, 30, 25, 3) and kp.dtype == np.float32
    present = [t for t in range(30) if t != 20]
    # the more active body A becomes person 0 although B came first
    assert np.allclose(kp[0, present], a[present], atol=1e-5)
    assert not kp[:, 20].any()  # the empty frame
    assert not kp[1, 10].any()  # B missing in frame 10
    b_frames = [t for t in present if t != 10]
    assert np.allclose(kp[1, b_frames], b[b_frames], atol=1e-5)


def test_body_selection_rule():
    rng = np.random.default_rng(1)

    def track(name, frames, scale):
        frames = np.asarray(frames)
        joints = np.stack([body(rng, t, scale) for t in frames])
        return BodyTrack(name, frames, joints)

    main = track('main', range(40), 1.0)
    first = track('first', range(20), 0.2)  # the second actor ...
    again = track('again', range(20, 40), 0.2)  # ... under a new ID
    ghost = track('ghost', range(3), 5.0)  # very active, 3 frames only
    third = track('third', range(40), 0.01)  # overlaps both slots
    kp = select_bodies([first, ghost, again, third, main], 40, max_bodies=2)
    assert kp.shape == (2, 40, 25, 3)
    assert np.allclose(kp[0], main.joints)
    # the two halves of the second actor share slot 1; the ghost (too
    # short) and the least active third body are dropped
    assert np.allclose(kp[1, :20], first.joints)
    assert np.allclose(kp[1, 20:], again.joints)
    # keeping short bodies lets the ghost win by activity, and the second
    # actor, overlapping both slots, is dropped
    kp = select_bodies([first, ghost, main], 40, min_body_frames=1)
    assert ghost.activity > main.activity > first.activity
    assert np.allclose(kp[0, :3], ghost.joints) and not kp[0, 3:].any()
    assert np.allclose(kp[1], main.joints)
    # a file of short bodies only keeps the longest
    assert select_bodies([ghost], 40).shape == (1, 40, 25, 3)
    with pytest.raises(ValueError, match='no body'):
        select_bodies([], 40)


def test_names_and_standard_splits():
    ids = parse_ntu_name('S018C002P045R001A061.skeleton')
    assert (ids.setup, ids.camera, ids.performer, ids.action,
            ids.label) == (18, 2, 45, 61, 60)
    with pytest.raises(ValueError, match='SsssCcccPpppRrrrAaaa'):
        parse_ntu_name('S1C1P1R1A1')
    names = [
        'S001C001P001R001A001', 'S001C002P003R001A001', 'S002C003P038R002A060',
        'S018C001P045R001A061'
    ]
    split = ntu_splits(names[:3], 'ntu60')
    assert split['xsub_train'] == [names[0], names[2]]
    assert split['xsub_val'] == [names[1]]
    assert split['xview_train'] == names[1:3]
    assert split['xview_val'] == [names[0]]
    split = ntu_splits(names, 'ntu120')
    assert set(split) == {'xsub_train', 'xsub_val', 'xset_train', 'xset_val'}
    # performer 45 trains in NTU-120 xsub; even setups train in xset
    assert split['xsub_train'] == [names[0], names[2], names[3]]
    assert split['xset_train'] == [names[2], names[3]]


@pytest.fixture
def folder(tmp_path, two_bodies):
    rng = np.random.default_rng(2)
    one = [[(ID_C, body(rng, t, 0.3))] for t in range(15)]
    write_skeleton(tmp_path / 'S001C002P003R001A002.skeleton', one)
    write_skeleton(tmp_path / 'S002C003P004R001A003.skeleton', one)
    write_skeleton(tmp_path / 'S018C001P045R001A061.skeleton', one)
    write_skeleton(tmp_path / 'S001C001P002R001A004.skeleton', [[]] * 12)
    (tmp_path /
     'missing.txt').write_text('# missing skeletons\nS002C003P004R001A003\n\n')
    return tmp_path


def test_name_lists_skip_their_header_sentences(tmp_path):
    # the official lists open with sentences, not sample names
    path = tmp_path / 'NTU_RGBD_samples_with_missing_skeletons.txt'
    path.write_text('The following 302 samples do not have skeleton data:\n'
                    '\nS001C002P005R002A008\nS001C002P006R001A008.skeleton\n')
    notes = []
    names = read_name_list(str(path), log=notes.append)
    assert names == ['S001C002P005R002A008', 'S001C002P006R001A008']
    assert notes == [
        f'{path}: skipped 1 line(s) that are not NTU sample names (first, '
        "line 1: 'The following 302 samples do not have skeleton data:')"
    ]


def test_convert_folder_counts_what_it_skips(folder):
    ignore = read_name_list(str(folder / 'missing.txt'))
    assert ignore == ['S002C003P004R001A003']
    data, report = convert_ntu_rgbd(str(folder), 'ntu60', ignore=ignore)
    names = [a['frame_dir'] for a in data['annotations']]
    assert names == ['S001C001P001R001A001', 'S001C002P003R001A002']
    assert report.kept == 2
    assert report.skipped == {'empty': 1, 'ignore_list': 1, 'other_dataset': 1}
    assert report.notes['one_person_samples'] == 1
    anno = data['annotations'][1]
    assert anno['label'] == 1 and anno['total_frames'] == 15
    assert anno['keypoint'].shape == (1, 15, 25, 3)
    assert data['split']['xsub_train'] == ['S001C001P001R001A001']
    assert data['split']['xview_train'] == ['S001C002P003R001A002']
    data, report = convert_ntu_rgbd(str(folder), 'ntu120', ignore=ignore)
    assert report.kept == 3 and 'xset_train' in data['split']


def test_raw_and_preprocessed_share_the_pipeline(folder):
    data, _ = convert_ntu_rgbd(str(folder), 'ntu60')
    norm = PreNormalize3DPerFrame(center_joint=1, xaxis=(4, 8))
    once = norm(dict(data['annotations'][0]))
    twice = norm(dict(once))
    kp = once['keypoint']
    assert np.allclose(kp[0, :20, 1], 0, atol=1e-5)  # centred per frame
    shoulders = kp[0, 0, 8] - kp[0, 0, 4]
    assert shoulders[0] > 0 and np.allclose(shoulders[1:], 0, atol=1e-5)
    assert np.allclose(twice['keypoint'], kp, atol=1e-4)  # idempotent


@pytest.mark.parametrize('edit,message', [
    (lambda ls: ls[:40], r':41: file ends early'),
    (lambda ls: ls[:3] + ['24'] + ls[4:], r':4: body .* has 24 joints'),
    (lambda ls: ls[:5] + ['1 2 3'] + ls[6:], r':6: expected 12 values'),
    (lambda ls: ls[:2] + ['1 2'] + ls[3:], r':3: expected 10 body values'),
    (lambda ls: ls[:5] + ['x' + ls[5]] + ls[6:], r':6: non-numeric'),
    (lambda ls: ['many'] + ls[1:], r':1: expected the number of frames'),
    (lambda ls: ls + ['0', '0'], r'unexpected content after the last'),
])
def test_malformed_files_name_file_and_line(two_bodies, edit, message):
    path, _, _ = two_bodies
    lines = path.read_text().splitlines()
    path.write_text('\n'.join(edit(lines)) + '\n')
    with pytest.raises(ValueError, match=message) as err:
        read_ntu_skeleton(str(path))
    assert path.name in str(err.value)


def test_malformed_file_stops_or_is_skipped(folder):
    bad = folder / 'S001C003P001R001A005.skeleton'
    bad.write_text('2\n1\n')
    with pytest.raises(ValueError, match='file ends early'):
        convert_ntu_rgbd(str(folder))
    _, report = convert_ntu_rgbd(str(folder), skip_malformed=True)
    assert report.skipped['malformed'] == 1 and report.kept == 3
    bad.unlink()
    (folder / 'bad_name.skeleton').write_text('0\n')
    with pytest.raises(ValueError, match='bad_name.skeleton: not an NTU'):
        convert_ntu_rgbd(str(folder))
    _, report = convert_ntu_rgbd(str(folder), skip_malformed=True)
    assert report.skipped['bad_name'] == 1 and report.kept == 3


def test_cli(folder, tmp_path, repo_root, tool_env, load_tool, capsys):
    out = tmp_path / 'out' / 'ntu60.pkl'
    args = [
        '--skeletons',
        str(folder), '--ignore-list',
        str(folder / 'missing.txt'), '--out',
        str(out)
    ]
    done = subprocess.run(
        [sys.executable, 'tools/data/convert_ntu_rgbd.py'] + args,
        cwd=repo_root,
        env=tool_env,
        capture_output=True,
        text=True)
    assert done.returncode == 0, done.stderr
    assert 'kept 2, skipped 3' in done.stdout
    assert 'skipped (empty): 1, e.g. S001C001P002R001A004' in done.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['annotations'][0]['keypoint'].shape == (2, 30, 25, 3)

    main = load_tool('convert_ntu_rgbd')
    before = out.read_bytes()
    assert main(args) == 1
    assert '--force' in capsys.readouterr().err
    assert out.read_bytes() == before
    assert main(args + ['--force', '--max-bodies', '1']) == 0
    with open(out, 'rb') as f:
        assert pickle.load(f)['annotations'][0]['keypoint'].shape[0] == 1
    assert [p.name for p in out.parent.iterdir()] == ['ntu60.pkl']


def test_original_body_selection_takes_slots_by_order_in_the_frame(tmp_path):
    """Body order swaps at frame 10 and a static ghost is third in a few
    frames. By the original rule slot i holds the i-th listed body of each
    frame (so slots switch persons), and the two slots of highest summed
    per-axis standard deviation are kept, highest first."""
    from usdrl_mm.datasets.converters import select_bodies_by_order
    rng = np.random.default_rng(1)
    a = np.stack([body(rng, t, 0.5) for t in range(30)])  # moves a lot
    b = np.stack([body(rng, t, 0.05) for t in range(30)])
    ghost = np.full((25, 3), 1.5, np.float32)
    frames = []
    for t in range(30):
        listed = [(ID_B, b[t]), (ID_A, a[t])] if t < 10 else \
            [(ID_A, a[t]), (ID_B, b[t])]
        if t in (3, 4, 5):
            listed.append((ID_C, ghost))
        frames.append(listed)
    path = tmp_path / 'S001C001P001R001A001.skeleton'
    write_skeleton(path, frames)

    # the rule, worked out on the frame lists
    slots = np.zeros((4, 30, 25, 3), np.float32)
    for t, listed in enumerate(frames):
        for i, (_, joints) in enumerate(listed):
            slots[i, t] = np.round(joints, 6)  # as written to the file

    def energy(slot):
        filled = slot[slot.sum(axis=(1, 2)) != 0]
        return sum(filled[..., c].std()
                   for c in range(3)) if len(filled) else 0

    expected = slots[np.argsort([energy(s) for s in slots])[::-1][:2]]
    num_frames, tracks = read_ntu_skeleton(str(path))
    kp = select_bodies_by_order(tracks, num_frames)
    np.testing.assert_allclose(kp, expected, atol=1e-6)
    # slot 0 switches from B to A at frame 10: not one person
    assert np.allclose(
        kp[0, 9], b[9], atol=1e-5) != np.allclose(
            kp[0, 10], b[10], atol=1e-5)
    # the tracked rule keeps persons whole instead
    tracked = select_bodies(tracks, num_frames)
    np.testing.assert_allclose(tracked[0], a, atol=1e-5)

    data, _ = convert_ntu_rgbd(str(tmp_path), body_selection='original')
    np.testing.assert_allclose(
        data['annotations'][0]['keypoint'], expected, atol=1e-6)
    assert data['annotations'][0]['total_frames'] == 30
    with pytest.raises(ValueError, match='body_selection'):
        convert_ntu_rgbd(str(tmp_path), body_selection='best')


def test_cli_shows_the_report_when_every_file_is_skipped(
        tmp_path, load_tool, capsys):
    (tmp_path / 'S001C001P001R001A001.skeleton').write_text('2\n1\n')
    (tmp_path / 'S001C002P001R001A002.skeleton').write_text('x\n')
    out = tmp_path / 'out.pkl'
    main = load_tool('convert_ntu_rgbd')
    args = ['--skeletons', str(tmp_path), '--out', str(out)]
    assert main(args + ['--skip-malformed']) == 1
    err = capsys.readouterr().err
    assert 'no sample was converted' in err
    assert ('skipped (malformed): 2, e.g. S001C001P001R001A001, '
            'S001C002P001R001A002') in err
    assert 'first: ' in err and 'S001C001P001R001A001.skeleton:3: file ' \
        'ends early' in err
    assert not out.exists()


def test_cli_refuses_an_empty_split_unless_dropped(tmp_path, load_tool,
                                                   capsys):
    """Camera 1 only: the cross-view training split (cameras 2, 3) is
    empty, an error as in check_annotations.py."""
    rng = np.random.default_rng(3)
    frames = [[(ID_A, body(rng, t, 0.3))] for t in range(12)]
    for name in ('S001C001P001R001A001', 'S001C001P003R001A002'):
        write_skeleton(tmp_path / f'{name}.skeleton', frames)
    out = tmp_path / 'out' / 'ntu60.pkl'
    main = load_tool('convert_ntu_rgbd')
    args = ['--skeletons', str(tmp_path), '--out', str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "split 'xview_train' is empty" in err
    assert '--drop-empty-splits' in err and 'kept 2, skipped 0' in err
    assert not out.exists()
    assert main(args + ['--drop-empty-splits']) == 0
    assert "['xview_train'] have no converted sample" in \
        capsys.readouterr().out
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert set(data['split']) == {'xsub_train', 'xsub_val', 'xview_val'}
    assert check_annotation_file(data, num_classes=60, layout='nturgb+d').ok
