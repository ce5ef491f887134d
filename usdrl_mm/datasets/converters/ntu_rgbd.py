"""NTU RGB+D 60 / 120 raw ``.skeleton`` files -> PoseDataset pickles
(design.md §11.1).

File format (Kinect v2 text, one file per sample, named
``SsssCcccPpppRrrrAaaa.skeleton``: setup, camera, performer, replication,
action)::

    <number of frames>
    per frame:
        <number of bodies>
        per body:
            10 values: bodyID clipedEdges handLeftConfidence handLeftState
                       handRightConfidence handRightState isResticted leanX
                       leanY trackingState
            <number of joints> (25)
            per joint, 12 values: x y z depthX depthY colorX colorY
                                  orientationW orientationX orientationY
                                  orientationZ trackingState

Only the camera-space ``x y z`` (metres) are kept. A body is followed
across frames by its ``bodyID``.

**Body selection** (documented rule, close to the denoising of the
MMAction2 / CTR-GCN NTU generators and to UmURL's energy ranking):

1. Bodies seen in fewer than ``min_body_frames`` frames are dropped (Kinect
   produces short-lived ghost bodies) unless every body is that short, then
   the longest one is kept.
2. The *activity* of a body is the summed variance of its joint positions
   over the frames where it is present: ``sum_{v, c} Var_t x[t, v, c]``.
3. Bodies are taken in order of decreasing activity; each goes into the
   first person slot whose frames it does not overlap (a body whose ID
   changed mid-sequence continues its slot), or into a new slot while
   fewer than ``max_bodies`` exist; any other body is discarded.
4. Person 0 is the slot of the most active body. Frames where a slot has no
   body are zeros.

``body_selection='original'`` instead reproduces the preparation the
published USDRL numbers were obtained on (UmURL's arrays, made by the
2s-AGCN reader): person slots by the order of the bodies in each frame,
the two of highest motion energy kept (:func:`select_bodies_by_order`).
Pre-normalising its output with ``PreNormalize3DPerFrame`` then gives that
preparation's input, loop padding included.

Samples whose file holds no body in any frame (NTU's "samples with missing
skeletons") are skipped and counted, as are names from an ignore list.
Coordinates are stored raw; the USDRL normalisation is the pipeline
transform ``PreNormalize3DPerFrame``.
"""
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

import numpy as np

from .report import ConversionReport

NUM_JOINTS = 25
BODY_INFO_VALUES = 10
JOINT_VALUES = 12
NTU_NAME = re.compile(r'^S(\d{3})C(\d{3})P(\d{3})R(\d{3})A(\d{3})$')

#: Cross-subject training performers of NTU-60 (design.md §11.1).
NTU60_XSUB_TRAIN = (1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28,
                    31, 34, 35, 38)
#: NTU-120 adds these performers to the cross-subject training set.
NTU120_XSUB_TRAIN = NTU60_XSUB_TRAIN + (
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82,
    83, 84, 85, 86, 89, 91, 92, 93, 94, 95, 97, 98, 100, 103)
#: Cross-view training cameras (camera 1 is validation).
XVIEW_TRAIN_CAMERAS = (2, 3)
#: The last setup and action id of NTU-60 (NTU-120 goes to 32 and 120).
NTU60_MAX_SETUP, NTU60_MAX_ACTION = 17, 60
PROTOCOLS = {'ntu60': ('xsub', 'xview'), 'ntu120': ('xsub', 'xset')}

#: Body-selection rules of :func:`convert_ntu_rgbd`.
BODY_SELECTIONS = ('tracked', 'original')


@dataclass(frozen=True)
class NTUName:
    """The ids encoded in an NTU sample name (all 1-based)."""

    setup: int
    camera: int
    performer: int
    replication: int
    action: int

    @property
    def label(self) -> int:
        """0-based class index (``A001`` -> 0)."""
        return self.action - 1


