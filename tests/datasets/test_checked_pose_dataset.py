import pickle

import numpy as np
import pytest

from usdrl_mm.datasets import AnnotationError, CheckedPoseDataset


def good(name='S001C001P001R001A001', label=0, t=20):
    return dict(
        frame_dir=name,
        label=label,
        total_frames=t,
        keypoint=np.zeros((1, t, 25, 3), np.float32))


def write(tmp_path, annotations, split=None):
    data = dict(
        annotations=annotations,
        split=split or
        dict(train=[a['frame_dir'] for a in annotations if 'frame_dir' in a]))
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(data, f)
    return str(path)


def build(path, **kwargs):
    kwargs.setdefault('split', 'train')
    return CheckedPoseDataset(ann_file=path, pipeline=[], **kwargs)


def test_a_good_file_loads(tmp_path):
    ds = build(write(tmp_path, [good('a'), good('b', label=2)]), num_classes=3)
    assert len(ds) == 2 and ds[1]['label'] == 2


@pytest.mark.parametrize('broken,message', [
    (dict(keypoint=None), 'missing key'),
    (dict(keypoint=np.zeros((20, 25, 3), np.float32)), 'rank 4'),
    (dict(keypoint=np.full((1, 20, 25, 3), np.nan, np.float32)), 'NaN/inf'),
    (dict(keypoint=np.zeros(
        (1, 0, 25, 3), np.float32), total_frames=0), 'positive integer'),
    (dict(label=7), 'out of range'),
    (dict(total_frames=30), 'holds 20 frames'),
    (dict(keypoint_score=np.ones((1, 20, 17))), 'keypoint_score'),
])
def test_each_problem_names_the_sample(tmp_path, broken, message):
    bad = good('S009C001P001R001A001')
    for key, value in broken.items():
        if value is None:
            del bad[key]
        else:
            bad[key] = value
    with pytest.raises(AnnotationError, match=message) as err:
        build(write(tmp_path, [good('a'), bad]), num_classes=5)
    # only the broken sample is reported, each problem with its name
    assert err.value.problems
    assert all('S009C001P001R001A001' in p for p in err.value.problems)


def test_every_problem_is_listed(tmp_path):
    bad = [good(f'x{i}', label=9) for i in range(3)]
    with pytest.raises(AnnotationError) as err:
        build(write(tmp_path, bad), num_classes=5)
    assert len(err.value.problems) == 3


def test_split_problems(tmp_path):
    path = write(tmp_path, [good('a')], split=dict(train=['a'], val=['zz']))
    with pytest.raises(AnnotationError, match="split 'test' not in"):
        build(path, split='test')
    with pytest.raises(AnnotationError, match='selects no annotated sample'):
        build(path, split='val')


def test_missing_file_and_wrong_format(tmp_path):
    with pytest.raises(FileNotFoundError, match='generate_synthetic'):
        build(str(tmp_path / 'nope.pkl'))
    with pytest.raises(ValueError, match='.pkl'):
        build(str(tmp_path / 'ann.json'))
    path = tmp_path / 'ann.pkl'
    with open(path, 'wb') as f:
        pickle.dump(dict(split={}), f)
    with pytest.raises(AnnotationError, match='no "annotations" key'):
        build(str(path))


def test_labels_optional_for_pretraining(tmp_path):
    a = good('a')
    del a['label']
    assert len(build(write(tmp_path, [a]), require_label=False)) == 1
    with pytest.raises(AnnotationError, match='missing key'):
        build(write(tmp_path, [a]))


def scored(name, t=20, m=2, v=17):
    anno = good(name, t=t)
    anno['keypoint'] = np.ones((m, t, v, 2), np.float32)
    anno['keypoint_score'] = np.ones((m, t, v), np.float32)
    anno['img_shape'] = (1080, 1920)
    return anno


COCO_2D = dict(layout='coco', num_person=2, coord_dims=2, with_score=True)


def test_a_file_that_fits_the_skeleton_spec_loads(tmp_path):
    ds = build(write(tmp_path, [good('a'), good('b')]), skeleton='nturgb+d')
    assert len(ds) == 2 and ds.layout.name == 'nturgb+d'
    assert ds.skeleton.num_joints == 25
    ds = build(
        write(tmp_path, [scored('a'), scored('b')]),
        skeleton=COCO_2D,
        layout='coco')
    assert ds.skeleton.with_score and len(ds) == 2


@pytest.mark.parametrize('skeleton,broken,words', [
    (COCO_2D, dict(keypoint_score=None),
     ['no keypoint_score', 'with_score=False']),
    (COCO_2D, dict(keypoint=np.ones((2, 20, 17, 3), np.float32)),
     ['3 channels', 'declares 2', 'coord_dims=3']),
    (dict(layout='coco', coord_dims=2), dict(),
     ['carries keypoint_score', 'with_score=True']),
    (COCO_2D,
     dict(
         keypoint=np.ones((2, 20, 25, 2), np.float32),
         keypoint_score=np.ones((2, 20, 25), np.float32)),
     ['25 joints but the skeleton layout has 17', 'select_joints.py']),
])
def test_a_sample_against_the_spec_names_file_sample_and_fix(
        tmp_path, skeleton, broken, words):
    bad = scored('S009C001P001R001A001')
    for key, value in broken.items():
        if value is None:
            del bad[key]
        else:
            bad[key] = value
    path = write(tmp_path, [scored('a'), bad])
    with pytest.raises(AnnotationError) as err:
        build(path, skeleton=skeleton)
    message = str(err.value)
    assert path in message
    problems = [p for p in err.value.problems if 'S009' in p]
    if 'carries keypoint_score' in words[0]:  # every sample has scores
        assert len(err.value.problems) == 2
    else:
        assert problems == err.value.problems
    assert all(any(w in p for p in problems) for w in words), problems


def test_extra_persons_are_only_logged(tmp_path):
    from usdrl_mm.datasets import check_skeleton
    annotations = [scored('a', m=3), scored('b')]
    warnings = []
    assert check_skeleton(annotations, COCO_2D, warnings) == []
    assert len(warnings) == 1
    assert "sample 'a' (#0)" in warnings[0] and 'keeps the first 2' in \
        warnings[0]
    assert len(build(write(tmp_path, annotations), skeleton=COCO_2D)) == 2


def test_a_layout_beside_the_spec_must_be_the_specs(tmp_path):
    path = write(tmp_path, [scored('a')])
    with pytest.raises(ValueError, match="layout='nturgb\\+d' disagrees"):
        build(path, skeleton=COCO_2D, layout='nturgb+d')
    with pytest.raises(TypeError, match='num_person'):
        build(path, skeleton=dict(layout='coco', num_persons=2))
