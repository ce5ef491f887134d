"""Joint, bone and motion streams of a skeleton sequence.

The functions work on numpy arrays and torch tensors alike (indexing and
slicing only), so the per-sample transforms and the batched data
preprocessor compute exactly the same numbers. Inputs are
``(..., T, V, C)``: any leading axes (batch, views, clips, persons), then
frames, joints, coordinates.
"""
from typing import Sequence, TypeVar

import numpy as np

Array = TypeVar('Array')  # np.ndarray or torch.Tensor

MODALITIES = ('joint', 'bone', 'motion')


def bones_from_joints(joints: Array, parents: Sequence[int]) -> Array:
    """(..., T, V, C) -> (..., T, V, C): every joint minus its parent.

    A joint that is its own parent (the NTU-25 ``spine_shoulder``) gets a
    zero bone. This is a gather, not a loop over pairs.
    """
    index = np.asarray(parents, dtype=np.int64)
    if index.shape[0] != joints.shape[-2]:
        raise ValueError(f'{index.shape[0]} parents for {joints.shape[-2]} '
                         'joints; the layout does not match the data')
    if not isinstance(joints, np.ndarray):  # torch: index with a tensor
        import torch
        index = torch.as_tensor(index, device=joints.device)
    return joints - joints[..., index, :]


def motion_from_joints(joints: Array) -> Array:
    """(..., T, V, C) -> (..., T, V, C): ``m[t] = x[t + 1] - x[t]``, and the
    last frame is zero."""
    if isinstance(joints, np.ndarray):
        motion = np.zeros_like(joints)
    else:
        motion = joints.new_zeros(joints.shape)
    motion[..., :-1, :, :] = joints[..., 1:, :, :] - joints[..., :-1, :, :]
    return motion


def derive_modality(joints: Array, modality: str,
                    parents: Sequence[int]) -> Array:
    """Return the ``'joint'``, ``'bone'`` or ``'motion'`` stream of
    ``joints``."""
    if modality == 'joint':
        return joints
    if modality == 'bone':
        return bones_from_joints(joints, parents)
    if modality == 'motion':
        return motion_from_joints(joints)
    raise ValueError(f'unknown modality {modality!r}; '
                     f'choose one of {MODALITIES}')
