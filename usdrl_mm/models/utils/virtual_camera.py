"""Virtual camera views for MPCT's multi-view consistency (docs/mpct.md).

A camera moved around the subject about the vertical axis sees the same
3D skeleton rotated about that axis (NTU records every performance with
three cameras at -45, 0 and +45 degrees azimuth). Rotation is linear and
acts on every 3-vector alike, so it commutes with the bone and motion
streams: rotating the J|B|M channels of an MPCT input group by group equals
deriving bone and motion from the rotated joints. A keypoint score after the
coordinates of each stream (a ``(x, y, z, score)`` skeleton spec) is no
coordinate and is left as it is; so is the bone's and the motion's score,
which MMAction2 defines as a mean of joint scores.
"""
import torch
from torch import Tensor


def rotation_about_axis(angles: Tensor, axis: int = 1) -> Tensor:
    """(N,) angles in radians -> (N, 3, 3) right-handed rotations about the
    coordinate ``axis`` (1 = y, the vertical axis of NTU camera
    coordinates)."""
    if axis not in (0, 1, 2):
        raise ValueError(f'axis must be 0, 1 or 2, got {axis}')
    i, j = (axis + 1) % 3, (axis + 2) % 3  # the plane turned by the rotation
    cos, sin = angles.cos(), angles.sin()
    rot = angles.new_zeros(angles.shape[0], 3, 3)
    rot[:, axis, axis] = 1
    rot[:, i, i] = cos
    rot[:, i, j] = -sin
    rot[:, j, i] = sin
    rot[:, j, j] = cos
    return rot


def rotate_coordinates(x: Tensor,
                       rotation: Tensor,
                       stream_channels: int = 3) -> Tensor:
    """Rotate every 3-vector of sample n by ``rotation[n]``.

    ``x`` is ``(N, ..., G*S)``: G streams of S channels concatenated along
    the last axis (G = 1 for joints, 3 for J|B|M), each stream's first
    three channels xyz coordinates and the other ``S - 3`` scores, which are
    kept. Returns the same shape with ``x' = R_n x`` for every coordinate
    vector. ``stream_channels`` is S (3: coordinates only).
    """
    n, c, s = x.shape[0], x.shape[-1], stream_channels
    if s < 3 or c % s or rotation.shape != (n, 3, 3):
        raise ValueError(f'need (N, ..., G*S) streams of S >= 3 channels '
                         f'(S = {s}) and (N, 3, 3) rotations, got '
                         f'{tuple(x.shape)} and {tuple(rotation.shape)}')
    # (N, ..., G*S) -> (N, P, G, S): P positions of G streams each
    streams = x.reshape(n, -1, c // s, s)
    rotated = torch.einsum('npgc,ndc->npgd', streams[..., :3], rotation)
    if s > 3:  # the scores ride along: (N, P, G, 3) + (N, P, G, S-3)
        rotated = torch.cat([rotated, streams[..., 3:]], dim=-1)
    return rotated.reshape(x.shape)  # (N, P, G, S) -> (N, ..., G*S)
