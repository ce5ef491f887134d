import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.converters import (convert_skeleton_npy,
                                          load_npy_labels, valid_frame_count)


def write_split(root, prefix, data, names, labels, frames=None):
    """The earlier SSL layout: ``{prefix}_data_joint.npy`` (N, C, T, V, M),
    ``{prefix}_label.pkl`` (names, labels), ``{prefix}_num_frame.npy``."""
    paths = [root / f'{prefix}_data_joint.npy', root / f'{prefix}_label.pkl']
    np.save(paths[0], data)
    with open(paths[1], 'wb') as f:
        pickle.dump((names, labels), f)
    if frames is not None:
        paths.append(root / f'{prefix}_num_frame.npy')
        np.save(paths[2], np.asarray(frames))
    return [str(p) for p in paths]


@pytest.fixture
def arrays():
    rng = np.random.default_rng(0)
    data = np.zeros((3, 3, 50, 25, 2), np.float32)
    data[0, :, :40] = rng.normal(size=(3, 40, 25, 2))  # two persons
    data[1, :, :30, :, 0] = rng.normal(size=(3, 30, 25))  # one person
    data[1, :, 12] = 0  # an empty frame inside the valid range
    # sample 2 stays all zeros (a missing skeleton)
    names = [
        f'/data/nturgb+d/S001C00{i + 1}P001R001A00{i + 1}.skeleton'
        for i in range(3)
    ]
    return data, names, [0, 1, 2]


def test_values_shapes_and_frame_counting(tmp_path, arrays):
    data, names, labels = arrays
    paths = write_split(tmp_path, 'train', data, names, labels)
    out, report = convert_skeleton_npy({'xsub_train': paths})
    annos = out['annotations']
    assert [a['frame_dir'] for a in annos
            ] == ['S001C001P001R001A001', 'S001C002P001R001A002']
    # (C, T, V, M) -> (M, T, V, C), cut to the last non-zero frame
    assert annos[0]['keypoint'].shape == (2, 40, 25, 3)
    assert np.array_equal(annos[0]['keypoint'],
                          data[0, :, :40].transpose(3, 1, 2, 0))
    assert annos[0]['keypoint'].dtype == np.float32
    # the empty frame 12 stays, the absent second person goes
    assert annos[1]['keypoint'].shape == (1, 30, 25, 3)
    assert annos[1]['total_frames'] == 30 and annos[1]['label'] == 1
    assert report.skipped == {'empty': 1}
    assert report.notes['absent_persons_dropped'] == 1
    assert out['split'] == {'xsub_train': [a['frame_dir'] for a in annos]}
    assert valid_frame_count(data[1]) == 30 and valid_frame_count(data[2]) == 0


def test_frame_count_file_wins_and_is_capped(tmp_path, arrays):
    data, names, labels = arrays
    paths = write_split(tmp_path, 'val', data, names, labels, [20, 300, 5])
    out, report = convert_skeleton_npy({'xsub_val': paths})
    frames = [a['total_frames'] for a in out['annotations']]
    assert frames == [20, 50]  # 300 is beyond T = 50; sample 2 is empty
    assert report.notes['frame_counts_capped'] == 1


def test_splits_share_samples_and_offsets(tmp_path, arrays):
    data, names, labels = arrays
    train = write_split(tmp_path, 'train', data[:2], names[:2], [1, 2])
    view = write_split(tmp_path, 'view', data[1:2], names[1:2], [2])
    out, report = convert_skeleton_npy(
        {
            'xsub_train': train,
            'xview_train': view
        }, label_offset=1)
    assert len(out['annotations']) == 2  # the shared sample is stored once
    assert out['split']['xview_train'] == ['S001C002P001R001A002']
    assert [a['label'] for a in out['annotations']] == [0, 1]
    assert report.notes['shared_between_splits'] == 1
    clash = write_split(tmp_path, 'clash', data[1:2], names[1:2], [3])
    with pytest.raises(ValueError, match='label 2 but 1 in an earlier'):
        convert_skeleton_npy({'a': train, 'b': clash}, label_offset=1)


