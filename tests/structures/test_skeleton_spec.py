import dataclasses

import numpy as np
import pytest
from mmengine.config import ConfigDict

from usdrl_mm.structures import SkeletonSpec, build_skeleton_spec, get_layout


def test_sizes_come_from_the_layout_and_the_channels():
    ntu = SkeletonSpec('nturgb+d')
    assert (ntu.num_person, ntu.coord_dims, ntu.with_score) == (2, 3, False)
    assert (ntu.num_joints, ntu.in_channels, ntu.coord_channels) == (25, 3, 3)
    assert ntu.num_tokens == 50
    assert ntu.parents == get_layout('nturgb+d').parents
    assert ntu.topology is get_layout('nturgb+d')
    coco = SkeletonSpec('coco', num_person=1, coord_dims=2, with_score=True)
    # (x, y, score): three channels, of which two are coordinates
    assert (coco.num_joints, coco.in_channels, coco.coord_channels) == (17, 3,
                                                                        2)
    assert coco.num_tokens == 17
    assert str(coco) == 'coco (17 joints), 1 person(s), 2D + score'
    plain_2d = SkeletonSpec('coco', coord_dims=2)
    assert plain_2d.in_channels == plain_2d.coord_channels == 2


def test_build_accepts_specs_dicts_config_dicts_and_names():
    spec = SkeletonSpec('coco', coord_dims=2, with_score=True)
    assert SkeletonSpec.build(spec) is spec
    assert SkeletonSpec.build(spec.to_dict()) == spec
    assert SkeletonSpec.build(ConfigDict(spec.to_dict())) == spec
    assert SkeletonSpec.build(
        dict(
            type='SkeletonSpec', layout='coco', coord_dims=2,
            with_score=True)) == spec
    assert SkeletonSpec.build('uav-human') == SkeletonSpec('uav-human')
    assert SkeletonSpec.build(get_layout('coco')) == SkeletonSpec('coco')
    assert build_skeleton_spec(None) is None
    assert spec.to_dict() == dict(
        layout='coco', num_person=2, coord_dims=2, with_score=True)


def test_build_explains_wrong_keys():
    with pytest.raises(TypeError, match="spelling is num_person") as err:
        SkeletonSpec.build(dict(layout='coco', num_persons=1))
    assert "['num_persons']" in str(err.value)
    with pytest.raises(TypeError, match='needs a layout'):
        SkeletonSpec.build(dict(coord_dims=2))
    with pytest.raises(TypeError, match='layout name'):
        SkeletonSpec.build(17)


@pytest.mark.parametrize('fields,error,match', [
    (dict(layout='kinect-99'), KeyError, 'unknown skeleton layout'),
    (dict(layout=25), TypeError, 'registered layout name'),
    (dict(layout='coco', num_person=0), ValueError, 'num_person'),
    (dict(layout='coco', num_person=True), ValueError, 'num_person'),
    (dict(layout='coco', coord_dims=4), ValueError, 'coord_dims'),
    (dict(layout='coco', with_score='yes'), TypeError, 'with_score'),
])
def test_invalid_fields_are_refused(fields, error, match):
    with pytest.raises(error, match=match):
        SkeletonSpec(**fields)


def test_a_layout_object_must_be_the_registered_one(monkeypatch):
    from usdrl_mm.structures import skeleton_layout
    assert SkeletonSpec(get_layout('coco')).layout == 'coco'
    twin = dataclasses.replace(get_layout('coco'), name='coco-twin')
    with pytest.raises(ValueError, match='register it'):
        SkeletonSpec(twin)
    # registered for this test only
    monkeypatch.setitem(skeleton_layout._LAYOUTS, twin.name, twin)
    assert SkeletonSpec(twin) == SkeletonSpec('coco-twin')


def test_the_spec_is_frozen_and_hashable():
    spec = SkeletonSpec('nturgb+d')
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.num_person = 1
    assert {spec: 1}[SkeletonSpec('nturgb+d', num_person=2)] == 1


def keypoint(m=2, v=25, c=3):
    return np.zeros((m, 10, v, c), np.float32)


def test_matching_samples_pass():
    SkeletonSpec('nturgb+d').check(keypoint(), 'a')
    SkeletonSpec('nturgb+d').check(keypoint(m=1), 'one person is padded')
    coco = SkeletonSpec('coco', coord_dims=2, with_score=True)
    coco.check(keypoint(v=17, c=2), 'b', keypoint_score=np.ones((2, 10, 17)))
    # a formatted clip carries the score as its last channel
    coco.check(keypoint(v=17, c=3), 'clip', formatted=True)


@pytest.mark.parametrize('spec,kp,score,words', [
    (SkeletonSpec('nturgb+d'), keypoint(v=13), False,
     ['13 joints', "layout 'nturgb+d' has 25", 'select_joints.py']),
    (SkeletonSpec('coco', coord_dims=2, with_score=True), keypoint(v=17, c=2),
     False, ['no keypoint_score', 'with_score=False', 'add the scores']),
    (SkeletonSpec('coco', coord_dims=2,
                  with_score=True), keypoint(v=17), False,
     ['3 channels', 'declares 2', 'coord_dims=3 if these are 3D points']),
    (SkeletonSpec('nturgb+d'), keypoint(), True,
     ['carries keypoint_score', 'set with_score=True']),
    (SkeletonSpec('nturgb+d'), keypoint(c=2), False,
     ['2 channels', 'coord_dims=2 if these are 2D points']),
    (SkeletonSpec('coco', coord_dims=2), keypoint(v=17), False,
     ['3 channels', 'coord_dims=3', 'keypoint_score (M, T, V)']),
    (SkeletonSpec('nturgb+d', num_person=1), keypoint(m=2), False,
     ['2 persons', 'num_person=1', 'set num_person=2']),
])
def test_each_mismatch_names_the_sample_and_the_fix(spec, kp, score, words):
    scores = np.ones(kp.shape[:3]) if score else None
    with pytest.raises(ValueError) as err:
        spec.check(kp, "sample 'S001' (#3)", keypoint_score=scores)
    message = str(err.value)
    assert message.startswith("sample 'S001' (#3): ")
    assert all(w in message for w in words), message


def test_extra_persons_are_a_warning_for_a_dataset():
    spec = SkeletonSpec('coco', coord_dims=2, with_score=True)
    errors, warnings = spec.problems((4, 10, 17, 2), has_score=True)
    assert errors == []
    assert len(warnings) == 1 and 'keeps the first 2' in warnings[0]
    # V can be left to the caller; a rank error comes alone
    assert spec.problems((2, 10, 25, 2), True, check_joints=False) == ([], [])
    errors, _ = spec.problems((10, 17, 2))
    assert errors == ['keypoint must be (M, T, V, C), got shape (10, 17, 2)']


def test_a_formatted_clip_needs_exactly_the_spec():
    spec = SkeletonSpec('nturgb+d')
    errors, _ = spec.problems((1, 64, 25, 4), formatted=True)
    assert any('1 persons' in e and 'FormatGCNInput(num_person=2)' in e
               for e in errors)
    assert any('4 channels' in e and 'gives 3' in e for e in errors)
