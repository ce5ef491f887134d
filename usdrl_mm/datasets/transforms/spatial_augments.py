"""The spatial augmentations of the USDRL pretraining views (design.md §8.1).

The original picks exactly one per view: joint masking (p 0.25), a random
linear map of some joints (p 0.25) or a shear of the whole skeleton (p 0.5).
Express that choice with mmcv's ``RandomChoice``::

    dict(type='RandomChoice', prob=[0.25, 0.25, 0.5], transforms=[
        [dict(type='RandomJointMask', num_joints=15)],
        [dict(type='RandomJointLinearMap', num_joints=15)],
        [dict(type='RandomSkeletonShear', magnitude=1.0)]])

All three are linear in the coordinates, so absent (all-zero) persons stay
zero. ``keypoint_score`` is not a coordinate: linear maps leave it alone and
masking zeroes it with its joint.

Each transform draws its parameters and applies them with a plain numpy
function (:func:`shear_matrix`, :func:`linear_map_joints`,
:func:`mask_joints`): the reference that the batched
``usdrl_mm.models.utils.batch_augments`` ops are tested against.
:func:`check_augmented_joints` is the joint-count rule both share.
"""
from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


def shear_matrix(off_diagonal: np.ndarray) -> np.ndarray:
    """A (C, C) shear with ones on the diagonal and the given off-diagonal
    entries (row-major, C*(C-1) values)."""
    off_diagonal = np.asarray(off_diagonal, dtype=np.float32)
    c = int(round((1 + np.sqrt(1 + 4 * off_diagonal.size)) / 2))
    s = np.eye(c, dtype=np.float32)
    s[~np.eye(c, dtype=bool)] = off_diagonal
    return s


def linear_map_joints(x: np.ndarray,
                      matrix: np.ndarray,
                      joints: Optional[Sequence[int]] = None) -> np.ndarray:
    """``x' = x @ matrix`` for the coordinates of the given joints (all when
    ``None``), with coordinates as row vectors; a new array is returned.

    The random-matrix corruption uses ``x R``; a shear ``S x`` with column
    vectors is ``x @ S.T``.
    """
    out = x.astype(np.float32, copy=True)
    if joints is None:
        return out @ matrix
    idx = np.asarray(joints, dtype=np.int64)
    out[..., idx, :] = out[..., idx, :] @ matrix
    return out


def mask_joints(x: np.ndarray, joints: Sequence[int]) -> np.ndarray:
    """Zero the given joints in every frame and person; a new array."""
    out = x.copy()
    out[..., np.asarray(joints, dtype=np.int64), :] = 0
    return out


def check_augmented_joints(num_chosen: int, num_total: int) -> None:
    """Refuse a joint count that an augmentation cannot or should not draw.

    More joints than the skeleton has cannot be drawn; all of them would
    mask the whole skeleton (an all-zero view) or turn the per-joint
    corruption into one global map, silently. USDRL draws 15 of NTU's 25
    (60 %); a new layout sets its own count.
    """
    if not 0 <= num_chosen <= num_total:
        raise ValueError(f'cannot pick {num_chosen} of {num_total} joints; '
                         'set num_joints of the joint augmentations for this '
                         'skeleton layout')
    if num_chosen == num_total:
        raise ValueError(
            f'num_joints={num_chosen} would augment every one of the '
            f'{num_total} joints (RandomJointMask would blank the whole '
            'skeleton); set it below the layout\'s joint count, e.g. 60 % '
            f'of them ({max(1, round(0.6 * num_total))} here) as USDRL '
            'takes 15 of NTU\'s 25')


def _pick_joints(results: Dict, num_joints: int) -> np.ndarray:
    v = results['keypoint'].shape[-2]
    check_augmented_joints(num_joints, v)
    return np.random.choice(v, num_joints, replace=False)


@TRANSFORMS.register_module()
class RandomJointMask(BaseTransform):
    """Zero ``num_joints`` joints, drawn without replacement, in every frame
    and for every person.

    Required Keys:

        - keypoint (M, T, V, C)
        - keypoint_score (M, T, V), optional

    Modified Keys:

        - keypoint
        - keypoint_score, if present

    Args:
        num_joints (int): Joints to mask (15 of NTU's 25 in USDRL).
    """

    def __init__(self, num_joints: int = 15) -> None:
        self.num_joints = num_joints

    def transform(self, results: Dict) -> Dict:
        joints = _pick_joints(results, self.num_joints)
        results['keypoint'] = mask_joints(results['keypoint'], joints)
        if 'keypoint_score' in results:
            score = results['keypoint_score'].copy()
            score[..., joints] = 0
            results['keypoint_score'] = score
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(num_joints={self.num_joints})'


@TRANSFORMS.register_module()
class RandomJointLinearMap(BaseTransform):
    """Corrupt ``num_joints`` joints with one random matrix: ``x' = x R``
    (row vectors), ``R`` of size (C, C) with i.i.d. ``U(-mag, mag)``
    entries, the same for all chosen joints, frames and persons.

    Required Keys:

        - keypoint (M, T, V, C)

    Modified Keys:

        - keypoint

    Args:
        num_joints (int): Joints to corrupt (15 of NTU's 25 in USDRL).
        magnitude (float): Entries are drawn from ``U(-mag, mag)``.
    """

    def __init__(self, num_joints: int = 15, magnitude: float = 1.0) -> None:
        self.num_joints = num_joints
        self.magnitude = magnitude

    def transform(self, results: Dict) -> Dict:
        c = results['keypoint'].shape[-1]
        joints = _pick_joints(results, self.num_joints)
        matrix = np.random.uniform(-self.magnitude, self.magnitude, (c, c))
        results['keypoint'] = linear_map_joints(results['keypoint'],
                                                matrix.astype(np.float32),
                                                joints)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_joints={self.num_joints}, '
                f'magnitude={self.magnitude})')


@TRANSFORMS.register_module()
class RandomSkeletonShear(BaseTransform):
    """Shear every joint: ``x' = S x`` (column vectors) with ones on the
    diagonal of ``S`` and i.i.d. ``U(-mag, mag)`` off-diagonal entries.

    Required Keys:

        - keypoint (M, T, V, C)

    Modified Keys:

        - keypoint

    Args:
        magnitude (float): Off-diagonal range; 1.0 in USDRL (stronger than
            the +-0.5 of SkeletonCLR).
    """

    def __init__(self, magnitude: float = 1.0) -> None:
        self.magnitude = magnitude

    def transform(self, results: Dict) -> Dict:
        c = results['keypoint'].shape[-1]
        shear = shear_matrix(
            np.random.uniform(-self.magnitude, self.magnitude, c * (c - 1)))
        results['keypoint'] = linear_map_joints(results['keypoint'], shear.T)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(magnitude={self.magnitude})'
