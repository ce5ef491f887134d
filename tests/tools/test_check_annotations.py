"""tools/data/check_annotations.py and the checks the datasets share."""
import importlib.util
import os.path as osp
import pickle
import subprocess
import sys

import numpy as np
import pytest

from usdrl_mm.datasets import AnnotationError, CheckedPoseDataset
from usdrl_mm.datasets import checked_pose_dataset as checked_module
from usdrl_mm.datasets.annotation_checks import (check_annotation_file,
                                                 check_splits)
from usdrl_mm.datasets.converters.report import (ConversionReport,
                                                 check_converted,
                                                 write_checked)


def sample(name, label=0, t=10, v=25, m=2, c=3):
    kp = np.random.default_rng(len(name)).normal(size=(m, t, v, c))
    return dict(
        frame_dir=name,
        label=label,
        total_frames=t,
        keypoint=kp.astype(np.float32))


def good_file():
    annos = [sample('a'), sample('b', 1), sample('c', 2, m=1)]
    return dict(split=dict(train=['a', 'b'], val=['c']), annotations=annos)


def broken_file():
    """One sample per kind of problem, named after it."""
    annos = [sample('ok')]
    missing = sample('missing_key')
    del missing['total_frames']
    annos.append(missing)
    annos.append(dict(sample('too_few_frames'), total_frames=12))
    annos.append(
        dict(sample('bad_score'), keypoint_score=np.ones((2, 10, 17))))
    nan = sample('has_nan')
    nan['keypoint'][0, 3, 4, 1] = np.inf
    annos.append(nan)
    empty = sample('all_zero')
    empty['keypoint'][:] = 0
    annos.append(empty)
    second = sample('zero_second_person')
    second['keypoint'][1] = 0
    annos.append(second)
    annos.append(sample('bad_label', label=99))
    annos.append(sample('coco_joints', v=17))
    annos.append(sample('ok'))  # duplicate name
    split = dict(
        train=[a['frame_dir'] for a in annos] + ['not_annotated'], val=[])
    return dict(split=split, annotations=annos)


def find(items, *words):
    return [i for i in items if all(w in i for w in words)]


def test_a_good_file_is_clean():
    report = check_annotation_file(
        good_file(), num_classes=3, layout='nturgb+d')
    assert report.ok and report.errors == [] and report.warnings == []


def test_every_problem_is_reported_with_its_sample():
    report = check_annotation_file(broken_file(), num_classes=60)
    errors, warnings = report.errors, report.warnings
    assert not report.ok
    assert find(errors, "'missing_key'", 'missing key', 'total_frames')
    assert find(errors, "'too_few_frames'", 'holds 10 frames',
                'total_frames is 12')
    assert find(errors, "'bad_score'", 'keypoint_score shape')
    assert find(errors, "'has_nan'", 'NaN/inf')
    assert find(errors, "'all_zero'", 'no skeleton data')
    assert find(errors, "'bad_label'", 'label 99 out of range [0, 60)')
    assert find(errors, "'coco_joints'", '17 joints, but most samples have')
    assert find(errors, "'ok' (#9)", 'duplicate name', '#0')
    assert find(errors, "split 'val' is empty")
    assert find(warnings, "'zero_second_person'", 'person 1 is all zeros')
    assert find(warnings, "split 'train'", '1 of 11', 'not_annotated')
    # nothing is reported twice or for the clean sample
    assert not find(errors + warnings, "'ok' (#0)")
    assert len(errors) == len(set(errors)) == 9


def test_layout_checks():
    report = check_annotation_file(good_file(), layout='coco')
    assert len(
        find(report.errors, '25 joints but the skeleton layout has '
             '17')) == 3
    report = check_annotation_file(good_file(), layout='kinect-99')
    assert find(report.errors, "unknown skeleton layout 'kinect-99'")
    data = good_file()
    for a in data['annotations']:
        a['keypoint'] = a['keypoint'][:, :, :18, :2]
        a['keypoint_score'] = np.ones(a['keypoint'].shape[:3], np.float32)
    report = check_annotation_file(data, layout='openpose')
    assert report.ok
    assert len(find(report.warnings, 'without img_shape')) == 3