def parse_ntu_name(name: str) -> NTUName:
    """``'S001C002P003R002A013'`` (with or without ``.skeleton``) ->
    :class:`NTUName`."""
    stem = osp.basename(name)
    if stem.endswith('.skeleton'):
        stem = stem[:-len('.skeleton')]
    match = NTU_NAME.match(stem)
    if match is None:
        raise ValueError(f'{name}: not an NTU sample name '
                         '(SsssCcccPpppRrrrAaaa)')
    return NTUName(*(int(g) for g in match.groups()))


@dataclass
class BodyTrack:
    """One Kinect body followed through a file by its ``bodyID``."""

    body_id: str
    frames: np.ndarray  # (n, ) int64 frame indices, increasing
    joints: np.ndarray  # (n, V, 3) float32 camera coordinates
    # (n, ) int64: the body's place among the bodies of each of its frames
    positions: Optional[np.ndarray] = None

    @property
    def activity(self) -> float:
        """Summed variance of the joint positions over the body's frames."""
        return float(self.joints.var(axis=0).sum())


class _Lines:
    """Numbered lines of a text file with errors that name file and line."""

    def __init__(self, path: str) -> None:
        self.path = path
        with open(path) as f:
            self.lines = f.read().splitlines()
        self.pos = 0

    def error(self, message: str, line: Optional[int] = None) -> ValueError:
        line = self.pos if line is None else line
        return ValueError(f'{self.path}:{line}: {message}')

    def values(self, what: str) -> List[str]:
        """The fields of the next line."""
        if self.pos >= len(self.lines):
            raise ValueError(f'{self.path}:{self.pos + 1}: file ends early, '
                             f'expected {what}')
        self.pos += 1
        return self.lines[self.pos - 1].split()

    def count(self, what: str) -> int:
        fields = self.values(what)
        if len(fields) != 1:
            raise self.error(f'expected {what} (one integer), got '
                             f'{len(fields)} values')
        try:
            value = int(fields[0])
        except ValueError:
            raise self.error(f'expected {what}, got {fields[0]!r}') from None
        if value < 0:
            raise self.error(f'{what} is negative ({value})')
        return value

    def floats(self, what: str, n: int) -> np.ndarray:
        fields = self.values(what)
        if len(fields) != n:
            raise self.error(f'expected {n} values ({what}), got '
                             f'{len(fields)}')
        try:
            return np.asarray(fields, dtype=np.float64)
        except ValueError:
            raise self.error(f'non-numeric value in {what}: '
                             f'{" ".join(fields)!r}') from None


def read_ntu_skeleton(
        path: str,
        num_joints: Optional[int] = NUM_JOINTS) -> Tuple[int, List[BodyTrack]]:
    """Parse one ``.skeleton`` file.

    Args:
        path (str): The file.
        num_joints (int, optional): Joints every body must have (25 for
            NTU); None accepts any count that is the same for all bodies.

    Returns:
        tuple: The number of frames T and the bodies in order of first
        appearance. A body ID seen twice in one frame gets a second track
        (``'<id>#1'``).

    Raises:
        ValueError: On a malformed file, naming the file and line.
    """
    lines = _Lines(path)
    num_frames = lines.count('the number of frames')
    frames: Dict[str, List[int]] = {}
    joints: Dict[str, List[np.ndarray]] = {}
    positions: Dict[str, List[int]] = {}
    for t in range(num_frames):
        num_bodies = lines.count(f'the number of bodies of frame {t}')
        seen: Dict[str, int] = {}
        for position in range(num_bodies):
            info = lines.values('a body line of 10 values')
            if len(info) != BODY_INFO_VALUES:
                raise lines.error(f'expected {BODY_INFO_VALUES} body values '
                                  f'(bodyID ... trackingState), got '
                                  f'{len(info)}')
            body_id = info[0]
            key = body_id if body_id not in seen else \
                f'{body_id}#{seen[body_id]}'
            seen[body_id] = seen.get(body_id, 0) + 1
            v = lines.count('the number of joints')
            if num_joints is not None and v != num_joints:
                raise lines.error(f'body {body_id} has {v} joints, expected '
                                  f'{num_joints}')
            num_joints = v
            body = np.empty((v, 3), np.float32)
            for j in range(v):
                body[j] = lines.floats(f'joint {j}', JOINT_VALUES)[:3]
            if not np.isfinite(body).all():
                raise lines.error(f'NaN or inf coordinates in body {body_id}')
            frames.setdefault(key, []).append(t)
            joints.setdefault(key, []).append(body)
            positions.setdefault(key, []).append(position)
    rest = [
        n for n in range(lines.pos, len(lines.lines))
        if lines.lines[n].strip()
    ]
    if rest:
        raise lines.error(
            f'unexpected content after the last of {num_frames} frames',
            rest[0] + 1)
    tracks = [
        BodyTrack(key, np.asarray(frames[key],
                                  np.int64), np.stack(joints[key]),
                  np.asarray(positions[key], np.int64)) for key in frames
    ]
    return num_frames, tracks


