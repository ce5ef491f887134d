import numpy as np

from usdrl_mm.datasets.transforms import PreNormalize3DPerFrame


def sample():
    rng = np.random.default_rng(0)
    kp = rng.normal(size=(2, 30, 25, 3)).astype(np.float32) + 3
    kp[1, :5] = 0  # second person appears late
    kp[1, 20:] = 0  # and leaves early
    return dict(keypoint=kp, total_frames=30)


def test_person0_centre_joint_is_origin_in_every_frame():
    out = PreNormalize3DPerFrame(center_joint=1, xaxis=None)(sample())
    assert np.allclose(out['keypoint'][0, :, 1], 0, atol=1e-5)


def test_shoulders_point_along_x_in_frame0():
    out = PreNormalize3DPerFrame()(sample())['keypoint']
    v = out[0, 0, 8] - out[0, 0, 4]
    assert v[0] > 0 and np.allclose(v[1:], 0, atol=1e-5)


def test_rotation_preserves_distances_and_zeros():
    s = sample()
    out = PreNormalize3DPerFrame()(dict(s, keypoint=s['keypoint'].copy()))
    kp = out['keypoint']
    d_in = np.linalg.norm(s['keypoint'][0, 7, 3] - s['keypoint'][0, 7, 9])
    assert np.isclose(
        np.linalg.norm(kp[0, 7, 3] - kp[0, 7, 9]), d_in, atol=1e-5)
    joint_zero = np.zeros((1, 30, 25, 3), np.float32)
    lone = PreNormalize3DPerFrame()(dict(
        keypoint=np.concatenate([s['keypoint'][:1], joint_zero]),
        total_frames=30))['keypoint']
    assert not lone[1].any()  # an absent person stays absent


def test_late_person_moves_front_and_loops():
    out = PreNormalize3DPerFrame(xaxis=None, loop_pad=True)(sample())
    p1 = out['keypoint'][1]
    filled = np.abs(p1).sum(axis=(1, 2)) > 0
    assert filled.all()  # 15 frames of data moved to the front, then looped


def test_zaxis_alignment_uav_setting_is_idempotent():
    # FoundSkelModel's UAV-Human setting: centre joint 1, left hip (11) to
    # left shoulder (5) along +z, no x alignment (SPEC §11.4)
    rng = np.random.default_rng(3)
    kp = rng.normal(size=(2, 12, 17, 3)).astype(np.float32)
    norm = PreNormalize3DPerFrame(center_joint=1, zaxis=(11, 5), xaxis=None)
    once = norm(dict(keypoint=kp, total_frames=12))['keypoint']
    v = once[0, 0, 5] - once[0, 0, 11]
    assert v[2] > 0 and np.allclose(v[:2], 0, atol=1e-5)
    assert np.allclose(once[0, :, 1], 0, atol=1e-5)
    twice = norm(dict(keypoint=once.copy(), total_frames=12))['keypoint']
    assert np.allclose(twice, once, atol=1e-5)
    assert 'zaxis=(11, 5)' in repr(norm)


def test_antiparallel_vectors_get_a_half_turn():
    from usdrl_mm.datasets.transforms.pre_normalize import rotation_onto
    for target in np.eye(3):
        rot = rotation_onto(-3 * target, target)
        assert np.allclose(rot @ (-target), target)
        assert np.allclose(rot @ rot.T, np.eye(3))
        assert np.isclose(np.linalg.det(rot), 1)
    assert np.allclose(rotation_onto(np.zeros(3), np.eye(3)[0]), np.eye(3))


def test_tail_after_a_gap_is_looped_from_the_start():
    """Frames 0-3 and 6-7 hold data, 4-5 are a gap, 8-11 are empty: the
    tail repeats frames 0-3 of the 8-frame prefix (gap included in it)."""
    kp = np.zeros((2, 12, 25, 3), np.float32)  # person 0 absent: no shift
    for t in (0, 1, 2, 3, 6, 7):
        kp[1, t] = t + 1
    out = PreNormalize3DPerFrame(xaxis=None)(dict(keypoint=kp,
                                                  total_frames=12))
    values = out['keypoint'][1, :, 0, 0].tolist()
    assert values == [1, 2, 3, 4, 0, 0, 7, 8, 1, 2, 3, 4]


def loop_pad_reference(person):
    """The frame loop of the 2s-AGCN / UmURL pre-normalisation, written
    out as that code does it."""
    person = person.copy()
    if person.sum() == 0:
        return person
    if person[0].sum() == 0:
        index = person.sum(-1).sum(-1) != 0
        tmp = person[index].copy()
        person *= 0
        person[:len(tmp)] = tmp
    for i_f, frame in enumerate(person):
        if frame.sum() == 0 and person[i_f:].sum() == 0:
            rest = len(person) - i_f
            num = int(np.ceil(rest / i_f))
            person[i_f:] = np.concatenate([person[0:i_f]] * num, 0)[:rest]
            break
    return person


def test_loop_padding_equals_the_reference_rule():
    rng = np.random.default_rng(5)
    for _ in range(20):
        kp = np.zeros((2, 40, 25, 3), np.float32)
        person = rng.uniform(1, 2, size=(40, 25, 3)).astype(np.float32)
        person[rng.uniform(size=40) < 0.3] = 0  # gaps anywhere
        person[int(rng.integers(5, 40)):] = 0  # an empty tail
        kp[1] = person
        out = PreNormalize3DPerFrame(xaxis=None)(dict(
            keypoint=kp, total_frames=40))['keypoint'][1]
        np.testing.assert_array_equal(out, loop_pad_reference(person))
