from functools import partial
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

#: An axis: ``'x'``, ``'-y'``, ``'+z'`` ... or three numbers (normalised).
AxisSpec = Union[str, Sequence[float]]
ALIGNMENTS = ('shoulders', 'yaw')
#: One alignment step: the joint pair giving ``v`` (``None``: skipped) and
#: the function ``v -> (3, 3)`` rotation.
AlignStep = Tuple[Optional[Tuple[int, ...]], Callable[[np.ndarray],
                                                      np.ndarray]]


def axis_vector(spec: AxisSpec, name: str = 'axis') -> np.ndarray:
    """``'x'`` / ``'-y'`` / ``'+z'`` or a 3-vector -> a float64 unit
    vector ``(3,)``."""
    if isinstance(spec, str):
        key = spec.strip().lower()
        sign = -1. if key[:1] == '-' else 1.
        key = key[1:] if key[:1] in ('+', '-') else key
        if key not in ('x', 'y', 'z'):
            raise ValueError(f"{name} must be 'x', 'y' or 'z' with an "
                             f"optional sign, or 3 numbers, got {spec!r}")
        return sign * np.eye(3)['xyz'.index(key)]
    vec = np.asarray(spec, dtype=np.float64)
    norm = np.linalg.norm(vec) if vec.shape == (3, ) else 0.
    if not np.isfinite(norm) or norm < 1e-8:
        raise ValueError(f'{name} must be a non-zero 3-vector, got {spec!r}')
    return vec / norm


def rodrigues(k: np.ndarray, s: float, c: float) -> np.ndarray:
    """``R = I + s K + (1 - c) K^2``: the (3, 3) right-handed rotation by
    the angle with sine ``s`` and cosine ``c`` about the unit axis ``k``
    (``K`` its cross-product matrix, ``K x = k x x``)."""
    skew = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * skew + (1 - c) * skew @ skew


