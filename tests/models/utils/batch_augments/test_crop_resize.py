"""The batched temporal crop-resize against the per-sample numpy maths of
``TemporalCropResize``, for the same parameters."""
import numpy as np
import pytest
import torch

from usdrl_mm.datasets.transforms import temporal_crop_resize as ref
from usdrl_mm.models.utils import batch_augments as ops

# shorter than the 64-frame floor, at it, just above, long, and one frame
VALID = [1, 7, 40, 63, 64, 65, 137, 300]


def padded_clips(valid, frames=300, persons=2, seed=0):
    """A list of (M, frames, 25, 3) random clips whose frames after the
    valid length are NaN, so reading one shows in the output."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(len(valid), persons, frames, 25, 3))
    for i, n in enumerate(valid):
        x[i, :, n:] = np.nan
    return list(torch.from_numpy(x.astype(np.float32)).unbind())


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
    with pytest.raises(ValueError, match='without valid frames'):
        ops.draw_crop(torch.tensor([5, 0]))


def test_draw_crop_is_reproducible_with_a_seeded_generator():

    def draw(seed):
        return ops.draw_crop(
            torch.tensor(VALID).repeat_interleave(4),
            generator=torch.Generator().manual_seed(seed))

    first, again, other = draw(0), draw(0), draw(1)
    assert torch.equal(first.start, again.start)
    assert torch.equal(first.length, again.length)
    assert not (torch.equal(first.start, other.start)
                and torch.equal(first.length, other.length))


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
def test_views_match_numpy_for_each_valid_length(out_len):
    # clips of different stored lengths (some end at their valid length,
    # others carry NaN padding), read in place
    clips = padded_clips(VALID)
    clips = [
        x[:, :n] if i % 2 else x for i, (x, n) in enumerate(zip(clips, VALID))
    ]
    params = ops.draw_crop(
        torch.tensor(VALID).repeat_interleave(3), (0.1, 1.0),
        64,
        generator=torch.Generator().manual_seed(1),
        short_clip='crop')
    out = ops.crop_clip_views(clips, params, out_len, 3)
    assert out.shape == (len(VALID) * 3, 2, out_len, 25, 3)
    assert out.dtype == torch.float32
    assert not out.isnan().any()  # the padding was never read
    for b in range(len(VALID) * 3):
        n = VALID[b // 3]
        start, length = int(params.start[b]), int(params.length[b])
        assert start + length <= n
        expected = ref.crop_resize(clips[b // 3][:, :n].numpy(), start, length,
                                   out_len, 1)
        assert np.allclose(out[b].numpy(), expected, atol=1e-5), b


def test_views_read_their_clip_and_window():
    # frame t of clip s holds 1000 s + t in every joint and channel
    clips = [(1000 * s + torch.arange(50.)).view(1, 50, 1,
                                                 1).expand(2, 50, 4, 3)
             for s in range(3)]
    params = ops.CropParams(
        torch.tensor([3, 0, 10, 5, 0, 46]), torch.tensor([4] * 6))
    out = ops.crop_clip_views(clips, params, 4, 2)
    assert out[:, 0, :, 0, 0].tolist() == [[3, 4, 5, 6], [0, 1, 2, 3],
                                           [1010, 1011, 1012, 1013],
                                           [1005, 1006, 1007, 1008],
                                           [2000, 2001, 2002, 2003],
                                           [2046, 2047, 2048, 2049]]
    assert torch.equal(out[:, 1], out[:, 0])  # every person


def test_scratch_and_errors():
    valid = [40, 137, 300]
    clips = padded_clips(valid)
    clips = [clips[0][:, :40], clips[1][:, :200], clips[2]]
    params = ops.draw_crop(
        torch.tensor(valid).repeat_interleave(4),
        generator=torch.Generator().manual_seed(8))
    expected = ops.crop_clip_views(clips, params, 64, 4)
    scratch = torch.full((2 * expected.numel() + 5, ), float('nan'))
    views = ops.crop_clip_views(clips, params, 64, 4, scratch)
    assert torch.equal(views, expected)
    assert views.data_ptr() != scratch.data_ptr()  # a new tensor
    with pytest.raises(ValueError, match='scratch needs'):
        ops.crop_clip_views(clips, params, 64, 4, scratch[:10])
    with pytest.raises(ValueError, match='crop windows for 3 clips'):
        ops.crop_clip_views(clips, params, 64, 2)
    with pytest.raises(ValueError, match='ends after'):
        ops.crop_clip_views([clips[0][:, :30]] + clips[1:], params, 64, 4)
    with pytest.raises(ValueError, match='one \\(M, V, C\\)'):
        ops.crop_clip_views([clips[0][:1]] + clips[1:], params, 64, 4)
    with pytest.raises(ValueError, match='no clips'):
        ops.crop_clip_views([], params, 64, 4)


def test_absent_persons_stay_zero():
    clips = padded_clips([300] * 3)
    for x in clips:
        x[1] = 0
    params = ops.draw_crop(
        torch.tensor([300] * 6), generator=torch.Generator().manual_seed(7))
    out = ops.crop_clip_views(clips, params, 64, 2)
    assert (out[:, 1] == 0).all() and out[:, 0].abs().sum() > 0
