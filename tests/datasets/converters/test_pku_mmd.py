import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets.annotation_checks import check_annotation_file
from usdrl_mm.datasets.converters import (convert_pku_mmd, parse_split_file,
                                          read_pku_labels, read_pku_skeleton,
                                          trim_instances)


def write_video(root, name, frames, second_body=True, labels=()):
    skel = root / 'skeleton'
    lab = root / 'label'
    skel.mkdir(exist_ok=True)
    lab.mkdir(exist_ok=True)
    rng = np.random.default_rng(len(name))
    data = rng.normal(size=(frames, 2, 25, 3)).round(4)
    if not second_body:
        data[:, 1] = 0
    with open(skel / f'{name}.txt', 'w') as f:
        for row in data.reshape(frames, 150):
            f.write(' '.join(f'{v:.4f}' for v in row) + '\n')
    with open(lab / f'{name}.txt', 'w') as f:
        f.write(''.join(f'{a},{b},{c},{d}\n' for a, b, c, d in labels))
    return data


@pytest.fixture
def raw(tmp_path):
    a = write_video(
        tmp_path,
        '0002-L',
        40,
        labels=[(3, 5, 15, 1), (7, 30, 20, 2), (1, 33, 39, 0)])
    b = write_video(
        tmp_path, '0291-M', 30, second_body=False, labels=[(2, 0, 10, 1)])
    write_video(tmp_path, '0300-R', 20, labels=[(5, 2, 8, 1)])
    (tmp_path / 'label' / '0300-R.txt').unlink()  # skeleton without labels
    return tmp_path, a, b


def test_skeleton_values_round_trip(raw):
    root, a, b = raw
    kp = read_pku_skeleton(str(root / 'skeleton' / '0002-L.txt'))
    assert kp.shape == (2, 40, 25, 3)
    # file order: frame, body, joint, xyz
    assert np.allclose(kp, a.transpose(1, 0, 2, 3), atol=1e-4)
    one = read_pku_skeleton(str(root / 'skeleton' / '0291-M.txt'))
    assert one.shape == (1, 30, 25, 3)  # the absent body is dropped


def test_reversed_labels_are_dropped_with_the_line_and_counted(raw):
    root, _, _ = raw
    path = str(root / 'label' / '0002-L.txt')
    notes = []
    dropped, stats = read_pku_labels(path, log=notes.append)
    assert len(dropped) == 2
    assert stats == {'reversed': 1, 'dropped': 1, 'zero_confidence': 1}
    reversed_line = next(n for n, line in enumerate(open(path), 1)
                         if int(line.split(',')[1]) > int(line.split(',')[2]))
    assert notes == [
        f'warning: {path}:{reversed_line}: start 30 > end 20; segment '
        'dropped (--reversed-segments swap keeps it swapped)'
    ]
    swapped, stats = read_pku_labels(path, 'swap', log=notes.append)
    assert swapped.tolist() == [[2, 5, 15], [6, 20, 30], [0, 33, 39]]
    assert stats == {'reversed': 1, 'zero_confidence': 1}
    assert notes[-1].endswith('swapped')


def test_conversion_splits_and_trimming(raw):
    root, _, _ = raw
    data, summary = convert_pku_mmd(
        str(root / 'skeleton'),
        str(root / 'label'),
        xview_val_views=('L', ),
        xsub_val_ids=range(291, 335))
    assert [a['frame_dir']
            for a in data['annotations']] == ['0002-L', '0291-M']
    assert data['split'] == dict(
        xsub_train=['0002-L'],
        xsub_val=['0291-M'],
        xview_train=['0291-M'],
        xview_val=['0002-L'])
    assert summary['skeleton_without_labels'] == 1
    # the reversed instance of 0002-L is dropped by default
    assert summary['one_body_videos'] == 1 and summary['segments'] == 3
    assert summary['reversed'] == summary['dropped'] == 1
    clips = trim_instances(data)
    assert [c['total_frames'] for c in clips['annotations']] == [10, 6, 10]
    assert clips['annotations'][1]['label'] == 0
    assert clips['split']['xsub_val'] == ['0291-M_000']