def select_bodies(tracks: Sequence[BodyTrack],
                  num_frames: int,
                  max_bodies: int = 2,
                  min_body_frames: int = 11,
                  report: Optional[ConversionReport] = None) -> np.ndarray:
    """Arrange the bodies of one file as ``(M, T, V, 3)`` person slots by
    the rule of the module docstring; ``M <= max_bodies``.

    Raises:
        ValueError: If there is no body at all.
    """
    if not tracks:
        raise ValueError('no body in any frame')
    if max_bodies < 1:
        raise ValueError(f'max_bodies must be >= 1, got {max_bodies}')
    keep = [b for b in tracks if len(b.frames) >= min_body_frames]
    if not keep:
        keep = [max(tracks, key=lambda b: len(b.frames))]
    if report is not None:
        report.note('short_bodies_dropped', len(tracks) - len(keep))

    # sorted() is stable: equal activities keep the order of appearance
    ranked = sorted(keep, key=lambda b: -b.activity)
    slots: List[List[BodyTrack]] = []
    used: List[np.ndarray] = []  # (T, ) bool: frames a slot already covers
    for body in ranked:
        free = [i for i, u in enumerate(used) if not u[body.frames].any()]
        if free:
            slots[free[0]].append(body)
            used[free[0]][body.frames] = True
            if report is not None:
                report.note('bodies_joined_to_a_slot')
        elif len(slots) < max_bodies:
            slots.append([body])
            mask = np.zeros(num_frames, bool)
            mask[body.frames] = True
            used.append(mask)
        elif report is not None:
            report.note('extra_bodies_dropped')

    v = tracks[0].joints.shape[1]
    kp = np.zeros((len(slots), num_frames, v, 3), np.float32)
    for m, slot in enumerate(slots):
        for body in slot:
            kp[m, body.frames] = body.joints
    return kp


def select_bodies_by_order(tracks: Sequence[BodyTrack],
                           num_frames: int,
                           max_bodies: int = 2,
                           kinect_slots: int = 4) -> np.ndarray:
    """The original preparation's person slots (the 2s-AGCN ``read_xyz``
    that UmURL's data, and so the published USDRL numbers, come from):
    ``(max_bodies, T, V, 3)``.

    1. The i-th body listed in a frame goes to slot i, whatever its
       ``bodyID`` (bodies past ``kinect_slots`` are dropped), so a slot can
       switch persons between frames.
    2. The *energy* of a slot is the sum over x, y and z of the standard
       deviation of its coordinates over its non-empty frames (0 for an
       empty slot).
    3. The ``max_bodies`` slots of highest energy are kept in that order,
       ranked by numpy's default ``argsort`` as the original does; the
       frame count is the file's.
    """
    if not tracks:
        raise ValueError('no body in any frame')
    v = tracks[0].joints.shape[1]
    data = np.zeros((kinect_slots, num_frames, v, 3), np.float32)
    for track in tracks:
        if track.positions is None:
            raise ValueError('the tracks carry no in-frame positions; read '
                             'them with read_ntu_skeleton')
        keep = track.positions < kinect_slots
        data[track.positions[keep], track.frames[keep]] = track.joints[keep]
    return most_energetic_slots(data, max_bodies)


