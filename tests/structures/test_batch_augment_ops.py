"""The batched torch view maths against the per-sample numpy maths, for the
same parameters."""
import numpy as np
import pytest
import torch

from usdrl_mm.structures import augment_ops as ref
from usdrl_mm.structures import batch_augment_ops as ops

# shorter than the 64-frame floor, at it, just above, long, and one frame
VALID = [1, 7, 40, 63, 64, 65, 137, 300]


def padded_clips(valid, frames=300, persons=2, seed=0):
    """(N, M, frames, 25, 3) random clips whose frames after the valid
    length are NaN, so reading one shows in the output."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(len(valid), persons, frames, 25, 3))
    for i, n in enumerate(valid):
        x[i, :, n:] = np.nan
    return torch.from_numpy(x.astype(np.float32))


def test_crop_windows_match_numpy():
    rng = np.random.default_rng(0)
    n = np.repeat(VALID, 50)
    scale, frac = rng.uniform(0.1, 1, n.size), rng.uniform(0, 1, n.size)
    frac[::50] = np.nextafter(1, 0)  # the last start of each length
    ours = ops.crop_windows(
        torch.from_numpy(n), torch.from_numpy(scale), 64,
        torch.from_numpy(frac))
    expected = [
        ref.crop_window(a, s, 64, f) for a, s, f in zip(n, scale, frac)
    ]
    assert ours.start.tolist() == [s for s, _ in expected]
    assert ours.length.tolist() == [length for _, length in expected]
    # the floor: short clips whole, long ones at least 64 frames
    short = torch.from_numpy(n <= 64)
    assert torch.equal(ours.length[short], torch.from_numpy(n)[short])
    assert (ours.length[~short] >= 64).all()
    assert (ours.start + ours.length <= torch.from_numpy(n)).all()


def test_short_clip_floor_is_shared_with_numpy():
    n = np.array(VALID)
    floors = ref.crop_floor(torch.from_numpy(n), 64, 'crop')
    assert floors.tolist() == [1, 1, 1, 1, 64, 64, 64, 64]
    assert [ref.crop_floor(a, 64, 'crop') for a in n] == floors.tolist()
    assert ref.crop_floor(torch.from_numpy(n), 64, 'whole') == 64
    with pytest.raises(ValueError, match='short_clip must be one of'):
        ref.crop_floor(40, 64, 'pad')
    # per-clip floors in the batched windows equal the numpy windows
    rng = np.random.default_rng(1)
    n = np.repeat(VALID, 50)
    scale, frac = rng.uniform(0.1, 1, n.size), rng.uniform(0, 1, n.size)
    ours = ops.crop_windows(
        torch.from_numpy(n), torch.from_numpy(scale),
        ref.crop_floor(torch.from_numpy(n), 64, 'crop'),
        torch.from_numpy(frac))
    expected = [
        ref.crop_window(a, s, ref.crop_floor(a, 64, 'crop'), f)
        for a, s, f in zip(n, scale, frac)
    ]
    assert list(zip(ours.start.tolist(), ours.length.tolist())) == expected


def test_draw_crop_short_clip_crop_changes_only_short_clips():
    valid = torch.tensor(VALID).repeat_interleave(20)
    whole = ops.draw_crop(valid, generator=torch.Generator().manual_seed(3))
    crop = ops.draw_crop(
        valid, generator=torch.Generator().manual_seed(3), short_clip='crop')
    # the same draws: clips of at least 64 frames get the same windows
    long = valid >= 64
    assert torch.equal(crop.start[long], whole.start[long])
    assert torch.equal(crop.length[long], whole.length[long])
    # shorter ones: used whole by default, cropped by their scale now
    short = ~long
    assert torch.equal(whole.length[short], valid[short])
    assert not whole.start[short].any()
    g = torch.Generator().manual_seed(3)
    scale = 0.1 + 0.9 * torch.rand(
        valid.shape, generator=g, dtype=torch.float64)
    expected = torch.floor(valid * scale).long().clamp(min=1)
    assert torch.equal(crop.length[short], expected[short])
    assert (crop.length[short] < valid[short]).any()
    assert (crop.start + crop.length <= valid).all()
    forty = valid == 40  # 20 views of one 40-frame clip: many windows
    windows = set(zip(crop.start[forty].tolist(), crop.length[forty].tolist()))
    assert len(windows) > 10


def test_resize_plans_match_numpy():
    length = torch.tensor(VALID)
    i0, i1, w = ops.linear_resize_plans(length, 64)
    assert i0.shape == i1.shape == w.shape == (len(VALID), 64)
    for b, n in enumerate(VALID):
        r0, r1, rw = ref.linear_resize_plan(n, 64)
        assert np.array_equal(i0[b].numpy(), r0)
        assert np.array_equal(i1[b].numpy(), r1)
        assert np.allclose(w[b].numpy(), rw, atol=1e-7)


@pytest.mark.parametrize('out_len', [64, 16])
def test_crop_resize_matches_numpy_for_each_valid_length(out_len):
    x = padded_clips(VALID)
    params = ops.draw_crop(
        torch.tensor(VALID), (0.1, 1.0),
        64,
        generator=torch.Generator().manual_seed(1))
    out = ops.apply_crop(x, params, out_len)
    assert out.shape == (len(VALID), 2, out_len, 25, 3)
    assert out.dtype == torch.float32
    assert not out.isnan().any()  # the padding was never read
    for b, n in enumerate(VALID):
        start, length = int(params.start[b]), int(params.length[b])
        assert start + length <= n
        expected = ref.crop_resize(x[b, :, :n].numpy(), start, length, out_len,
                                   1)
        assert np.allclose(out[b].numpy(), expected, atol=1e-5)


def test_crop_reads_the_source_sample_and_window():
    # frame t of sample s holds 1000 s + t in every joint and channel
    x = (1000 * torch.arange(3.)[:, None] + torch.arange(50.)).view(
        3, 1, 50, 1, 1).expand(3, 2, 50, 4, 3)
    params = ops.CropParams(torch.tensor([3, 0, 10, 5]), torch.tensor([4] * 4))
    out = ops.apply_crop(x, params, 4, source=torch.tensor([2, 0, 0, 1]))
    assert out[:, 0, :, 0, 0].tolist() == [[2003, 2004, 2005, 2006],
                                           [0, 1, 2, 3], [10, 11, 12, 13],
                                           [1005, 1006, 1007, 1008]]
    # views of one sample equal the crops of a repeated input
    again = ops.apply_crop(x[torch.tensor([2, 0, 0, 1])], params, 4)
    assert torch.equal(out, again)


def test_crop_without_person_axis_and_errors():
    x = padded_clips([70, 30])[:, 0]  # (N, T, V, C)
    params = ops.draw_crop(torch.tensor([70, 30]), generator=torch.Generator())
    out = ops.apply_crop(x, params, 64)
    assert out.shape == (2, 64, 25, 3)
    expected = ref.crop_resize(x[1, :30].numpy(), int(params.start[1]),
                               int(params.length[1]), 64, 0)
    assert np.allclose(out[1].numpy(), expected, atol=1e-5)
    with pytest.raises(ValueError, match='without valid frames'):
        ops.draw_crop(torch.tensor([5, 0]))
    with pytest.raises(ValueError, match='ends after'):
        ops.apply_crop(
            x, ops.CropParams(torch.tensor([0, 250]), torch.tensor([64, 64])),
            64)


def test_shear_matches_numpy():
    x = padded_clips([300] * 6)
    shear = ops.draw_shear(
        6, 3, 1.0, generator=torch.Generator().manual_seed(2))
    assert shear.shape == (6, 3, 3)
    assert torch.equal(torch.diagonal(shear, dim1=1, dim2=2), torch.ones(6, 3))
    off = shear[:, ~torch.eye(3, dtype=torch.bool)]
    assert off.abs().max() <= 1 and off.std() > 0.3  # U(-1, 1), not 0.5
    out = ops.apply_shear(x, shear)
    for b in range(6):
        s = ref.shear_matrix(off[b].numpy())
        assert np.allclose(s, shear[b].numpy())
        expected = ref.linear_map_joints(x[b].numpy(), s.T)  # S x
        assert np.allclose(out[b].numpy(), expected, atol=1e-5)


def test_shear_matrices_layout():
    s = ops.shear_matrices(torch.tensor([[0.1, 0.2, 0.3, 0.4, 0.5, 0.6]]))
    assert torch.allclose(
        s[0], torch.tensor([[1, .1, .2], [.3, 1, .4], [.5, .6, 1]]))
    with pytest.raises(ValueError, match='square'):
        ops.shear_matrices(torch.zeros(1, 5))


def test_linear_map_matches_numpy_on_chosen_joints_only():
    x = padded_clips([300] * 5)
    params = ops.draw_linear_map(
        5, 25, 15, 3, 1.0, generator=torch.Generator().manual_seed(3))
    assert params.joints.shape == (5, 15) and params.matrix.shape == (5, 3, 3)
    out = ops.apply_linear_map(x, params)
    for b in range(5):
        joints = params.joints[b].numpy()
        expected = ref.linear_map_joints(x[b].numpy(),
                                         params.matrix[b].numpy(), joints)
        assert np.allclose(out[b].numpy(), expected, atol=1e-5)
        others = np.setdiff1d(np.arange(25), joints)
        assert torch.equal(out[b][..., others, :], x[b][..., others, :])
        assert not torch.allclose(out[b][..., joints, :], x[b][..., joints, :])


def test_mask_matches_numpy():
    x = padded_clips([300] * 4)
    joints = ops.draw_joint_mask(
        4, 25, 15, generator=torch.Generator().manual_seed(4))
    out = ops.apply_joint_mask(x, joints)
    for b in range(4):
        expected = ref.mask_joints(x[b].numpy(), joints[b].numpy())
        assert np.array_equal(out[b].numpy(), expected)
    assert int((out.abs().sum((1, 2, 4)) == 0).sum()) == 4 * 15


def test_joint_subsets_are_distinct_and_uniform():
    joints = ops.draw_joint_subsets(
        4000, 25, 15, generator=torch.Generator().manual_seed(5))
    assert joints.shape == (4000, 15)
    assert all(len(set(row)) == 15 for row in joints.tolist())
    assert 0 <= joints.min() and joints.max() < 25
    # every joint is chosen with probability 15 / 25
    freq = ops.joints_to_mask(joints, 25).float().mean(0)
    assert torch.allclose(freq, torch.full((25, ), 0.6), atol=0.03)
    with pytest.raises(ValueError, match='cannot pick'):
        ops.draw_joint_subsets(2, 17, 18)


def test_matrices_act_on_the_coordinates_and_keep_a_score():
    # (x, y, score) clips: the 2x2 maps leave the score, the mask zeroes it
    x = padded_clips([300] * 3)
    g = torch.Generator().manual_seed(6)
    shear = ops.draw_shear(3, 2, 1.0, generator=g)
    lin = ops.draw_linear_map(3, 25, 15, 2, 1.0, generator=g)
    sheared, mapped = ops.apply_shear(x, shear), ops.apply_linear_map(x, lin)
    assert torch.equal(sheared[..., 2], x[..., 2])
    assert torch.equal(mapped[..., 2], x[..., 2])
    expected = ref.linear_map_joints(x[0, ..., :2].numpy(), shear[0].numpy().T)
    assert np.allclose(sheared[0, ..., :2].numpy(), expected, atol=1e-5)
    masked = ops.apply_joint_mask(x, lin.joints)
    assert (masked[0][..., lin.joints[0], :] == 0).all()
    with pytest.raises(ValueError, match='c <= C'):
        ops.map_joints(x, torch.zeros(3, 4, 4))


def test_absent_persons_stay_zero():
    x = padded_clips([300] * 3)
    x[:, 1] = 0
    g = torch.Generator().manual_seed(7)
    crop = ops.apply_crop(x,
                          ops.draw_crop(torch.tensor([300] * 3),
                                        generator=g), 64)
    outs = [
        crop,
        ops.apply_shear(crop, ops.draw_shear(3, generator=g)),
        ops.apply_linear_map(crop, ops.draw_linear_map(3, 25, generator=g)),
        ops.apply_joint_mask(crop, ops.draw_joint_mask(3, 25, generator=g))
    ]
    for out in outs:
        assert (out[:, 1] == 0).all() and out[:, 0].abs().sum() > 0


def test_draws_are_reproducible_with_a_seeded_generator():

    def draw(seed):
        g = torch.Generator().manual_seed(seed)
        return (ops.draw_crop(torch.tensor(VALID),
                              generator=g), ops.draw_shear(8, generator=g),
                ops.draw_linear_map(8, 25, generator=g),
                ops.draw_joint_mask(8, 25, generator=g))

    def leaves(params):  # tensors of (tensor | NamedTuple of tensors)
        return [
            t for p in params for t in (p if isinstance(p, tuple) else (p, ))
        ]

    first, again, other = draw(0), draw(0), draw(1)
    assert all(torch.equal(a, b) for a, b in zip(leaves(first), leaves(again)))
    assert not torch.equal(first[1], other[1])
    assert not torch.equal(first[3], other[3])
    assert isinstance(first[2], ops.LinearMapParams)


def test_views_of_a_clip_list_equal_the_stacked_crop():
    # clips of different stored lengths, read in place
    valid = [40, 137, 300]
    x = padded_clips(valid)
    clips = [x[0, :, :40], x[1, :, :200], x[2]]
    params = ops.draw_crop(
        torch.tensor(valid).repeat_interleave(4),
        generator=torch.Generator().manual_seed(8))
    source = torch.arange(3).repeat_interleave(4)
    expected = ops.apply_crop(x, params, 64, source)
    scratch = torch.full((2 * expected.numel() + 5, ), float('nan'))
    views = ops.crop_clip_views(clips, params, 64, 4, scratch)
    assert torch.equal(views, expected)
    assert not views.isnan().any()
    assert torch.equal(ops.crop_clip_views(clips, params, 64, 4), views)
    with pytest.raises(ValueError, match='scratch needs'):
        ops.crop_clip_views(clips, params, 64, 4, scratch[:10])
    with pytest.raises(ValueError, match='crop windows for 3 clips'):
        ops.crop_clip_views(clips, params, 64, 2)
    with pytest.raises(ValueError, match='ends after'):
        ops.crop_clip_views([x[0, :, :30]] + clips[1:], params, 64, 4)


def test_in_place_map_equals_the_new_tensor_map():
    x = padded_clips([300] * 4)
    lin = ops.draw_linear_map(
        4, 25, 15, 3, generator=torch.Generator().manual_seed(9))
    mask = ops.joints_to_mask(lin.joints, 25)
    expected = ops.map_joints(x, lin.matrix, mask)
    scratch = torch.empty(x.numel())
    y = x.clone()
    out = ops.map_joints(y, lin.matrix, mask, inplace=True, scratch=scratch)
    assert out.data_ptr() == y.data_ptr() and torch.equal(out, expected)
    every = ops.map_joints(x.clone(), lin.matrix, inplace=True)
    assert torch.allclose(every, ops.map_joints(x, lin.matrix))
    with pytest.raises(ValueError, match='contiguous float32'):
        ops.map_joints(x.double(), lin.matrix, mask, inplace=True)
