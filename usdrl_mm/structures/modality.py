"""Joint, bone and motion streams of a skeleton sequence.

The functions work on numpy arrays and torch tensors alike (indexing and
slicing only), so the per-sample transforms and the batched data
preprocessor compute exactly the same numbers. Inputs are
``(..., T, V, C)``: any leading axes (batch, views, clips, persons), then
frames, joints, coordinates.

2D pose-estimator input carries a score channel after the coordinates
(``(x, y, score)``, as MMAction2's ``FormatGCNInput`` appends
``keypoint_score``). A score is no coordinate: given ``coord_channels``,
the channels past it are scores, and bone and motion keep them as
MMAction2's ``JointToBone`` / ``ToMotion`` do: the bone's score is the mean
of its two joints' scores, the motion's the mean of the two frames'.
"""
from typing import Optional, Sequence, Tuple, TypeVar, Union

import numpy as np

Array = TypeVar('Array')  # np.ndarray or torch.Tensor

MODALITIES = ('joint', 'bone', 'motion')


def _scores_averaged(out: Array, a: Array, b: Array,
                     coord_channels: Optional[int]) -> Array:
    """``out`` with its score channels (past ``coord_channels``) set to
    ``(a + b) / 2`` of the same channels."""
    if coord_channels is None or out.shape[-1] <= coord_channels:
        return out
    d = coord_channels
    out[..., d:] = (a[..., d:] + b[..., d:]) / 2
    return out


def bones_from_joints(joints: Array,
                      parents: Sequence[int],
                      coord_channels: Optional[int] = None) -> Array:
    """(..., T, V, C) -> (..., T, V, C): every joint minus its parent.

    A joint that is its own parent (the NTU-25 ``spine_shoulder``) gets a
    zero bone. This is a gather, not a loop over pairs. Channels past
    ``coord_channels`` are scores: a bone's is the mean of its joints'.
    """
    index = np.asarray(parents, dtype=np.int64)
    if index.shape[0] != joints.shape[-2]:
        raise ValueError(f'{index.shape[0]} parents for {joints.shape[-2]} '
                         'joints; the layout does not match the data')
    if not isinstance(joints, np.ndarray):  # torch: index with a tensor
        import torch
        index = torch.as_tensor(index, device=joints.device)
    parent = joints[..., index, :]
    return _scores_averaged(joints - parent, joints, parent, coord_channels)


def motion_from_joints(joints: Array,
                       coord_channels: Optional[int] = None) -> Array:
    """(..., T, V, C) -> (..., T, V, C): ``m[t] = x[t + 1] - x[t]``, and the
    last frame is zero. Channels past ``coord_channels`` are scores:
    ``(s[t] + s[t + 1]) / 2``."""
    if isinstance(joints, np.ndarray):
        motion = np.zeros_like(joints)
    else:
        motion = joints.new_zeros(joints.shape)
    now, later = joints[..., :-1, :, :], joints[..., 1:, :, :]
    motion[..., :-1, :, :] = _scores_averaged(later - now, now, later,
                                              coord_channels)
    return motion


def derive_modality(joints: Array,
                    modality: str,
                    parents: Sequence[int],
                    coord_channels: Optional[int] = None) -> Array:
    """Return the ``'joint'``, ``'bone'`` or ``'motion'`` stream of
    ``joints`` (``coord_channels``: see the module docstring)."""
    if modality == 'joint':
        return joints
    if modality == 'bone':
        return bones_from_joints(joints, parents, coord_channels)
    if modality == 'motion':
        return motion_from_joints(joints, coord_channels)
    raise ValueError(f'unknown modality {modality!r}; '
                     f'choose one of {MODALITIES}')


def as_modalities(modality: Union[str, Sequence[str]]) -> Tuple[str, ...]:
    """``'bone'`` -> ``('bone',)``; a sequence is checked and kept in order.
    """
    names = (modality, ) if isinstance(modality, str) else tuple(modality)
    unknown = [m for m in names if m not in MODALITIES]
    if not names or unknown or len(set(names)) != len(names):
        raise ValueError(f'unknown or repeated modality in {modality!r}; '
                         f'choose distinct names from {MODALITIES}')
    return names


def stack_modalities(joints: Array,
                     modalities: Sequence[str],
                     parents: Sequence[int],
                     coord_channels: Optional[int] = None) -> Array:
    """(..., T, V, C) -> (..., T, V, G*C): the G streams concatenated along
    the coordinate axis, in the given order (the early-fusion input of MPCT;
    ``('joint', 'bone', 'motion')`` gives channels ``[x, y, z]`` of the
    joint, then of the bone, then of the motion)."""
    streams = [
        derive_modality(joints, m, parents, coord_channels) for m in modalities
    ]
    if len(streams) == 1:
        return streams[0]
    if isinstance(joints, np.ndarray):
        return np.concatenate(streams, axis=-1)
    import torch
    return torch.cat(streams, dim=-1)


def isolate_modality(x: Array, index: int, num_modalities: int) -> Array:
    """(..., G*C) -> (..., G*C): keep the channels of stream ``index`` of a
    :func:`stack_modalities` input and zero the other streams.

    Fed to an encoder whose first layer is linear in the channels, this is
    the single-modality input of the early-fusion model.
    """
    if x.shape[-1] % num_modalities or not 0 <= index < num_modalities:
        raise ValueError(f'cannot take stream {index} of {num_modalities} '
                         f'from {x.shape[-1]} channels')
    c = x.shape[-1] // num_modalities
    out = np.zeros_like(x) if isinstance(x, np.ndarray) else x.new_zeros(
        x.shape)
    out[..., index * c:(index + 1) * c] = x[..., index * c:(index + 1) * c]
    return out