def most_energetic_slots(slots: np.ndarray, max_bodies: int) -> np.ndarray:
    """``(S, T, V, 3)`` person slots -> the ``max_bodies`` of highest
    energy, highest first: the sum over x, y, z of the standard deviation
    over a slot's non-empty frames (0 for an empty slot), ranked by numpy's
    default ``argsort`` as the original preparation does."""
    energy = np.zeros(len(slots))
    for m, slot in enumerate(slots):
        # (T, V, 3) -> the frames that hold data -> (t, V, 3)
        filled = slot[slot.sum(axis=(1, 2)) != 0]
        if len(filled):
            energy[m] = sum(filled[..., c].std() for c in range(3))
    order = energy.argsort()[::-1][:max_bodies]
    return slots[order]


def ntu_splits(names: Iterable[str], dataset: str) -> Dict[str, List[str]]:
    """The standard splits of ``dataset`` (``'ntu60'``: xsub, xview;
    ``'ntu120'``: xsub, xset) for sample ``names``, in the given order."""
    if dataset not in PROTOCOLS:
        raise ValueError(f'dataset must be one of {sorted(PROTOCOLS)}, got '
                         f'{dataset!r}')
    xsub = set(NTU60_XSUB_TRAIN if dataset == 'ntu60' else NTU120_XSUB_TRAIN)
    rules: Dict[str, Callable[[NTUName], bool]] = {
        'xsub': lambda n: n.performer in xsub,
        'xview': lambda n: n.camera in XVIEW_TRAIN_CAMERAS,
        'xset': lambda n: n.setup % 2 == 0,
    }
    split: Dict[str, List[str]] = {}
    parsed = [(name, parse_ntu_name(name)) for name in names]
    for protocol in PROTOCOLS[dataset]:
        train = rules[protocol]
        split[f'{protocol}_train'] = [n for n, p in parsed if train(p)]
        split[f'{protocol}_val'] = [n for n, p in parsed if not train(p)]
    return split


def read_name_list(path: str, log: Callable[[str], None] = print) -> List[str]:
    """Sample names, one per line (``.skeleton`` suffixes, blank lines and
    ``#`` comments ignored), e.g. NTU's
    ``samples_with_missing_skeletons.txt``.

    The official lists begin with sentences ("The following ... samples
    ...") that are no sample names: lines that are not of the form
    ``SsssCcccPpppRrrrAaaa`` are skipped, and ``log`` is told how many and
    the first of them.
    """
    names, others = [], []
    with open(path) as f:
        for number, line in enumerate(f, 1):
            name = line.split('#', 1)[0].strip()
            if name.endswith('.skeleton'):
                name = name[:-len('.skeleton')]
            if not name:
                continue
            if NTU_NAME.match(name):
                names.append(name)
            else:
                others.append((number, name))
    if others:
        number, text = others[0]
        log(f'{path}: skipped {len(others)} line(s) that are not NTU sample '
            f'names (first, line {number}: {text[:60]!r})')
    return names


def _convert_file(path: str,
                  dataset: str,
                  ignored: set,
                  max_bodies: int,
                  min_body_frames: int,
                  skip_malformed: bool,
                  report: ConversionReport,
                  body_selection: str = 'tracked') -> Optional[Dict]:
    """The annotation of one file, or None when it is skipped."""
    name = osp.basename(path)[:-len('.skeleton')]
    try:
        ids = parse_ntu_name(path)
    except ValueError as e:
        if not skip_malformed:
            raise
        report.skip('bad_name', name, str(e))
        return None
    if dataset == 'ntu60' and (ids.setup > NTU60_MAX_SETUP
                               or ids.action > NTU60_MAX_ACTION):
        report.skip(
            'other_dataset', name, f'NTU-60 has setups 1-{NTU60_MAX_SETUP} '
            f'and actions 1-{NTU60_MAX_ACTION} (pass --dataset ntu120)')
        return None
    if name in ignored:
        report.skip('ignore_list', name)
        return None
    try:
        num_frames, tracks = read_ntu_skeleton(path)
    except ValueError as e:
        if not skip_malformed:
            raise
        report.skip('malformed', name, str(e))
        return None
    if not tracks:
        report.skip('empty', name)
        return None
    kp = arrange_bodies(tracks, num_frames, body_selection, max_bodies,
                        min_body_frames, report)
    report.note('one_person_samples', int(kp.shape[0] == 1))
    return dict(
        frame_dir=name,
        label=ids.label,
        keypoint=kp,
        total_frames=int(num_frames))


