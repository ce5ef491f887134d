"""The spatial augmentations of the USDRL pretraining views (design.md §8.1).

The original picks exactly one per view: joint masking (p 0.25), a random
linear map of some joints (p 0.25) or a shear of the whole skeleton (p 0.5).
Express that choice with mmcv's ``RandomChoice``::

    dict(type='RandomChoice', prob=[0.25, 0.25, 0.5], transforms=[
        [dict(type='RandomJointMask', num_augmented_joints=0.6)],
        [dict(type='RandomJointLinearMap', num_augmented_joints=0.6)],
        [dict(type='RandomSkeletonShear', magnitude=1.0)]])

``num_augmented_joints`` is how many joints the mask and the map pick: a
count (an ``int``), or a fraction in (0, 1) of the clip's joints, rounded
(:func:`resolve_augmented_joints`; 0.6 of NTU's 25 is USDRL's 15, and the
same line gives 8 of a 13-joint layout), so a pipeline written as a
fraction fits every layout. The old name ``num_joints`` (a count, easily
mistaken for the layout's joint count) still works with a
``DeprecationWarning``.

All three are linear in the coordinates, so absent (all-zero) persons stay
zero. ``keypoint_score`` is not a coordinate: linear maps leave it alone and
masking zeroes it with its joint.

Each transform draws its parameters and applies them with a plain numpy
function (:func:`shear_matrix`, :func:`linear_map_joints`,
:func:`mask_joints`): the reference that the batched
``usdrl_mm.models.utils.batch_augments`` ops are tested against.
:func:`resolve_augmented_joints` and :func:`check_augmented_joints` are the
joint-count rules both share.
"""
import logging
import math
import warnings
from numbers import Integral, Real
from typing import Dict, Optional, Sequence, Set, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log


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


#: A count of joints (int) or a fraction of the clip's joints in (0, 1).
JointCount = Union[int, float]

#: USDRL's share: 15 of NTU's 25 joints.
USDRL_AUGMENTED_FRACTION = 0.6


