"""Virtual camera views for MPCT's multi-view consistency (docs/mpct.md).

A camera moved around the subject about the vertical axis sees the same
3D skeleton rotated about that axis (NTU records every performance with
three cameras at -45, 0 and +45 degrees azimuth). Rotation is linear and
acts on every 3-vector alike, so it commutes with the bone and motion
streams: rotating the J|B|M channels of an MPCT input group by group equals
deriving bone and motion from the rotated joints.
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


def rotate_coordinates(x: Tensor, rotation: Tensor) -> Tensor:
    """Rotate every 3-vector of sample n by ``rotation[n]``.

    ``x`` is ``(N, ..., 3G)``: G streams of xyz coordinates concatenated
    along the last axis (G = 1 for joints, 3 for J|B|M). Returns the same
    shape with ``x' = R_n x`` for every vector.
    """
    n, c = x.shape[0], x.shape[-1]
    if c % 3 or rotation.shape != (n, 3, 3):
        raise ValueError(f'need (N, ..., 3G) coordinates and (N, 3, 3) '
                         f'rotations, got {tuple(x.shape)} and '
                         f'{tuple(rotation.shape)}')
    # (N, ..., 3G) -> (N, P, G, 3): P positions of G xyz vectors each
    vectors = x.reshape(n, -1, c // 3, 3)
    rotated = torch.einsum('npgc,ndc->npgd', vectors, rotation)
    return rotated.reshape(x.shape)  # (N, P, G, 3) -> (N, ..., 3G)