def arrange_bodies(tracks: Sequence[BodyTrack],
                   num_frames: int,
                   body_selection: str = 'tracked',
                   max_bodies: int = 2,
                   min_body_frames: int = 11,
                   report: Optional[ConversionReport] = None) -> np.ndarray:
    """The person slots ``(M, T, V, 3)`` of one file by one of
    :data:`BODY_SELECTIONS`: ``'tracked'`` (:func:`select_bodies`, each
    body whole in one slot) or ``'original'``
    (:func:`select_bodies_by_order`, the papers' input; always
    ``max_bodies`` slots)."""
    if body_selection not in BODY_SELECTIONS:
        raise ValueError(f'body_selection must be one of {BODY_SELECTIONS}, '
                         f'got {body_selection!r}')
    if body_selection == 'original':
        return select_bodies_by_order(tracks, num_frames, max_bodies)
    return select_bodies(tracks, num_frames, max_bodies, min_body_frames,
                         report)


def convert_ntu_rgbd(
        skeleton_dir: str,
        dataset: str = 'ntu60',
        ignore: Iterable[str] = (),
        max_bodies: int = 2,
        min_body_frames: int = 11,
        skip_malformed: bool = False,
        progress: Optional[Callable[[int, int], None]] = None,
        body_selection: str = 'tracked') -> Tuple[Dict, ConversionReport]:
    """Convert every ``.skeleton`` file of ``skeleton_dir`` that belongs to
    ``dataset``.

    NTU-60 is setups 1-17 and actions 1-60, so an NTU-120 folder converts to
    NTU-60 too. Files of the other dataset are skipped (``other_dataset``),
    as are names in ``ignore`` (``ignore_list``) and files without any body
    (``empty``). A malformed file raises, or with ``skip_malformed`` is
    skipped (``malformed``, the first error message kept in the report).
    When every file is skipped, ``annotations`` and every split are empty
    and the report says why; the CLI then refuses to write.

    ``body_selection`` is ``'tracked'`` (bodies followed by ID, the rule of
    the module docstring) or ``'original'`` (:func:`select_bodies_by_order`,
    the input the published numbers were obtained on; ``min_body_frames``
    does not apply to it).

    Returns:
        tuple: The pickle dict (``split`` and ``annotations`` with
        ``keypoint (M, T, 25, 3)`` float32) and a :class:`ConversionReport`.
    """
    if body_selection not in BODY_SELECTIONS:
        raise ValueError(f'body_selection must be one of {BODY_SELECTIONS}, '
                         f'got {body_selection!r}')
    if dataset not in PROTOCOLS:
        raise ValueError(f'dataset must be one of {sorted(PROTOCOLS)}, got '
                         f'{dataset!r}')
    files = sorted(
        f for f in os.listdir(skeleton_dir) if f.endswith('.skeleton'))
    if not files:
        raise ValueError(f'no .skeleton files in {skeleton_dir}')
    ignored = set(ignore)
    report = ConversionReport()
    annotations = []
    for i, file in enumerate(files):
        anno = _convert_file(
            osp.join(skeleton_dir, file), dataset, ignored, max_bodies,
            min_body_frames, skip_malformed, report, body_selection)
        if anno is not None:
            annotations.append(anno)
            report.kept += 1
        if progress is not None:
            progress(i + 1, len(files))
    split = ntu_splits([a['frame_dir'] for a in annotations], dataset)
    return dict(split=split, annotations=annotations), report
