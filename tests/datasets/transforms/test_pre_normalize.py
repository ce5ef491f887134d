import numpy as np
import pytest

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
    # left shoulder (5) along +z, no x alignment (design.md §11.4)
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
    out = PreNormalize3DPerFrame(xaxis=None)(
        dict(keypoint=kp, total_frames=12))
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


# A fixed (M=2, T=3, V=4, 3) clip: person 0 misses frame 1, person 1 enters
# late (moved to the front, then looped).
FIXED_INPUT = np.array([
    0.5, 1.0, 2.0, 0.25, 0.75, 1.5, -0.5, 1.25, 1.75, 0.75, 0.5, 2.5,
    *[0.] * 12, 0.625, 1.125, 2.25, 0.375, 0.875, 1.25, -0.25, 1.5, 2.0, 1.0,
    0.25, 2.75, *[0.] * 12, 1.5, -0.5, 3.0, 1.25, -0.25, 2.5, 2.0, 0.0, 3.25,
    1.0, 0.5, 2.75, 1.75, -0.75, 3.5, 1.5, -0.5, 3.0, 2.25, 0.25, 3.5, 1.25,
    0.75, 3.0
], np.float32).reshape(2, 3, 4, 3)
# PreNormalize3DPerFrame(center_joint=1, xaxis=(2, 3)) on FIXED_INPUT,
# computed by the implementation before the yaw alignment was added
FIXED_SHOULDERS = np.array([
    0.30499714612960815, 0.3940623104572296, 0.3559376895427704, 0., 0., 0.,
    -0.6862435936927795, 0.12718981504440308, 0.6228101849555969,
    0.9531160593032837, 0.12718980014324188, 0.6228101849555969, *[0.] * 12,
    0.5337449908256531, 0.4534390866756439, 0.7965608835220337, 0., 0., 0.,
    -0.419371098279953, 0.35390937328338623, 1.0210906267166138,
    1.4487364292144775, -0.08671388030052185, 0.9617137908935547,
    2.2112293243408203, -0.3515580892562866, 0.6015579700469971,
    1.6774842739105225, -0.30499717593193054, 0.30499720573425293,
    2.4781017303466797, 0.3475014269351959, 0.6524986028671265,
    1.2581132650375366, 0.2712521255016327, 0.7287479043006897,
    3.278719425201416, 0.555320143699646, 2.1946797370910645,
    2.744974374771118, 0.6018810272216797, 1.8981188535690308,
    3.202470302581787, 1.6653144359588623, 2.0846853256225586,
    1.9824814796447754, 1.5890651941299438, 2.1609346866607666,
    2.2874786853790283, -0.4892124831676483, 0.8642123937606812,
    1.7537336349487305, -0.4426515996456146, 0.5676515698432922,
    2.5543510913848877, 0.20984703302383423, 0.9151529669761658,
    1.334362506866455, 0.13359776139259338, 0.9914022088050842
], np.float32).reshape(2, 3, 4, 3)


def shoulders_reference(kp, center_joint, xaxis, zaxis=None):
    """The centring and alignment of the implementation before the yaw
    mode, written out (loop padding left out: the inputs need none)."""

    def onto(v, target):
        norm = np.linalg.norm(v)
        if norm < 1e-8:
            return np.eye(3)
        v = v / norm
        axis = np.cross(v, target)
        s, c = np.linalg.norm(axis), float(np.clip(v @ target, -1., 1.))
        if s < 1e-8:
            if c > 0:
                return np.eye(3)
            e = np.eye(3)[np.argmin(np.abs(target))]
            k = e - (e @ target) * target
            k = k / np.linalg.norm(k)
            return 2 * np.outer(k, k) - np.eye(3)
        k = axis / s
        skew = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
        return np.eye(3) + s * skew + (1 - c) * skew @ skew

    kp = kp.astype(np.float32, copy=True)
    center = kp[0, :, center_joint:center_joint + 1].copy()
    present = np.abs(kp).sum(-1, keepdims=True) > 0
    kp[:] = (kp - center[None]) * present
    for axis, target in ((zaxis, (0., 0., 1.)), (xaxis, (1., 0., 0.))):
        if axis is None:
            continue
        v = kp[0, 0, axis[1]] - kp[0, 0, axis[0]]
        kp[:] = kp @ onto(v, np.array(target)).astype(np.float32).T
    return kp