def test_malformed_inputs_name_the_file(tmp_path, arrays):
    data, names, labels = arrays
    paths = write_split(tmp_path, 'ok', data, names, labels, [1, 2, 3])
    short = write_split(tmp_path, 'short', data, names[:2], labels[:2])
    with pytest.raises(ValueError, match=r'short_label.pkl: 2 samples but'):
        convert_skeleton_npy({'a': short})
    flat = write_split(tmp_path, 'flat', data[:, :, :, :, 0], names, labels)
    with pytest.raises(ValueError, match=r'flat_data_joint.npy: expected'):
        convert_skeleton_npy({'a': flat})
    nf = tmp_path / 'nf.npy'
    np.save(nf, np.array([1, 2]))
    with pytest.raises(ValueError, match=r'nf.npy: 2 frame counts'):
        convert_skeleton_npy({'a': paths[:2] + [str(nf)]})
    bad = tmp_path / 'bad_label.pkl'
    with open(bad, 'wb') as f:
        pickle.dump({'names': names}, f)
    with pytest.raises(ValueError, match=r'bad_label.pkl: expected a pickled'):
        load_npy_labels(str(bad))
    with open(bad, 'wb') as f:
        pickle.dump((names, ['a', 'b', 'c']), f)
    with pytest.raises(ValueError, match=r"label #0 \('a'\) is not an int"):
        load_npy_labels(str(bad))
    with pytest.raises(ValueError, match='label 0 < 1'):
        convert_skeleton_npy({'a': paths}, label_offset=1)


def test_cli(tmp_path, arrays, repo_root, tool_env, load_tool, capsys):
    data, names, labels = arrays
    train = write_split(tmp_path, 'train', data[:2], names[:2], labels[:2],
                        [40, 30])
    val = write_split(tmp_path, 'val', data[2:], names[2:], labels[2:])
    out = tmp_path / 'npy.pkl'
    args = ['--split', 'xsub_train'] + train + ['--split', 'xsub_val'] + val
    args += ['--layout', 'nturgb+d', '--out', str(out)]
    # the only sample of xsub_val is empty: the split is left out
    done = subprocess.run(
        [sys.executable, 'tools/data/convert_skeleton_npy.py'] + args +
        ['--drop-empty-splits'],
        cwd=repo_root,
        env=tool_env,
        capture_output=True,
        text=True)
    assert done.returncode == 0, done.stderr
    assert 'kept 2, skipped 1' in done.stdout
    assert 'xsub_train: 2' in done.stdout and 'xsub_val' not in \
        done.stdout.split('warning')[0]
    assert "warning: split(s) ['xsub_val'] have no converted sample and " \
        'are left out of the file (--drop-empty-splits)' in done.stdout
    with open(out, 'rb') as f:
        written = pickle.load(f)
    assert len(written['annotations']) == 2
    assert list(written['split']) == ['xsub_train']

    main = load_tool('convert_skeleton_npy')
    assert main(args) == 1 and '--force' in capsys.readouterr().err
    # without --drop-empty-splits an empty split is an error, as in
    # check_annotations.py, and nothing is written
    before = out.read_bytes()
    assert main(args + ['--force']) == 1
    err = capsys.readouterr().err
    assert "split 'xsub_val' is empty" in err and '--drop-empty-splits' in err
    assert 'kept 2, skipped 1' in err and out.read_bytes() == before
    wrong = [a if a != 'nturgb+d' else 'coco' for a in args]
    assert main(wrong + ['--force']) == 1
    assert 'the skeleton layout has 17' in capsys.readouterr().err
    assert main(['--split', 'a', train[0], '--out', str(out), '--force']) == 1
    assert 'NAME DATA LABEL' in capsys.readouterr().err


def test_cli_shows_the_report_when_every_sample_is_skipped(
        tmp_path, arrays, load_tool, capsys):
    data, names, labels = arrays
    val = write_split(tmp_path, 'val', data[2:], names[2:], labels[2:])
    out = tmp_path / 'npy.pkl'
    main = load_tool('convert_skeleton_npy')
    assert main(['--split', 'xsub_val'] + val + ['--out', str(out)]) == 1
    err = capsys.readouterr().err
    assert 'no sample was converted' in err
    assert 'skipped (empty): 1, e.g. S001C003P001R001A003' in err
    assert not out.exists()