def check_augmented_count(value: JointCount) -> JointCount:
    """``value`` if it is a valid ``num_augmented_joints``: an int >= 0 or
    a float in (0, 1); else a ``ValueError`` saying which is which."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError('num_augmented_joints must be a count (int) or a '
                         f'fraction in (0, 1) (float), got {value!r}')
    if isinstance(value, Integral):
        if value < 0:
            raise ValueError(f'num_augmented_joints must be >= 0, got {value}')
        return int(value)
    if not 0 < value < 1:
        raise ValueError(
            f'num_augmented_joints={value!r}: a float is a fraction of the '
            'joints and must lie in (0, 1); give a count as an int')
    return float(value)


def resolve_augmented_joints(value: JointCount, num_total: int) -> int:
    """The number of joints to augment in a clip of ``num_total`` joints.

    A count is taken as it is; a fraction ``f`` gives
    ``max(1, floor(f * num_total + 1/2))`` (halves round up: 0.6 of 25 is
    15, of 17 is 10, of 13 is 8). The result is checked by
    :func:`check_augmented_joints`.
    """
    value = check_augmented_count(value)
    if isinstance(value, int):
        chosen = value
    else:
        chosen = max(1, math.floor(value * num_total + 0.5))
    check_augmented_joints(chosen, num_total, requested=value)
    return chosen


def check_augmented_joints(num_chosen: int,
                           num_total: int,
                           requested: Optional[JointCount] = None) -> None:
    """Refuse a joint count that an augmentation cannot or should not draw.

    More joints than the skeleton has cannot be drawn; all of them would
    mask the whole skeleton (an all-zero view) or turn the per-joint
    corruption into one global map, silently. USDRL draws 15 of NTU's 25
    (60 %); ``num_augmented_joints=0.6`` keeps that share on any layout.
    ``requested`` is the value the user gave (a fraction), for the message.
    """
    given = num_chosen if requested is None else requested
    if isinstance(given, float):
        given = f'{given} ({num_chosen} of {num_total})'
    if not 0 <= num_chosen <= num_total:
        raise ValueError(f'cannot pick {num_chosen} of {num_total} joints; '
                         'set num_augmented_joints (formerly num_joints) of '
                         'the joint augmentations for this skeleton layout, '
                         'e.g. the fraction 0.6')
    if num_chosen == num_total:
        raise ValueError(
            f'num_augmented_joints={given} would augment every one of the '
            f'{num_total} joints (RandomJointMask would blank the whole '
            'skeleton); set it below the layout\'s joint count, e.g. 60 % '
            f'of them ({max(1, round(0.6 * num_total))} here, or the '
            'fraction 0.6) as USDRL takes 15 of NTU\'s 25')


#: Owners whose deprecated argument was already logged in this process.
_LOGGED_DEPRECATIONS: Set[str] = set()


def augmented_joints_argument(num_augmented_joints: Optional[JointCount],
                              num_joints: Optional[int],
                              owner: str,
                              old_name: str = 'num_joints') -> JointCount:
    """The ``num_augmented_joints`` of ``owner`` from the new argument or
    the deprecated ``num_joints`` (with a ``DeprecationWarning``); both
    given is an error, neither gives USDRL's fraction 0.6.

    Python hides a ``DeprecationWarning`` raised inside a library (a config
    build), so the first use per owner is also logged as a warning.
    """
    if num_joints is not None:
        if num_augmented_joints is not None:
            raise TypeError(f'{owner}: give num_augmented_joints only; '
                            f'{old_name} is its deprecated name')
        message = (
            f'{owner}({old_name}=...) is deprecated and will be removed in '
            'the next release: it is the number of joints to augment, not '
            'the layout\'s joint count; use num_augmented_joints (a count, '
            'or a fraction such as 0.6 that fits every layout)')
        warnings.warn(message, DeprecationWarning, stacklevel=3)
        if owner not in _LOGGED_DEPRECATIONS:
            _LOGGED_DEPRECATIONS.add(owner)
            print_log(message, logger='current', level=logging.WARNING)
        num_augmented_joints = num_joints
    if num_augmented_joints is None:
        num_augmented_joints = USDRL_AUGMENTED_FRACTION
    return check_augmented_count(num_augmented_joints)


def _pick_joints(results: Dict,
                 num_augmented_joints: JointCount) -> np.ndarray:
    v = results['keypoint'].shape[-2]
    chosen = resolve_augmented_joints(num_augmented_joints, v)
    return np.random.choice(v, chosen, replace=False)


@TRANSFORMS.register_module()
class RandomJointMask(BaseTransform):
    """Zero ``num_augmented_joints`` joints, drawn without replacement, in
    every frame and for every person.

    Required Keys:

        - keypoint (M, T, V, C)
        - keypoint_score (M, T, V), optional

    Modified Keys:

        - keypoint
        - keypoint_score, if present

    Args:
        num_augmented_joints (int | float, optional): Joints to mask: a
            count, or a fraction in (0, 1) of the clip's joints
            (:func:`resolve_augmented_joints`). Defaults to 0.6, USDRL's 15
            of NTU's 25.
        num_joints (int, optional): Deprecated name of
            ``num_augmented_joints``.
    """

    def __init__(self,
                 num_augmented_joints: Optional[JointCount] = None,
                 *,
                 num_joints: Optional[int] = None) -> None:
        self.num_augmented_joints = augmented_joints_argument(
            num_augmented_joints, num_joints,
            type(self).__name__)

    @property
    def num_joints(self) -> JointCount:
        """Deprecated alias of :attr:`num_augmented_joints`."""
        return self.num_augmented_joints

    def transform(self, results: Dict) -> Dict:
        joints = _pick_joints(results, self.num_augmented_joints)
        results['keypoint'] = mask_joints(results['keypoint'], joints)
        if 'keypoint_score' in results:
            score = results['keypoint_score'].copy()
            score[..., joints] = 0
            results['keypoint_score'] = score
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'num_augmented_joints={self.num_augmented_joints})')


@TRANSFORMS.register_module()
class RandomJointLinearMap(BaseTransform):
    """Corrupt ``num_augmented_joints`` joints with one random matrix:
    ``x' = x R`` (row vectors), ``R`` of size (C, C) with i.i.d.
    ``U(-mag, mag)`` entries, the same for all chosen joints, frames and
    persons.

    Required Keys:

        - keypoint (M, T, V, C)

    Modified Keys:

        - keypoint

    Args:
        num_augmented_joints (int | float, optional): Joints to corrupt: a
            count, or a fraction in (0, 1) of the clip's joints. Defaults to
            0.6, USDRL's 15 of NTU's 25.
        magnitude (float): Entries are drawn from ``U(-mag, mag)``.
        num_joints (int, optional): Deprecated name of
            ``num_augmented_joints``.
    """

    def __init__(self,
                 num_augmented_joints: Optional[JointCount] = None,
                 magnitude: float = 1.0,
                 *,
                 num_joints: Optional[int] = None) -> None:
        self.num_augmented_joints = augmented_joints_argument(
            num_augmented_joints, num_joints,
            type(self).__name__)
        self.magnitude = magnitude

    @property
    def num_joints(self) -> JointCount:
        """Deprecated alias of :attr:`num_augmented_joints`."""
        return self.num_augmented_joints

    def transform(self, results: Dict) -> Dict:
        c = results['keypoint'].shape[-1]
        joints = _pick_joints(results, self.num_augmented_joints)
        matrix = np.random.uniform(-self.magnitude, self.magnitude, (c, c))
        results['keypoint'] = linear_map_joints(results['keypoint'],
                                                matrix.astype(np.float32),
                                                joints)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'num_augmented_joints={self.num_augmented_joints}, '
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
