"""The fused numba loop against the torch ops, for the same parameters."""
import pytest
import torch

from usdrl_mm.structures import batch_augment_ops as ops
from usdrl_mm.structures import fused_views_cpu

pytest.importorskip('numba')

VALID = [40, 64, 137, 300]  # below, at and above the 64-frame floor


def clips_and_params(channels, seed=0, views=4):
    """Clips of different stored lengths, NaN after their valid frames (a
    read of one would show), and drawn crops and per-joint matrices."""
    g = torch.Generator().manual_seed(seed)
    clips = []
    for n in VALID:
        x = torch.randn(2, n + 7, 25, channels, generator=g)
        x[:, n:] = float('nan')
        clips.append(x)
    clips[0][1] = 0  # an absent second person
    crop = ops.draw_crop(
        torch.tensor(VALID).repeat_interleave(views), generator=g)
    b = len(VALID) * views
    matrix = torch.rand(b, channels, channels, generator=g) * 2 - 1
    chosen = ops.joints_to_mask(
        ops.draw_joint_subsets(b, 25, 15, generator=g), 25)
    chosen[::3] = True  # a shear: every joint
    matrix[1::4] = 0  # a mask
    return clips, crop, matrix, chosen


@pytest.mark.parametrize('channels', [3, 4, 2])
def test_fused_views_equal_the_torch_ops(channels):
    clips, crop, matrix, chosen = clips_and_params(channels)
    expected = ops.map_joints(
        ops.crop_clip_views(clips, crop, 64, 4), matrix, chosen)
    eye = torch.eye(channels)
    per_joint = torch.where(chosen[:, :, None, None], matrix[:, None], eye)
    views = fused_views_cpu.fused_clip_views(clips, crop, 64, 4, per_joint)
    assert views.shape == expected.shape == (16, 2, 64, 25, channels)
    assert views.dtype == torch.float32
    assert not views.isnan().any()
    assert torch.allclose(views, expected, atol=1e-5, rtol=1e-5)
    assert (views[:4, 1] == 0).all()  # the absent person stays zero
    # a mask zeroes its joints exactly, in every channel
    masked = views[1::4].permute(0, 3, 1, 2, 4)[chosen[1::4]]
    assert masked.numel() > 0 and (masked == 0).all()


def test_errors():
    clips, crop, matrix, chosen = clips_and_params(3)
    per_joint = torch.where(chosen[:, :, None, None], matrix[:, None],
                            torch.eye(3))
    with pytest.raises(ValueError, match='joint matrices'):
        fused_views_cpu.fused_clip_views(clips, crop, 64, 4, per_joint[:, :5])
    with pytest.raises(ValueError, match='one \\(M, V, C\\)'):
        fused_views_cpu.fused_clip_views([clips[0][:1]] + clips[1:], crop, 64,
                                         4, per_joint)
    short = [clips[0][:, :30]] + clips[1:]
    with pytest.raises(ValueError, match='ends after'):
        fused_views_cpu.fused_clip_views(short, crop, 64, 4, per_joint)


def test_torch_keeps_its_thread_count():
    clips, crop, matrix, chosen = clips_and_params(3)
    per_joint = torch.where(chosen[:, :, None, None], matrix[:, None],
                            torch.eye(3))
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1)
        fused_views_cpu.fused_clip_views(clips, crop, 64, 4, per_joint)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
