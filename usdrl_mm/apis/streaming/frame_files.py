"""Per-frame pose-estimator files, read one at a time as a live stream
would deliver them.

- OpenPose ``--write_json``: one ``<video>_<frame:012d>_keypoints.json``
  per frame (read by
  :func:`~usdrl_mm.datasets.converters.openpose.read_openpose_frame`);
- MMPose per-image results: one ``.json`` per frame holding the frame's
  instances, a list of ``{'keypoints', 'keypoint_scores'}`` (what the MMPose
  inferencer writes per image with ``--pred-out-dir``) or a dict with
  ``instances`` (read by
  :func:`~usdrl_mm.datasets.converters.frames_from_mmpose`).

Files are found and ordered as the offline reader does
(:func:`~usdrl_mm.datasets.converters.find_openpose_videos`: grouped into
videos by name, ordered by the frame number in the name; a missing number
is a frame without people). A single MMPose / MMAction2 results file of a
whole video may be replayed too.
"""
import os.path as osp
from typing import Dict, Iterator, List, Optional, Tuple

import numpy as np

from usdrl_mm.datasets.converters import (find_openpose_videos,
                                          frames_from_mmpose)
from usdrl_mm.datasets.converters.mmpose_coco import COCO17_JOINTS
from usdrl_mm.datasets.converters.openpose import read_openpose_frame
from usdrl_mm.datasets.converters.pose2d import Frame, load_json

#: The layout a frame format fixes by its keypoint count (None: the
#: caller must name it, as ``load_skeletons`` asks for 25-joint OpenPose).
FIXED_LAYOUTS: Dict[Tuple[str, int], str] = {
    ('openpose', 18): 'openpose',
    ('mmpose', COCO17_JOINTS): 'coco'
}


def read_pose_frame(path: str,
                    num_joints: Optional[int] = None) -> Tuple[Frame, str]:
    """The people of one per-frame JSON file and its format.

    Args:
        path (str): An OpenPose or MMPose per-frame ``.json``.
        num_joints (int, optional): Keypoints per person, checked; None
            accepts what the file has.

    Returns:
        tuple: ``((keypoints (N, V, 2), scores (N, V)), format)`` with
        format ``'openpose'`` or ``'mmpose'``.

    Raises:
        ValueError: On a file of neither format, naming it.
    """
    content = load_json(path)
    if isinstance(content, dict) and 'people' in content:
        return read_openpose_frame(path, num_joints), 'openpose'
    if isinstance(content, list) or (isinstance(content, dict)
                                     and 'instances' in content):
        frame = frames_from_mmpose([content], path, num_joints)[0]
        return frame, 'mmpose'
    raise ValueError(f'{path}: not a per-frame OpenPose file (a "people" '
                     'list) or MMPose result (a list of instances, or a '
                     'dict with "instances")')


def frame_files(folder: str, video: Optional[str] = None) -> List[str]:
    """The frame files of one video in ``folder``, in frame order, with
    ``''`` for a frame number that has no file.

    Raises:
        ValueError: No frame file, an unknown ``video``, or several videos
            without ``video`` (the message lists them).
    """
    videos = find_openpose_videos(folder)
    if video is None:
        if len(videos) > 1:
            names = ', '.join(repr(v) for v in list(videos)[:10])
            raise ValueError(f'{folder} holds {len(videos)} videos ({names}); '
                             'pick one (--video)')
        video = next(iter(videos))
    if video not in videos:
        raise ValueError(f'{folder}: no video {video!r}; it holds '
                         f'{", ".join(repr(v) for v in videos)}')
    numbered = dict(videos[video])
    first, last = min(numbered), max(numbered)
    return [numbered.get(i, '') for i in range(first, last + 1)]


def replay_frames(source: str,
                  video: Optional[str] = None,
                  num_joints: Optional[int] = None
                  ) -> Iterator[Tuple[Frame, Optional[str]]]:
    """Yield ``(frame, fixed layout)`` for every frame of a folder of
    per-frame files, or of a whole-video MMPose results file.

    The fixed layout is the one the format and keypoint count name
    (:data:`FIXED_LAYOUTS`), else None; a frame without people is
    ``(zeros (0, V, 2), zeros (0, V))``.
    """
    if osp.isfile(source):
        frames = frames_from_mmpose(load_json(source), source, num_joints)
        for frame in frames:
            v = frame[0].shape[1] if frame[0].ndim == 3 else 0
            yield frame, FIXED_LAYOUTS.get(('mmpose', v))
        return
    v = num_joints or 0
    for path in frame_files(source, video):
        if not path:  # a frame number without a file: nobody
            yield (np.zeros((0, v, 2), np.float32), np.zeros((0, v),
                                                             np.float32)), None
            continue
        frame, fmt = read_pose_frame(path, num_joints)
        if len(frame[0]):
            v = frame[0].shape[1]
        yield frame, FIXED_LAYOUTS.get((fmt, v))