def test_structure_problems():
    assert check_annotation_file(
        dict(split={}), layout=None).errors == [
            'top-level dict has no "annotations" key (found [\'split\'])'
        ]
    assert 'expected a dict' in check_annotation_file(3).errors[0]
    assert check_annotation_file([]).errors == ['no samples']
    errors, _ = check_splits(dict(train='a'), [])
    assert errors == [
        "split 'train': expected a list of sample names, "
        'got str'
    ]


def write(tmp_path, data, name='ann.pkl'):
    path = tmp_path / name
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return str(path)


@pytest.fixture
def tool(repo_root):
    path = osp.join(repo_root, 'tools', 'data', 'check_annotations.py')
    spec = importlib.util.spec_from_file_location('_check_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def test_cli_fails_on_a_broken_file(tmp_path, repo_root, tool_env):
    path = write(tmp_path, broken_file())
    done = subprocess.run([
        sys.executable, 'tools/data/check_annotations.py', path, '--layout',
        'nturgb+d', '--num-classes', '60'
    ],
                          cwd=repo_root,
                          env=tool_env,
                          capture_output=True,
                          text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert 'samples: 10' in out and 'splits: train 11, val 0' in out
    assert 'V=17 (1 samples' in out and "V=25 (9 samples; layouts" in out
    for name in ('missing_key', 'too_few_frames', 'bad_score', 'has_nan',
                 'all_zero', 'bad_label', 'coco_joints', 'zero_second_person'):
        assert f"'{name}'" in out, name
    assert 'keypoint has 17 joints but the skeleton layout has 25' in out
    assert '9 error(s), 2 warning(s): FAILED' in out


def test_cli_exit_codes(tmp_path, tool, capsys):
    good = write(tmp_path, good_file())
    assert tool([good, '--layout', 'nturgb+d', '--num-classes', '3']) == 0
    assert '0 error(s), 0 warning(s): OK' in capsys.readouterr().out
    assert tool([good, '--num-classes', '2']) == 1
    assert tool([good, '--layout', 'nope']) == 1
    assert 'unknown skeleton layout' in capsys.readouterr().out
    data = good_file()
    data['annotations'][0]['keypoint'][1] = 0
    warn = write(tmp_path, data, 'warn.pkl')
    assert tool([warn]) == 0
    assert tool([warn, '--strict']) == 1
    unlabelled = good_file()
    for a in unlabelled['annotations']:
        del a['label']
    path = write(tmp_path, unlabelled, 'nolabel.pkl')
    assert tool([path]) == 1 and tool([path, '--no-label']) == 0
    assert tool([str(tmp_path / 'missing.pkl')]) == 1
    (tmp_path / 'junk.pkl').write_bytes(b'not a pickle')
    assert tool([str(tmp_path / 'junk.pkl')]) == 1
    assert 'cannot read' in capsys.readouterr().err
    assert tool([good, '--max-shown', '1']) == 0


def test_datasets_fail_before_training(tmp_path, monkeypatch):
    logged = []
    monkeypatch.setattr(checked_module, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    path = write(tmp_path, good_file())
    with pytest.raises(AnnotationError, match='the skeleton layout has 17'):
        CheckedPoseDataset(path, [], split='train', layout='coco')
    assert len(CheckedPoseDataset(path, [], split='train',
                                  layout='nturgb+d')) == 2
    with pytest.raises(KeyError, match='unknown skeleton layout'):
        CheckedPoseDataset(path, [], layout='kinect-99')
    data = good_file()
    data['annotations'].append(sample('a', 1))
    data['split']['train'].append('a')
    with pytest.raises(AnnotationError, match="'a' .*duplicate name"):
        CheckedPoseDataset(write(tmp_path, data, 'dup.pkl'), [])
    assert logged == []
    # data-quality findings are logged, not raised (module docstring)
    data = good_file()
    data['annotations'][0]['keypoint'][:] = 0
    data['annotations'][1]['keypoint'][1] = 0
    ds = CheckedPoseDataset(
        write(tmp_path, data, 'zeros.pkl'), [], split='train')
    assert len(ds) == 2 and len(logged) == 1
    assert '2 warning(s)' in logged[0] and 'check_annotations.py' in logged[0]
    assert "'a' (#0): every person is all zeros" in logged[0]
    assert "'b' (#1): person 1 is all zeros" in logged[0]


def test_cli_knows_a_layout_registered_by_an_imported_module(
        tmp_path, tool, capsys, monkeypatch, repo_root):
    monkeypatch.chdir(repo_root)  # projects.* resolves from the repo root
    data = good_file()
    for a in data['annotations']:  # 13 joints, as 'ntu-upper-13'
        a['keypoint'] = a['keypoint'][:, :, :13]
    path = write(tmp_path, data)
    layout = ['--layout', 'ntu-upper-13', '--num-classes', '3']
    module = ['--import', 'projects.upper_body_layout']
    assert tool([path, *layout, *module]) == 0
    assert '0 error(s), 0 warning(s): OK' in capsys.readouterr().out
    assert tool([path, '--layout', 'nturgb+d', *module]) == 1
    assert tool([path, *layout, '--import', 'projects.no_such_module']) == 1
    assert 'no_such_module' in capsys.readouterr().err


def test_an_empty_split_is_an_error_for_the_checker_and_the_converters(
        tmp_path, tool, capsys):
    """The same severity on both sides: the checker fails on an empty
    split, and the converters' writer refuses it unless told to leave it
    out, so what a converter writes passes the checker."""
    data = good_file()
    data['split']['test'] = []
    report = check_annotation_file(data, num_classes=3, layout='nturgb+d')
    assert report.errors == [
        "split 'test' is empty (a dataset of this split would have no "
        'sample)'
    ]
    assert tool([write(tmp_path, data), '--num-classes', '3']) == 1
    assert '1 error(s), 0 warning(s): FAILED' in capsys.readouterr().out

    out = tmp_path / 'converted.pkl'
    assert write_checked(data, str(out), ConversionReport(kept=3), 3) == 1
    err = capsys.readouterr().err
    assert "split 'test' is empty" in err and '--drop-empty-splits' in err
    assert not out.exists()
    assert write_checked(
        data, str(out), ConversionReport(kept=3), 3,
        drop_empty_splits=True) == 0
    assert "split(s) ['test'] have no converted sample" in \
        capsys.readouterr().out
    assert tool([str(out), '--num-classes', '3']) == 0
    assert '0 error(s), 0 warning(s): OK' in capsys.readouterr().out


def test_the_converters_refuse_what_the_checker_refuses(tmp_path, capsys):
    """check_converted finds the errors check_annotation_file finds in the
    file it would write (the converters skip samples without data, so
    those are the checker's only stricter default), and without samples
    nothing is written and the report says what was skipped and why."""
    broken = broken_file()
    errors, _ = check_converted(broken, num_classes=60)
    assert set(
        check_annotation_file(broken, num_classes=60,
                              empty='warn').errors) <= set(errors)
    out = tmp_path / 'none.pkl'
    report = ConversionReport()
    report.skip('malformed', 'x', 'x.json: frame 0: bad')
    assert write_checked(dict(split={}, annotations=[]), str(out), report) == 1
    err = capsys.readouterr().err
    assert f'error: {out} not written' in err and 'no sample was' in err
    assert 'skipped (malformed): 1, e.g. x\n    first: x.json: frame 0: ' \
        'bad' in err
    assert not out.exists()
    assert check_converted(dict(
        split={}, annotations=[]))[0] == ['no sample was converted']