def test_default_alignment_is_unchanged():
    out = PreNormalize3DPerFrame(
        center_joint=1,
        xaxis=(2, 3))(dict(keypoint=FIXED_INPUT.copy(),
                           total_frames=3))['keypoint']
    # the stored values to float32 rounding (another BLAS may round the
    # 3-term products differently) ...
    np.testing.assert_allclose(out, FIXED_SHOULDERS, rtol=0, atol=1e-6)
    # ... and bit for bit the earlier rule, with and without zaxis
    rng = np.random.default_rng(7)
    for zaxis in (None, (0, 5), (3, 2)):
        kp = rng.normal(size=(2, 9, 6, 3)).astype(np.float32)
        norm = PreNormalize3DPerFrame(
            center_joint=1, xaxis=(2, 4), zaxis=zaxis)
        out = norm(dict(keypoint=kp.copy(), total_frames=9))['keypoint']
        np.testing.assert_array_equal(
            out, shoulders_reference(kp, 1, (2, 4), zaxis))
    assert "alignment='shoulders'" in repr(norm)


# A y-up body facing -z (right = +x): pelvis, spine middle (the centre),
# head, left and right shoulder, right hand reaching forward.
PELVIS, SPINE, HEAD, L_SHOULDER, R_SHOULDER, R_HAND = range(6)
BODY = np.array([[0., 0., 0.], [0., .3, 0.], [0., .7, 0.], [-.2, .5, 0.],
                 [.2, .5, 0.], [.25, .3, -.3]])


def y_up_clip(rng, yaw, frames=8, shoulder_tilt=0.):
    """(1, T, 6, 3): BODY moving in place, its spine vertical in every
    frame, one shoulder raised by ``shoulder_tilt``, turned by ``yaw``
    about +y and moved. Returns the clip and the unturned body."""
    body = np.repeat(BODY[None], frames, 0)
    body[:, [L_SHOULDER, R_SHOULDER], 1] += [shoulder_tilt, -shoulder_tilt]
    body[:, [R_HAND]] += rng.normal(scale=.05, size=(frames, 1, 3))
    body[:, :, 1] += rng.normal(scale=.02, size=(frames, 1))  # bob
    c, s = np.cos(yaw), np.sin(yaw)
    turn = np.array([[c, 0., s], [0., 1., 0.], [-s, 0., c]])
    moved = body @ turn.T + rng.uniform(-2, 2, size=3) * [1, 0, 1]
    return moved[None].astype(np.float32), body


def yaw_norm(**kwargs):
    return PreNormalize3DPerFrame(
        center_joint=SPINE,
        xaxis=(L_SHOULDER, R_SHOULDER),
        alignment='yaw',
        up_axis=kwargs.pop('up_axis', 'y'),
        **kwargs)


def test_yaw_keeps_the_up_axis_and_turns_shoulders_to_x():
    rng = np.random.default_rng(1)
    for yaw in rng.uniform(-np.pi, np.pi, size=40):
        kp, body = y_up_clip(rng, yaw, shoulder_tilt=rng.uniform(-.1, .1))
        out = yaw_norm()(dict(keypoint=kp.copy(), total_frames=8))['keypoint']
        centred = kp - kp[:, :, SPINE:SPINE + 1]
        # the up coordinate of every joint is exactly that of the input
        np.testing.assert_array_equal(out[..., 1], centred[..., 1])
        # the spine stays vertical: on the up axis through the centre
        assert not out[0, :, [PELVIS, SPINE, HEAD]][..., [0, 2]].any()
        # the shoulder line's horizontal part points along +x
        v = out[0, 0, R_SHOULDER] - out[0, 0, L_SHOULDER]
        assert v[0] > 0 and abs(v[2]) < 1e-5
        # so the turn is undone: the body faces -z again
        expected = body - body[:, SPINE:SPINE + 1]
        np.testing.assert_allclose(out[0], expected, atol=1e-5)


