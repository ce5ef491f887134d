"""OpenPose ``--write_json`` output -> per-frame people.

OpenPose writes one JSON file per frame, named
``<video>_<frame:012d>_keypoints.json``::

    {"version": 1.3,
     "people": [{"person_id": [-1],
                 "pose_keypoints_2d": [x0, y0, c0, x1, y1, c1, ...],
                 "face_keypoints_2d": [], ...}, ...]}

``pose_keypoints_2d`` holds V x (x, y, confidence) in pixels: V = 25 for
the BODY-25 model (layout ``'openpose-body25'``) and 18 for the COCO model
(layout ``'openpose'``). Undetected keypoints are ``0, 0, 0``.

Files are grouped into videos by the ``<video>`` prefix (a folder may hold
several videos; videos may also sit in sub-folders) and ordered by frame
number. A frame number with no file becomes a frame without people. Other
writers of the format name frames differently (``cam01.0030.json``): any
``*.json`` is read, its frame number being the last number in its name and
its video what comes before it.

A person entry with an empty or all-zero ``pose_keypoints_2d`` is no
detection: it is skipped (and counted where a counter is given), and the
frame and video are kept.
"""
import os
import os.path as osp
import re
from collections import Counter
from typing import Dict, List, Optional, Tuple

import numpy as np

from .pose2d import Frame, load_json, person_arrays, stack_frame

OPENPOSE_FILE = re.compile(
    r'^(?:(?P<video>.+)_)?(?P<frame>\d+)_keypoints\.json$')
# any other JSON frame: the last number of the name is the frame
NUMBERED_FILE = re.compile(
    r'^(?P<video>.*?)[._-]*(?P<frame>\d+)(?:[._-]?keypoints)?\.json$')
#: Keypoints per person of the OpenPose models.
OPENPOSE_JOINTS = {18: 'openpose', 25: 'openpose-body25'}


def read_openpose_frame(path: str,
                        num_joints: Optional[int] = None,
                        skipped: Optional[Counter] = None) -> Frame:
    """The people of one OpenPose JSON file.

    Args:
        path (str): The file.
        num_joints (int, optional): Keypoints per person (18 or 25); None
            accepts either, the same for every person.
        skipped (Counter, optional): Gets ``empty_people`` incremented for
            every empty or all-zero person entry, which is left out.

    Raises:
        ValueError: On invalid JSON or a malformed ``people`` list, naming
            the file and person.
    """
    obj = load_json(path)
    if not isinstance(obj, dict) or not isinstance(obj.get('people'), list):
        raise ValueError(f'{path}: expected an object with a "people" list '
                         '(OpenPose --write_json output)')
    people = []
    for i, person in enumerate(obj['people']):
        where = f'{path}: person {i}'
        flat = person.get('pose_keypoints_2d') \
            if isinstance(person, dict) else None
        if not isinstance(flat, list):
            raise ValueError(f'{where}: no "pose_keypoints_2d" list')
        if not flat or not any(flat):  # no detection, not a person
            if skipped is not None:
                skipped['empty_people'] += 1
            continue
        if len(flat) % 3:
            raise ValueError(f'{where}: pose_keypoints_2d has {len(flat)} '
                             'values, not a multiple of 3 (x, y, c)')
        v = len(flat) // 3
        try:
            # (V * 3, ) -> (V, 3): x, y, confidence per keypoint
            xyc = np.asarray(flat, dtype=np.float32).reshape(v, 3)
        except (TypeError, ValueError):
            raise ValueError(f'{where}: non-numeric pose_keypoints_2d') \
                from None
        if num_joints is None and v not in OPENPOSE_JOINTS:
            raise ValueError(f'{where}: {v} keypoints; OpenPose models give '
                             f'{sorted(OPENPOSE_JOINTS)}')
        people.append(person_arrays(xyc[:, :2], xyc[:, 2], num_joints, where))
        num_joints = v
    return stack_frame(people, num_joints or 0)


def find_openpose_videos(root: str) -> Dict[str, List[Tuple[int, str]]]:
    """``{video: [(frame number, path), ...]}`` for every
    ``*_keypoints.json`` below ``root`` (or, in a folder without those, every
    ``*.json`` with a number in its name), sorted by frame number. A file
    named only by its frame number belongs to the video named after its
    folder.

    Raises:
        ValueError: If no file is found (the message lists names that were
            found), or two folders hold a video of the same name.
    """
    videos: Dict[str, List[Tuple[int, str]]] = {}
    folder_of: Dict[str, str] = {}
    seen: List[str] = []
    for dirpath, _, files in sorted(os.walk(root)):
        openpose = any(OPENPOSE_FILE.match(f) for f in files)
        for file in sorted(files):
            seen.append(file)
            match = (OPENPOSE_FILE if openpose else NUMBERED_FILE).match(file)
            if match is None:
                continue
            name = match['video'] or osp.basename(osp.abspath(dirpath))
            if folder_of.setdefault(name, dirpath) != dirpath:
                raise ValueError(f'video {name!r} has frames in both '
                                 f'{folder_of[name]} and {dirpath}')
            videos.setdefault(name, []).append(
                (int(match['frame']), osp.join(dirpath, file)))
    if not videos:
        found = ', '.join(seen[:5]) + (' ...' if len(seen) > 5 else '')
        raise ValueError(
            f'no OpenPose frame files under {root}: expected '
            '<video>_<frame>_keypoints.json, or *.json named with a frame '
            f'number; found {found or "no files"}')
    return {k: sorted(v) for k, v in sorted(videos.items())}


def read_openpose_video(files: List[Tuple[int, str]],
                        num_joints: Optional[int] = None,
                        skipped: Optional[Counter] = None) -> List[Frame]:
    """The frames of one video from its ``(frame number, path)`` list;
    numbers from the first to the last file, a missing one as a frame
    without people (``skipped``: see :func:`read_openpose_frame`)."""
    frames: Dict[int, Frame] = {}
    for number, path in files:
        frames[number] = read_openpose_frame(path, num_joints, skipped)
        if len(frames[number][0]) and num_joints is None:
            num_joints = frames[number][0].shape[1]
    v = num_joints or 0
    empty = stack_frame([], v)
    out = []
    for number in range(files[0][0], files[-1][0] + 1):
        frame = frames.get(number, empty)
        if len(frame[0]) == 0:
            frame = empty  # a frame read before V was known has V = 0
        out.append(frame)
    return out