def test_official_split_file(tmp_path, raw):
    root, _, _ = raw
    split = tmp_path / 'cross-subject.txt'
    split.write_text('Training videos: \n0002-L, 0002-M\n'
                     'Validataion videos: \n0291-M\n')
    assert parse_split_file(str(split)) == dict(
        train=['0002-L', '0002-M'], val=['0291-M'])
    data, _ = convert_pku_mmd(
        str(root / 'skeleton'),
        str(root / 'label'),
        split_files=dict(xsub=str(split)))
    assert data['split']['xsub_val'] == ['0291-M']
    assert 'xview_train' in data['split']  # by view, no file needed


@pytest.mark.parametrize('content,message', [
    ('1 2 3\n', 'multiple of 75'),
    ('', 'no frames'),
])
def test_malformed_skeleton_files(tmp_path, content, message):
    path = tmp_path / 'bad.txt'
    path.write_text(content)
    with pytest.raises(ValueError, match=message):
        read_pku_skeleton(str(path))


def test_malformed_label_files(tmp_path):
    path = tmp_path / 'bad.txt'
    path.write_text('0,1,5,1\n')
    with pytest.raises(ValueError, match='1-based'):
        read_pku_labels(str(path))
    path.write_text('3,1\n')
    with pytest.raises(ValueError, match='label,start,end'):
        read_pku_labels(str(path))


def test_cli_writes_both_files_once(raw, repo_root):
    root, _, _ = raw
    out, trimmed = root / 'pku.pkl', root / 'pku_trimmed.pkl'
    cmd = [
        sys.executable, 'tools/data/convert_pku_mmd.py', '--skeletons',
        str(root / 'skeleton'), '--labels',
        str(root / 'label'), '--out',
        str(out), '--trimmed-out',
        str(trimmed), '--xsub-val-ids', '291-334'
    ]
    done = subprocess.run(cmd, cwd=repo_root, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert 'reversed 1' in done.stdout
    assert '0002-L.txt:2: start 30 > end 20; segment dropped' in done.stdout
    with open(out, 'rb') as f:
        data = pickle.load(f)
    assert data['annotations'][0]['segments'].shape == (2, 3)
    again = subprocess.run(cmd, cwd=repo_root, capture_output=True, text=True)
    assert again.returncode != 0 and '--force' in again.stderr


def test_cli_refuses_an_empty_split_and_writes_neither_file(
        raw, load_tool, capsys):
    """No video id is in 900-901: xsub_val is empty in both outputs, an
    error as in check_annotations.py unless --drop-empty-splits."""
    root, _, _ = raw
    out, trimmed = root / 'pku.pkl', root / 'pku_trimmed.pkl'
    main = load_tool('convert_pku_mmd')
    args = [
        '--skeletons',
        str(root / 'skeleton'), '--labels',
        str(root / 'label'), '--out',
        str(out), '--trimmed-out',
        str(trimmed), '--xsub-val-ids', '900-901'
    ]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f'error: {out} not written' in err
    assert "split 'xsub_val' is empty" in err and '--drop-empty-splits' in err
    assert not out.exists() and not trimmed.exists()
    assert main(args + ['--drop-empty-splits']) == 0
    printed = capsys.readouterr().out
    assert f"{trimmed}: split(s) ['xsub_val'] have no converted" in printed
    for path, labelled in ((out, False), (trimmed, True)):
        with open(path, 'rb') as f:
            data = pickle.load(f)
        assert set(data['split']) == {'xsub_train', 'xview_train', 'xview_val'}
        assert check_annotation_file(data, require_label=labelled).ok


def test_cli_names_a_malformed_file_without_a_traceback(
        raw, load_tool, capsys):
    root, _, _ = raw
    (root / 'skeleton' / '0002-L.txt').write_text('1 2 3\n')
    out = root / 'pku.pkl'
    main = load_tool('convert_pku_mmd')
    assert main([
        '--skeletons',
        str(root / 'skeleton'), '--labels',
        str(root / 'label'), '--out',
        str(out)
    ]) == 1
    err = capsys.readouterr().err
    assert '0002-L.txt:1: 3 numbers, expected a multiple of 75' in err
    assert 'Traceback' not in err and not out.exists()
