from typing import Dict, Optional, Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


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
    k = axis / s
    skew = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + s * skew + (1 - c) * skew @ skew  # Rodrigues


def rotation_to_x(v: np.ndarray) -> np.ndarray:
    """The (3, 3) rotation that turns ``v`` onto ``+x``."""
    return rotation_onto(v, np.array([1., 0., 0.]))


@TRANSFORMS.register_module()
class PreNormalize3DPerFrame(BaseTransform):
    """The NTU pre-normalisation used by USDRL (SPEC §11.1).

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
       shoulder; SPEC §11.4, §17 D13).
    4. The sequence is rotated so that person 0's ``xaxis[1] - xaxis[0]``
       vector (left to right shoulder) in frame 0 points along +x. There is
       no scaling.

    MMAction2's ``PreNormalize3D`` differs: it subtracts one offset (frame 0)
    and aligns hip-to-spine with z by default. Padding to a fixed length is
    MMAction2's ``PadTo``; nothing here needs it, because every USDRL
    transform reads only the first ``total_frames`` frames.

    With one alignment axis (the NTU and the UAV-Human settings) every step
    is a no-op on data it has already normalised, so annotations converted
    from pre-normalised arrays (UmURL / FoundSkelModel ``.npy``) and raw
    annotations can share one pipeline.

    Required Keys:

        - keypoint (M, T, V, 3)
        - total_frames

    Modified Keys:

        - keypoint (float32)

    Args:
        center_joint (int): Joint subtracted per frame.
        xaxis (tuple[int, int]): Joints whose difference is aligned with +x;
            ``None`` skips the rotation.
        zaxis (tuple[int, int], optional): Joints whose difference is aligned
            with +z before the x alignment; ``None`` (default) skips it.
        loop_pad (bool): Fill frames after a person's data by looping.
    """

    def __init__(self,
                 center_joint: int = 1,
                 xaxis: Optional[Sequence[int]] = (4, 8),
                 loop_pad: bool = True,
                 zaxis: Optional[Sequence[int]] = None) -> None:
        self.center_joint = center_joint
        self.xaxis = tuple(xaxis) if xaxis is not None else None
        self.zaxis = tuple(zaxis) if zaxis is not None else None
        self.loop_pad = loop_pad

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
            reps = int(np.ceil((len(person) - end) / end))
            person[end:] = np.concatenate([person[:end]] *
                                          reps)[:len(person) - end]
        return person

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

        for axis, target in ((self.zaxis, (0., 0., 1.)), (self.xaxis, (1., 0.,
                                                                       0.))):
            if axis is None:
                continue
            v = valid[0, 0, axis[1]] - valid[0, 0, axis[0]]
            rot = rotation_onto(v, np.array(target)).astype(np.float32)
            valid[:] = valid @ rot.T
        results['keypoint'] = kp
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(center_joint='
                f'{self.center_joint}, xaxis={self.xaxis}, '
                f'loop_pad={self.loop_pad}, zaxis={self.zaxis})')