def test_shoulders_rule_tips_a_y_up_body_over_but_yaw_does_not():
    # facing away (+z), the left shoulder 2 cm higher: v = (-.4, -.04, 0),
    # whose minimal turn onto +x is a near half turn about the depth axis
    kp, body = y_up_clip(np.random.default_rng(2), np.pi, shoulder_tilt=.02)
    sample = dict(keypoint=kp, total_frames=8)
    tipped = PreNormalize3DPerFrame(
        center_joint=SPINE,
        xaxis=(L_SHOULDER, R_SHOULDER))(dict(sample,
                                             keypoint=kp.copy()))['keypoint']
    assert (tipped[0, :, HEAD, 1] < 0).all()  # head below the spine
    out = yaw_norm()(dict(sample, keypoint=kp.copy()))['keypoint']
    assert (out[0, :, HEAD, 1] > 0).all()
    np.testing.assert_allclose(
        out[0, :, HEAD], body[:, HEAD] - body[:, SPINE], atol=1e-5)


def test_yaw_about_a_vector_up_axis_and_opposite_shoulders():
    from usdrl_mm.datasets.transforms.pre_normalize import rotation_about
    up = np.array([0., 0., 1.])
    # an opposite projection gets a half turn about up (the minimal rule
    # would turn about y and flip z)
    rot = rotation_about(np.array([-1., 0., .5]), np.eye(3)[0], up)
    np.testing.assert_allclose(rot @ [-1., 0., .5], [1., 0., .5], atol=1e-12)
    np.testing.assert_allclose(rot @ up, up, atol=1e-12)
    assert np.isclose(np.linalg.det(rot), 1)
    # z-up data (x <- y <- z of the y-up body), up given as numbers, the
    # shoulder line turned onto +y
    rng = np.random.default_rng(4)
    kp, body = y_up_clip(rng, 2.5)
    kp = kp[..., [2, 0, 1]]
    out = yaw_norm(
        up_axis=(0, 0, 2.),
        right_axis='y')(dict(keypoint=kp.copy(), total_frames=8))['keypoint']
    np.testing.assert_array_equal(out[..., 2],
                                  (kp - kp[:, :, SPINE:SPINE + 1])[..., 2])
    v = out[0, 0, R_SHOULDER] - out[0, 0, L_SHOULDER]
    assert v[1] > 0 and abs(v[0]) < 1e-5


def test_yaw_without_a_horizontal_shoulder_line_does_not_turn():
    rng = np.random.default_rng(5)
    kp, _ = y_up_clip(rng, 1.0)
    # shoulders on top of each other: v is parallel to the up axis
    kp[0, 0, R_SHOULDER] = kp[0, 0, L_SHOULDER] + [0., .3, 0.]
    out = yaw_norm()(dict(keypoint=kp.copy(), total_frames=8))['keypoint']
    np.testing.assert_array_equal(out, kp - kp[:, :, SPINE:SPINE + 1])
    # person 0 absent: no centre and no shoulder line, person 1 unchanged
    two = np.concatenate([np.zeros_like(kp), kp])
    out = yaw_norm()(dict(keypoint=two.copy(), total_frames=8))['keypoint']
    np.testing.assert_array_equal(out, two)


def test_yaw_is_idempotent_and_reports_its_settings():
    kp, _ = y_up_clip(np.random.default_rng(6), -2.0, shoulder_tilt=.05)
    norm = yaw_norm(up_axis='+y')
    once = norm(dict(keypoint=kp, total_frames=8))['keypoint']
    twice = norm(dict(keypoint=once.copy(), total_frames=8))['keypoint']
    np.testing.assert_allclose(twice, once, atol=1e-6)
    assert "alignment='yaw', up_axis='+y', right_axis='x'" in repr(norm)


@pytest.mark.parametrize('kwargs, match', [
    (dict(alignment='roll'), 'alignment must be one of'),
    (dict(alignment='yaw'), 'needs the data.s up_axis'),
    (dict(alignment='yaw', up_axis='y', zaxis=(0, 1)), 'set zaxis=None'),
    (dict(alignment='yaw', up_axis='w'), "'x', 'y' or 'z'"),
    (dict(alignment='yaw', up_axis=(0, 0, 0)), 'non-zero 3-vector'),
    (dict(alignment='yaw', up_axis='-x'), 'orthogonal to up_axis'),
    (dict(up_axis='y'), "used by alignment='yaw' only"),
    (dict(right_axis='z'), "used by alignment='yaw' only"),
])
def test_alignment_argument_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        PreNormalize3DPerFrame(**kwargs)
