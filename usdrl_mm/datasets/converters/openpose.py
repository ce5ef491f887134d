"""OpenPose ``--write_json`` output -> per-frame people.

OpenPose writes one JSON file per frame, named
``<video>_<frame:012d>_keypoints.json``::

    {"version": 1.3,
     "people": [{"person_id": [-1],
                 "pose_keypoints_2d": [x0, y0, c0, x1, y1, c1, ...],
                 "face_keypoints_2d": [], ...}, ...]}

``pose_keypoints_2d`` holds V x (x, y, confidence) in pixels: V = 18 for
the COCO model (layout ``'openpose'``) and 25 for both the BODY_25 model
(``'openpose-body25'``) and the experimental BODY_25B model
(``'openpose-body25b'``), whose joints differ and come in another order.
Undetected keypoints are ``0, 0, 0``.

**Which 25-joint model** (:func:`detect_openpose_layout`), unless the
caller names the layout: the output of each model is tested against the
anatomy of both orders, over every detected person of the videos.

- BODY_25: the neck (1) lies at the midpoint of the shoulders (2, 5), the
  mid hip (8) at the midpoint of the hips (9, 12), and the eyes (15, 16)
  by the nose (0).
- BODY_25B: the eyes (1, 2) lie by the nose (0), and the upper neck (17)
  by the midpoint of the shoulders (5, 6).

Each test is a distance divided by the shoulder width of that order (2-5
or 5-6), measured in every person where all the joints it involves have a
positive score; its median over those persons, divided by the test's
limit (:data:`LAYOUT_TESTS`), must be at most 1. A layout *fits* when it
passes all its tests that were measured in at least
:data:`MIN_DETECTIONS` persons (and at least one was); its *misfit* is the
largest of those ratios. A layout is chosen when it is the only one that
fits and any other measured layout misfits by at least :data:`MARGIN`
times as much; otherwise (neither fits, both fit, too few persons with the
joints, or a close call) the layout is refused with a message naming the
candidates and the ``--layout`` / ``layout=`` fix. The people of another
layout's order fail by far: BODY_25B's ankles are BODY_25's eyes, and
BODY_25's neck and right shoulder are BODY_25B's eyes.

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
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from usdrl_mm.structures import get_layout
from .pose2d import Frame, load_json, person_arrays, stack_frame

OPENPOSE_FILE = re.compile(
    r'^(?:(?P<video>.+)_)?(?P<frame>\d+)_keypoints\.json$')
# any other JSON frame: the last number of the name is the frame
NUMBERED_FILE = re.compile(
    r'^(?P<video>.*?)[._-]*(?P<frame>\d+)(?:[._-]?keypoints)?\.json$')
#: The layouts of the OpenPose models by keypoints per person; a count with
#: several is told apart by :func:`detect_openpose_layout`.
OPENPOSE_LAYOUTS: Dict[int, Tuple[str, ...]] = {
    18: ('openpose', ),
    25: ('openpose-body25', 'openpose-body25b')
}
#: One geometry test: ``(joint, reference joints, limit)``, passed when the
#: joint lies within ``limit`` shoulder widths of the mean of the references.
LayoutTest = Tuple[str, Tuple[str, ...], float]
#: Per 25-joint layout: its shoulders (the unit of length) and its tests.
#: The limits are estimates from body proportions (not fitted to recorded
#: output), with room for the estimator's scatter and turned or bent heads:
#: BODY_25's neck and mid hip are the midpoints of the shoulders and hips
#: (0.25), the eyes sit about 0.1-0.2 shoulder widths from the nose in a
#: frontal view (0.5), and BODY_25B's upper neck roughly a quarter of a
#: shoulder width above the shoulder line (0.75).
LAYOUT_TESTS: Dict[str, Tuple[Tuple[str, str], Tuple[LayoutTest, ...]]] = {
    'openpose-body25': (('right_shoulder', 'left_shoulder'), (
        ('neck', ('right_shoulder', 'left_shoulder'), 0.25),
        ('mid_hip', ('right_hip', 'left_hip'), 0.25),
        ('right_eye', ('nose', ), 0.5),
        ('left_eye', ('nose', ), 0.5),
    )),
    'openpose-body25b': (('left_shoulder', 'right_shoulder'), (
        ('left_eye', ('nose', ), 0.5),
        ('right_eye', ('nose', ), 0.5),
        ('upper_neck', ('left_shoulder', 'right_shoulder'), 0.75),
    )),
}  # yapf: disable
#: Fewest persons a test must be measured in to count.
MIN_DETECTIONS = 3
#: How many times worse than the chosen layout another must fit.
MARGIN = 2.0


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
        if num_joints is None and v not in OPENPOSE_LAYOUTS:
            raise ValueError(f'{where}: {v} keypoints; OpenPose models give '
                             f'{sorted(OPENPOSE_LAYOUTS)}')
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


def layout_misfit(keypoint: np.ndarray, score: np.ndarray,
                  layout: str) -> Tuple[Optional[float], int]:
    """How badly detected people fit a layout of :data:`LAYOUT_TESTS`.

    Args:
        keypoint (np.ndarray): ``(..., V, 2)`` keypoints of any number of
            detected people (e.g. ``(M, T, V, 2)`` of an annotation).
        score (np.ndarray): ``(..., V)`` their scores; a joint with a score
            of 0 is undetected.
        layout (str): A layout of :data:`LAYOUT_TESTS`.

    Returns:
        tuple: The misfit (the largest median-to-limit ratio of the tests
        measured in :data:`MIN_DETECTIONS` people or more; at most 1
        fits), None when no test was, and the most people a test was
        measured in.
    """
    names = get_layout(layout).joint_names
    (s0, s1), tests = LAYOUT_TESTS[layout]
    shoulders = [names.index(s0), names.index(s1)]
    v = len(names)
    # (..., V, 2) -> (P, V, 2) and (..., V) -> (P, V): one row per person
    kp = np.asarray(keypoint, np.float64).reshape(-1, v, 2)
    sc = np.asarray(score, np.float64).reshape(-1, v)
    width = np.linalg.norm(kp[:, shoulders[0]] - kp[:, shoulders[1]], axis=1)
    misfit, measured = None, 0
    for joint, refs, limit in tests:
        j, r = names.index(joint), [names.index(n) for n in refs]
        used = (sc[:, [j] + r + shoulders] > 0).all(1) & (width > 0)
        measured = max(measured, int(used.sum()))
        if used.sum() < MIN_DETECTIONS:
            continue
        # (P, 2) distance of the joint to the mean of its references
        dist = np.linalg.norm(kp[used, j] - kp[used][:, r].mean(1), axis=1)
        ratio = float(np.median(dist / width[used])) / limit
        misfit = ratio if misfit is None else max(misfit, ratio)
    return misfit, measured


def _choose(misfits: Dict[str, Optional[float]]) -> Optional[str]:
    """The one fitting layout, if every other misfits by :data:`MARGIN`
    times as much or was not measured; else None."""
    fitting = [n for n, m in misfits.items() if m is not None and m <= 1]
    if len(fitting) != 1:
        return None
    best = fitting[0]
    for name, misfit in misfits.items():
        if name != best and misfit is not None \
                and misfit < MARGIN * misfits[best]:
            return None
    return best


def detect_openpose_layout(annotations: Sequence[Dict], where: str) -> str:
    """The layout of converted OpenPose videos, by the rule of the module
    docstring for 25 joints.

    Args:
        annotations (list[dict]): The videos, each with ``frame_dir``,
            ``keypoint (M, T, V, 2)`` and ``keypoint_score (M, T, V)``.
        where (str): The input (folder) in messages.

    Returns:
        str: ``'openpose'``, ``'openpose-body25'`` or
        ``'openpose-body25b'``.

    Raises:
        ValueError: If the videos have different or non-OpenPose joint
            counts, if two videos each fit another 25-joint layout, or if
            the rule cannot tell the layout of all the videos together;
            the last message names the candidates and the fix (name the
            layout).
    """
    if not annotations:
        raise ValueError(f'{where}: no video to tell the OpenPose model of')
    counts = sorted({np.shape(a['keypoint'])[-2] for a in annotations})
    if len(counts) > 1:
        raise ValueError(f'{where}: videos with {counts} keypoints per '
                         'person, the output of different OpenPose models; '
                         'convert each model\'s videos separately')
    candidates = OPENPOSE_LAYOUTS.get(counts[0])
    if candidates is None:
        raise ValueError(f'{where}: {counts[0]} keypoints per person; '
                         f'OpenPose models give {sorted(OPENPOSE_LAYOUTS)}')
    if len(candidates) == 1:
        return candidates[0]

    # (M, T, V, 2) -> (M * T, V, 2) of every video, one row per person
    people = [(np.reshape(a['keypoint'], (-1, counts[0], 2)),
               np.reshape(a['keypoint_score'], (-1, counts[0])))
              for a in annotations]
    names = ' and '.join(repr(n) for n in candidates)
    fix = (f'name the layout: --layout {candidates[0]} (or '
           f'{candidates[1]}) for tools/data/convert_pose2d.py, '
           f"layout='{candidates[0]}' for load_skeletons")
    chosen_by: Dict[str, str] = {}  # layout -> the first video that fits it
    for anno, (kp, score) in zip(annotations, people):
        own = _choose({n: layout_misfit(kp, score, n)[0] for n in candidates})
        if own is not None:
            chosen_by.setdefault(own, str(anno.get('frame_dir')))
    if len(chosen_by) > 1:
        told = ', '.join(f'video {v!r} fits {n!r}'
                         for n, v in chosen_by.items())
        raise ValueError(f'{where}: {told}: the input mixes the output of '
                         'two OpenPose models; convert each model\'s videos '
                         'separately')
    found = {
        n:
        layout_misfit(
            np.concatenate([p[0] for p in people]),
            np.concatenate([p[1] for p in people]), n)
        for n in candidates
    }
    chosen = _choose({n: m for n, (m, _) in found.items()})
    if chosen is None:
        told = '; '.join(f'{n}: ' +
                         (f'misfit {m:.2f}' if m is not None else
                          f'too few people with the joints of its tests ({k}, '
                          f'fewer than {MIN_DETECTIONS})')
                         for n, (m, k) in found.items())
        raise ValueError(
            f'{where}: {counts[0]} keypoints per person, which OpenPose '
            f'writes for two models with different joint orders, {names}, '
            'and the geometry of the people does not tell which (a layout '
            'is chosen when it alone has a misfit of at most 1 and the '
            f'other\'s is {MARGIN:g} times as large or more; {told}); {fix}')
    return chosen