def rotation_onto(v: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The (3, 3) rotation about ``v x target`` that turns ``v`` onto the
    unit vector ``target`` (identity for a zero or already aligned vector,
    a half turn about an orthogonal axis for an opposite one)."""
    norm = np.linalg.norm(v)
    if norm < 1e-8:
        return np.eye(3)
    v = v / norm
    axis = np.cross(v, target)
    s, c = np.linalg.norm(axis), float(np.clip(v @ target, -1., 1.))
    if s < 1e-8:  # parallel (identity) or antiparallel (half turn)
        if c > 0:
            return np.eye(3)
        # about an axis orthogonal to target: the least aligned basis vector
        # made orthogonal (y for target x, x for target z)
        e = np.eye(3)[np.argmin(np.abs(target))]
        k = e - (e @ target) * target
        k = k / np.linalg.norm(k)
        return 2 * np.outer(k, k) - np.eye(3)
    return rodrigues(axis / s, s, c)


def rotation_about(v: np.ndarray, target: np.ndarray,
                   up: np.ndarray) -> np.ndarray:
    """The (3, 3) rotation about the unit axis ``up`` only (a yaw) that
    turns the projection of ``v`` onto the plane orthogonal to ``up`` onto
    the unit vector ``target`` (orthogonal to ``up``).

    With ``p = (v - (v . u) u) / |v - (v . u) u|`` the angle ``theta`` has
    ``sin = u . (p x target)`` and ``cos = p . target`` (right-handed about
    ``u``), so ``R p = target`` and ``R u = u``; an opposite projection
    gets a half turn about ``u``. A zero ``v``, or one parallel to ``up``
    (no projection), gives the identity.
    """
    p = v - (v @ up) * up
    norm = np.linalg.norm(p)
    if norm < 1e-8:
        return np.eye(3)
    p = p / norm
    s = float(up @ np.cross(p, target))
    c = float(np.clip(p @ target, -1., 1.))
    return rodrigues(up, s, c)


def rotation_to_x(v: np.ndarray) -> np.ndarray:
    """The (3, 3) rotation that turns ``v`` onto ``+x``."""
    return rotation_onto(v, np.array([1., 0., 0.]))


@TRANSFORMS.register_module()
class PreNormalize3DPerFrame(BaseTransform):
    """The NTU pre-normalisation used by USDRL (design.md §11.1).

    1. A person whose first frame is empty has its non-empty frames moved
       to the front; the frames after a person's last non-empty frame are
       filled by looping everything before it (``loop_pad``), also when a
       gap of empty frames lies in between, within ``total_frames``.
    2. Person 0's ``center_joint`` (spine middle) is subtracted **per
       frame** from every person; absent joints stay zero.
    3. Optionally (``zaxis``, off for NTU as in UmURL) the sequence is
       rotated so that person 0's ``zaxis[1] - zaxis[0]`` vector in frame 0
       points along +z: FoundSkelModel's UAV-Human setting is
       ``center_joint=1, zaxis=(11, 5), xaxis=None`` (left hip to left
       shoulder; design.md §11.4, §17 D13).
    4. The whole sequence (every frame and person) is rotated by one
       matrix computed from person 0's ``xaxis[1] - xaxis[0]`` vector
       ``v`` (left to right shoulder) in frame 0, i.e. the first non-empty
       frame after step 1, taken after steps 2-3. There is no scaling.

       - ``alignment='shoulders'`` (default; UmURL's rule, bit-identical to
         earlier versions): the minimal rotation, about ``v x e_x``, that
         turns ``v`` onto +x. Right for NTU subjects facing the Kinect;
         on y-up data of subjects facing any way it can tilt the body or,
         for a subject facing away with one shoulder higher, turn it
         upside down: for ``v`` near -x the axis ``v x e_x`` follows the
         small off-axis part of ``v``, and a height difference of the
         shoulders makes it the depth axis, whose half turn flips up.
       - ``alignment='yaw'``: a rotation about the declared ``up_axis``
         ``u`` only. The projection ``p = v - (v . u) u`` of the shoulder
         vector onto the plane orthogonal to ``u`` is turned onto
         ``right_axis`` ``r`` (default +x, which must be orthogonal to
         ``u``): ``R = I + sin(theta) K + (1 - cos(theta)) K^2`` with ``K``
         the cross-product matrix of ``u``, ``cos(theta) = p^ . r`` and
         ``sin(theta) = u . (p^ x r)``, so ``R u = u``: the up coordinate
         of every joint is unchanged (exactly so for an axis name) and a
         vertical spine stays vertical. Coordinates are right-handed; with
         ``u = +y`` and ``r = +x`` the subject faces ``u x r = -z``, as an
         NTU subject facing the Kinect. When ``v`` is parallel to ``u``
         (no projection) or zero (person 0 absent, or a shoulder missing
         in frame 0) the sequence is not rotated. ``zaxis`` would tilt
         the up axis, so it cannot be combined with this mode.

    MMAction2's ``PreNormalize3D`` differs: it subtracts one offset (frame 0)
    and aligns hip-to-spine with z by default. Padding to a fixed length is
    MMAction2's ``PadTo``; nothing here needs it, because every USDRL
    transform reads only the first ``total_frames`` frames.

    With one alignment axis (the NTU and the UAV-Human settings, or the yaw
    alignment) every step is a no-op on data it has already normalised, so
    annotations converted from pre-normalised arrays (UmURL /
    FoundSkelModel ``.npy``) and raw annotations can share one pipeline.

    Required Keys:

        - keypoint (M, T, V, 3)
        - total_frames

    Modified Keys:

        - keypoint (float32)

    Args:
        center_joint (int): Joint subtracted per frame.
        xaxis (tuple[int, int]): Joints whose difference is aligned with +x
            (``'shoulders'``) or whose horizontal part is turned onto
            ``right_axis`` (``'yaw'``); ``None`` skips the rotation.
        loop_pad (bool): Fill frames after a person's data by looping.
        zaxis (tuple[int, int], optional): Joints whose difference is aligned
            with +z before the x alignment; ``None`` (default) skips it.
            Only with ``alignment='shoulders'``.
        alignment (str): ``'shoulders'`` (default) or ``'yaw'``, see step 4.
        up_axis (str | sequence[float], optional): The data's up direction,
            needed by ``'yaw'``: ``'x'``, ``'y'``, ``'z'`` with an optional
            sign (``'-y'``) or three numbers such as ``(0, 1, 0)``;
            ``'y'`` for Kinect (NTU, PKU-MMD) and most motion capture.
        right_axis (str | sequence[float]): Where ``'yaw'`` turns the
            shoulder line's projection; orthogonal to ``up_axis``.
            Defaults to ``'x'``.
    """

    def __init__(self,
                 center_joint: int = 1,
                 xaxis: Optional[Sequence[int]] = (4, 8),
                 loop_pad: bool = True,
                 zaxis: Optional[Sequence[int]] = None,
                 alignment: str = 'shoulders',
                 up_axis: Optional[AxisSpec] = None,
                 right_axis: AxisSpec = 'x') -> None:
        if alignment not in ALIGNMENTS:
            raise ValueError(f'alignment must be one of {ALIGNMENTS}, got '
                             f'{alignment!r}')
        self.center_joint = center_joint
        self.xaxis = tuple(xaxis) if xaxis is not None else None
        self.zaxis = tuple(zaxis) if zaxis is not None else None
        self.loop_pad = loop_pad
        self.alignment = alignment
        self.up_axis = up_axis
        self.right_axis = right_axis
        if alignment == 'shoulders':
            if up_axis is not None or not (isinstance(right_axis, str)
                                           and right_axis in ('x', '+x')):
                raise ValueError(
                    "up_axis and right_axis are used by alignment='yaw' "
                    "only; alignment='shoulders' always aligns with +x")
            return
        if up_axis is None:
            raise ValueError("alignment='yaw' needs the data's up_axis, e.g. "
                             "'y' for Kinect or y-up motion capture")
        if self.zaxis is not None:
            raise ValueError("zaxis tilts the up axis; alignment='yaw' keeps "
                             'it fixed, so set zaxis=None')
        self._up = axis_vector(up_axis, 'up_axis')
        self._right = axis_vector(right_axis, 'right_axis')
        if abs(self._up @ self._right) > 1e-6:
            raise ValueError(f'right_axis {right_axis!r} must be orthogonal '
                             f'to up_axis {up_axis!r}')

    @staticmethod
    def _front_and_loop(person: np.ndarray, loop_pad: bool) -> np.ndarray:
        """(T, V, C) -> (T, V, C) with empty leading frames removed and the
        tail looped."""
        filled = np.abs(person).sum(axis=(1, 2)) > 0
        if not filled.any():
            return person
        if not filled[0]:
            data = person[filled]
            person = np.zeros_like(person)
            person[:len(data)] = data
            filled = np.abs(person).sum(axis=(1, 2)) > 0
        # the empty tail after the last filled frame is filled by looping
        # everything before it, empty frames of a gap in the middle included
        # (the rule of the pre-normalisation of the 2s-AGCN / UmURL code)
        end = int(np.flatnonzero(filled)[-1]) + 1
        if loop_pad and end < len(person):
            rest = len(person) - end
            reps = int(np.ceil(rest / end))
            person[end:] = np.concatenate([person[:end]] * reps)[:rest]
        return person

    def rotations(self) -> List[AlignStep]:
        """The alignment steps in order: ``(joint pair, v -> (3, 3)
        rotation)``, a ``None`` pair for a skipped step."""
        if self.alignment == 'yaw':
            yaw = partial(rotation_about, target=self._right, up=self._up)
            return [(self.xaxis, yaw)]
        e_x, _, e_z = np.eye(3)
        return [(self.zaxis, partial(rotation_onto, target=e_z)),
                (self.xaxis, partial(rotation_onto, target=e_x))]

    def transform(self, results: Dict) -> Dict:
        kp = results['keypoint'].astype(np.float32, copy=True)
        if kp.shape[-1] != 3:
            raise ValueError('PreNormalize3DPerFrame needs 3D keypoints, got '
                             f'C={kp.shape[-1]}')
        t = min(int(results['total_frames']), kp.shape[1])
        valid = kp[:, :t]  # a view: edits below change kp
        for m in range(valid.shape[0]):
            valid[m] = self._front_and_loop(valid[m], self.loop_pad)

        # (T, 1, 3): the centre of person 0 in every frame
        center = valid[0, :, self.center_joint:self.center_joint + 1].copy()
        present = np.abs(valid).sum(-1, keepdims=True) > 0  # (M, T, V, 1)
        valid[:] = (valid - center[None]) * present

        for axis, rotation in self.rotations():
            if axis is None:
                continue
            # (3,): person 0's joint pair in frame 0, after the rotations
            # before this one; one matrix turns every frame and person
            v = valid[0, 0, axis[1]] - valid[0, 0, axis[0]]
            rot = rotation(v).astype(np.float32)
            valid[:] = valid @ rot.T
        results['keypoint'] = kp
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(center_joint='
                f'{self.center_joint}, xaxis={self.xaxis}, '
                f'loop_pad={self.loop_pad}, zaxis={self.zaxis}, '
                f'alignment={self.alignment!r}, up_axis={self.up_axis!r}, '
                f'right_axis={self.right_axis!r})')
