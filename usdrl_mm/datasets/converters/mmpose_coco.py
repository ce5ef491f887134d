"""MMPose / MMAction2-demo COCO-17 results -> per-frame people.

One file per video, JSON or pickle, in any of the forms MMPose and
MMAction2 produce:

- a list with one entry per frame, each entry being
    - a list of instances ``{'keypoints': (17, 2), 'keypoint_scores':
      (17, )}`` (the MMAction2 skeleton-demo format; ``keypoints`` of shape
      (17, 3) carry the score in the last column),
    - a dict ``{'frame_id': i, 'instances': [...]}`` (the JSON written by
      MMPose's inferencer with ``--pred-out-dir``), or
    - a result dict with arrays ``keypoints (N, 17, 2)`` and
      ``keypoint_scores (N, 17)`` (the pickled list of
      ``mmaction.apis.pose_inference`` / MMPose ``pred_instances`` dicts);
- a dict with ``instance_info`` holding that list (MMPose's
  ``topdown_demo_with_mmdet.py --save-predictions``).

Other fields (``bbox``, ``bbox_score``, ``meta_info``) are ignored.
"""
import os.path as osp
import pickle
from typing import Any, List, Optional, Sequence

import numpy as np

from usdrl_mm.fileio import UntrustedPickleError, load_pickle
from .pose2d import Frame, load_json, person_arrays, stack_frame

COCO17_JOINTS = 17


def _instances(entry: Any, num_joints: Optional[int],
               where: str) -> List[tuple]:
    """The checked people of one frame entry."""
    if isinstance(entry, dict) and 'instances' in entry:
        entry = entry['instances']
    if hasattr(entry, 'pred_instances'):  # an unpickled PoseDataSample
        inst = entry.pred_instances
        entry = dict(
            keypoints=np.asarray(inst.keypoints),
            keypoint_scores=np.asarray(inst.keypoint_scores))
    if isinstance(entry, dict):  # arrays of all people of the frame
        if 'keypoints' not in entry:
            raise ValueError(f'{where}: a frame dict needs "instances" or '
                             f'"keypoints", got keys {sorted(entry)}')
        kps = np.asarray(entry['keypoints'], dtype=np.float32)
        if kps.size == 0:
            return []
        if kps.ndim != 3:
            raise ValueError(f'{where}: keypoints of shape {kps.shape}; '
                             'expected (N, V, 2)')
        scores = entry.get('keypoint_scores')
        entry = [
            dict(
                keypoints=k,
                keypoint_scores=None if scores is None else scores[i])
            for i, k in enumerate(kps)
        ]
    if not isinstance(entry, (list, tuple)):
        raise ValueError(f'{where}: expected a list of instances, got '
                         f'{type(entry).__name__}')
    people = []
    for i, inst in enumerate(entry):
        at = f'{where} instance {i}'
        if not isinstance(inst, dict) or 'keypoints' not in inst:
            raise ValueError(f'{at}: expected a dict with "keypoints"')
        kp = np.asarray(inst['keypoints'], dtype=np.float32)
        score = inst.get('keypoint_scores')
        if score is None:
            if kp.ndim != 2 or kp.shape[-1] != 3:
                raise ValueError(f'{at}: no "keypoint_scores" and keypoints '
                                 f'of shape {kp.shape} carry no score column')
            kp, score = kp[:, :2], kp[:, 2]
        people.append(person_arrays(kp, score, num_joints, at))
    return people


def frames_from_mmpose(
        obj: Any,
        source: str,
        num_joints: Optional[int] = COCO17_JOINTS) -> List[Frame]:
    """The frames of one loaded MMPose / MMAction2 result object.

    Args:
        obj: The loaded file (see the module docstring for the forms).
        source (str): Its name for error messages.
        num_joints (int, optional): Keypoints per person (17 for COCO);
            None accepts any count that is the same for every person.

    Raises:
        ValueError: On an unknown structure or inconsistent shapes, naming
            the frame and instance.
    """
    if isinstance(obj, dict) and 'instance_info' in obj:
        obj = obj['instance_info']
    if not isinstance(obj, (list, tuple)):
        raise ValueError(f'{source}: expected a list with one entry per '
                         'frame (or a dict with "instance_info"), got '
                         f'{type(obj).__name__}')
    if not obj:
        raise ValueError(f'{source}: no frames')
    per_frame: List[Sequence[tuple]] = []
    for t, entry in enumerate(obj):
        people = _instances(entry, num_joints, f'{source}: frame {t}')
        if people and num_joints is None:
            num_joints = people[0][0].shape[0]  # the rest must agree
        per_frame.append(people)
    if num_joints is None:
        num_joints = COCO17_JOINTS  # no person anywhere; shape is moot
    return [stack_frame(people, num_joints) for people in per_frame]


def read_mmpose_file(path: str,
                     num_joints: Optional[int] = COCO17_JOINTS,
                     trust_pickle: bool = False) -> List[Frame]:
    """Load a ``.json`` or ``.pkl`` result file and return its frames.

    A ``.pkl`` is read with the data-only unpickler unless ``trust_pickle``
    (pickled ``PoseDataSample`` objects need it: they name MMPose classes,
    and a pickle that names classes can run code when loaded).
    """
    ext = osp.splitext(path)[1].lower()
    if ext == '.json':
        obj = load_json(path)
    elif ext in ('.pkl', '.pickle'):
        try:
            obj = load_pickle(path, trust=trust_pickle)
        except UntrustedPickleError:
            raise
        except (pickle.UnpicklingError, EOFError) as e:
            raise ValueError(f'{path}: not a readable pickle '
                             f'({e})') from None
    else:
        raise ValueError(f'{path}: expected a .json or .pkl file')
    return frames_from_mmpose(obj, path, num_joints)
