"""Synthetic skeleton action datasets in MMAction2 PoseDataset format.

Trimmed clips imitate NTU RGB+D: every subject performs every action
``num_reps`` times, and each performance is seen by three cameras at
-45, 0 and +45 degrees azimuth (C001, C002, C003), so the same motion
appears under three viewpoints, like NTU's cross-view protocol. Untrimmed
sequences chain several actions of one subject with idle standing in
between, for temporal detection and segmentation.

Every random choice comes from a generator seeded by ``(seed, stream,
indices...)`` through :class:`numpy.random.SeedSequence`, so a sample only
depends on the seed and its own indices: the same subject has the same body
in every file, and adding classes or subjects leaves existing samples
unchanged. The global numpy RNG is never touched.

Coordinates are NTU camera coordinates in metres (x right, y up, z depth
away from the camera) for ``dim=3``, or pinhole projections in pixels of a
1920x1080 image (x right, y down) for ``dim=2``.
"""
import os
import os.path as osp
import pickle
import tempfile
from numbers import Integral
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from .actions import (ACTION_NAMES, ACTIONS, NUM_ACTIONS, ActionSpec,
                      MotionParams, fidget, mirror_track,
                      single_person_classes)
from .body import (DOF_INDEX, NUM_DOFS, BodyModel, forward_kinematics, ground,
                   random_body, rotation_x, rotation_y, subject_body)

__all__ = [
    'generate_trimmed', 'generate_untrimmed', 'write_synthetic_dataset',
    'xsub_train_subjects', 'project_to_image', 'idle_sway', 'output_paths',
    'CAMERA_AZIMUTHS', 'XVIEW_TRAIN_CAMERAS', 'IMG_SHAPE', 'FOCAL_LENGTH',
    'FPS'
]

#: Frame rate the motion timings assume (Kinect v2 records at 30 fps).
FPS = 30.0
#: Nominal azimuth in degrees of each camera id about the vertical axis.
CAMERA_AZIMUTHS: Dict[int, float] = {1: -45.0, 2: 0.0, 3: 45.0}
#: Cameras of the cross-view training split (NTU: 2 and 3; 1 is val).
XVIEW_TRAIN_CAMERAS: Tuple[int, ...] = (2, 3)
#: (height, width) of the virtual image.
IMG_SHAPE: Tuple[int, int] = (1080, 1920)
#: Pinhole focal length in pixels (fx = fy), principal point at the centre.
FOCAL_LENGTH = 1000.0

# Seed streams: the second entry of every SeedSequence key.
_BODY, _PERFORMANCE, _VIEW, _UNTRIMMED, _EXTRA_PERSON, _SETUP = range(6)
# Subjects that share a recording setup (floor height, camera distance).
_SUBJECTS_PER_SETUP = 4
_CAMERA_JITTER_DEG = 4.0
_SECOND_PERSON_PROB = 0.1
_FIDGET_PROB = 0.15
_BLEND_MAX = 15  # frames of pose interpolation at each side of a segment

ProgressFn = Callable[[int, int], None]


# ---------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------
def _rng(seed: int, *keys: int) -> np.random.Generator:
    """An independent generator for ``(seed, *keys)``."""
    return np.random.default_rng(
        np.random.SeedSequence([int(seed)] + [int(k) for k in keys]))


def xsub_train_subjects(num_subjects: int) -> Tuple[int, ...]:
    """The fixed cross-subject training subjects (1-based ids).

    Subjects whose id is 1, 2 or 4 modulo 5 train (60%), the others
    validate; the rule does not depend on the seed, so splits are the same
    for every generated dataset.
    """
    return tuple(
        s for s in range(1, num_subjects + 1) if (s - 1) % 5 in (0, 1, 3))


def _check_int(name: str, value, low: int, high: Optional[int] = None) -> int:
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f'{name} must be an integer, got {value!r}')
    if value < low or (high is not None and value > high):
        bound = f'>= {low}' if high is None else f'in [{low}, {high}]'
        raise ValueError(f'{name} must be {bound}, got {value}')
    return int(value)


def _check_common(num_classes, num_subjects, seed, dim, noise_std) -> None:
    if isinstance(num_classes, Integral) and num_classes > NUM_ACTIONS:
        raise ValueError(f'num_classes={num_classes} but the action library '
                         f'has only {NUM_ACTIONS} classes: '
                         f'{list(ACTION_NAMES)}')
    _check_int('num_classes', num_classes, 1, NUM_ACTIONS)
    # Three subjects is the least for which both xsub splits are non-empty.
    _check_int('num_subjects', num_subjects, 3, 999)
    _check_int('seed', seed, 0)
    if dim not in (2, 3) or isinstance(dim, bool):
        raise ValueError(f'dim must be 2 or 3, got {dim!r}')
    try:
        noise_ok = bool(np.isfinite(noise_std)) and noise_std >= 0
    except TypeError:
        noise_ok = False
    if not noise_ok:
        raise ValueError(f'noise_std must be a finite number >= 0, got '
                         f'{noise_std!r}')


def idle_sway(num_frames: int,
              rng: np.random.Generator,
              scale: float = 1.0) -> np.ndarray:
    """Slow involuntary motion of a standing person.

    Each affected DOF is a sum of two sinusoids of random frequency
    (0.08-0.5 Hz) and phase, so the body drifts and breathes instead of
    freezing between movements.

    Args:
        num_frames (int): T.
        rng (np.random.Generator): Source of randomness.
        scale (float): Multiplies all amplitudes.

    Returns:
        np.ndarray: ``(T, D)`` pose offsets (radians / metres).
    """
    amplitude = {  # degrees, metres for root translation
        'root_lat': 0.012,
        'root_fwd': 0.008,
        'lumbar_lat': 1.2,
        'lumbar_flex': 1.0,
        'thorax_twist': 1.5,
        'neck_twist': 4.0,
        'neck_flex': 2.5,
        'neck_lat': 1.5,
        'l_shoulder_flex': 2.0,
        'r_shoulder_flex': 2.0,
        'l_shoulder_abd': 1.5,
        'r_shoulder_abd': 1.5,
        'l_elbow_flex': 3.0,
        'r_elbow_flex': 3.0,
        'l_wrist_flex': 4.0,
        'r_wrist_flex': 4.0
    }
    names = list(amplitude)
    amp = np.array([amplitude[n] for n in names]) * scale  # (K,)
    amp = np.where([n.startswith('root_') for n in names], amp,
                   np.deg2rad(amp))
    freq = rng.uniform(0.08, 0.5, size=(len(names), 2))  # (K, 2) Hz
    phase = rng.uniform(0, 2 * np.pi, size=(len(names), 2))
    t = np.arange(num_frames)[:, None, None] / FPS  # (T, 1, 1)
    waves = np.sin(2 * np.pi * freq * t + phase).sum(-1) / np.sqrt(2)
    out = np.zeros((num_frames, NUM_DOFS))
    out[:, [DOF_INDEX[n] for n in names]] = waves * amp  # (T, K)
    return out


def _time_warp(num_frames: int, onset: float, offset: float,
               warp: float) -> np.ndarray:
    """Normalised movement time ``u`` (T,) of a clip.

    The movement occupies the clip except for ``onset`` / ``offset``
    fractions of rest at its ends, and runs at a smoothly varying speed:
    ``u + warp * sin(2 pi u) / (2 pi)`` is monotonic for ``|warp| < 1`` and
    keeps 0 and 1 fixed.
    """
    s = np.linspace(0.0, 1.0, num_frames)
    u = np.clip((s - onset) / max(1.0 - onset - offset, 1e-6), 0.0, 1.0)
    return u + warp * np.sin(2 * np.pi * u) / (2 * np.pi)


def _action_tracks(spec: ActionSpec,
                   num_frames: int,
                   rng: np.random.Generator,
                   max_idle: float = 0.0) -> Tuple[np.ndarray, ...]:
    """One performance of ``spec`` in ``num_frames`` frames: a ``(T, D)``
    track per person, around rest.

    Draws amplitude (+-22%), repetitions and oscillation phase; drops
    repetitions that would not fit at a brisk pace; leaves up to
    ``max_idle`` of the clip (split randomly between start and end) at
    rest when the movement does not need it; warps time; mirrors the
    performance to the other side with the class's ``mirror_prob``; and
    sometimes adds a fidget of the actor's free (non-dominant) arm.
    """
    lo, hi = spec.cycles
    cycles = int(rng.integers(lo, hi + 1))
    while cycles > lo and spec.min_seconds(cycles) * FPS > num_frames:
        cycles -= 1
    needed = min(1.0, spec.min_seconds(cycles) * FPS / num_frames)
    idle = 1.0 - max(needed, rng.uniform(1.0 - max_idle, 1.0))
    onset = idle * rng.random()
    u = _time_warp(num_frames, onset, idle - onset, rng.uniform(-0.6, 0.6))
    params = MotionParams(
        amp=float(rng.uniform(0.78, 1.22)),
        cycles=cycles,
        phase=float(rng.random()),
        rng=rng)
    tracks = list(spec.fn(u, params))
    mirrored = rng.random() < spec.mirror_prob
    if mirrored:
        tracks = [mirror_track(t) for t in tracks]
    if spec.num_persons == 1 and rng.random() < _FIDGET_PROB:
        tracks[0] = tracks[0] + fidget(u, rng, 'r' if mirrored else 'l')
    return tuple(tracks)


def _style(rng: np.random.Generator) -> np.ndarray:
    """A performance's own posture offsets ``(D,)``: trunk, head and arms a
    few degrees away from the habitual rest pose (a static nuisance that
    changes from take to take)."""
    style = np.zeros(NUM_DOFS)
    std = {
        'lumbar_flex': 3.0,
        'lumbar_lat': 2.0,
        'thorax_twist': 3.0,
        'neck_flex': 5.0,
        'neck_twist': 8.0,
        'neck_lat': 3.0
    }
    for side in 'lr':
        std.update({
            f'{side}_shoulder_flex': 5.0,
            f'{side}_shoulder_abd': 4.0,
            f'{side}_shoulder_twist': 10.0,
            f'{side}_elbow_flex': 8.0,
            f'{side}_wrist_flex': 10.0,
            f'{side}_hip_abd': 2.0,
            f'{side}_hip_twist': 5.0
        })
    for name, sd in std.items():
        style[DOF_INDEX[name]] = np.deg2rad(rng.normal(0.0, sd))
    return style


def _pose_positions(delta: np.ndarray, body: BodyModel,
                    rng: np.random.Generator) -> np.ndarray:
    """Body-frame ``(T, V, 3)`` positions of one person standing on
    ``y = 0``, from an action track ``delta`` (T, D) around rest."""
    sway = idle_sway(delta.shape[0], rng, scale=rng.uniform(0.5, 1.5))
    q = body.posture + _style(rng) + delta + sway
    return ground(forward_kinematics(q, body), q[:, DOF_INDEX['root_up']])


def _place(joints: np.ndarray, yaw_deg: float,
           position: Sequence[float]) -> np.ndarray:
    """Rotate a person about the vertical axis and move it on the stage.

    ``joints`` (T, V, 3) -> (T, V, 3).
    """
    rot = rotation_y(np.deg2rad(yaw_deg))
    return joints @ rot.T + np.asarray(position, dtype=np.float64)


def _setup_params(seed: int, setup: int) -> Tuple[float, float]:
    """(floor height below the cameras, typical subject depth) of a setup."""
    rng = _rng(seed, _SETUP, setup)
    return float(rng.uniform(-1.0, -0.8)), float(rng.uniform(2.8, 3.6))


def _view(stage: np.ndarray, camera: int, floor: float, depth: float,
          rng: np.random.Generator, noise_std: float) -> np.ndarray:
    """Stage coordinates (M, T, V, 3) -> noisy camera coordinates.

    The camera's azimuth (its nominal angle plus a few degrees) rotates the
    stage about the vertical axis, a small elevation tilt about the
    horizontal one; the stage origin lands ``x`` in +-0.5 m, depth 2.5-4 m,
    on a floor ``floor`` metres below the camera.
    """
    azimuth = CAMERA_AZIMUTHS[camera] + rng.uniform(-_CAMERA_JITTER_DEG,
                                                    _CAMERA_JITTER_DEG)
    elevation = rng.uniform(-4.0, 4.0)
    rot = rotation_x(np.deg2rad(elevation)) @ rotation_y(np.deg2rad(azimuth))
    shift = np.array([
        rng.uniform(-0.5, 0.5), floor,
        np.clip(depth + rng.uniform(-0.3, 0.4), 2.5, 4.0)
    ])
    out = stage @ rot.T + shift
    if noise_std > 0:
        out = out + rng.normal(0.0, noise_std, size=out.shape)
    return out


def project_to_image(points: np.ndarray) -> np.ndarray:
    """Pinhole projection of camera coordinates to pixels.

    Args:
        points (np.ndarray): ``(..., 3)`` camera coordinates (x right, y up,
            z depth, metres; z > 0).

    Returns:
        np.ndarray: ``(..., 2)`` pixel coordinates (x right, y down) in the
        ``IMG_SHAPE`` image with focal length ``FOCAL_LENGTH``.
    """
    h, w = IMG_SHAPE
    z = np.maximum(points[..., 2], 1e-3)
    u = FOCAL_LENGTH * points[..., 0] / z + w / 2.0
    v = h / 2.0 - FOCAL_LENGTH * points[..., 1] / z
    return np.stack([u, v], axis=-1)


def _to_2d(keypoint: np.ndarray,
           rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """Project (M, T, V, 3) to pixels and draw detector-like scores.

    Scores are uniform in [0.6, 1]; a few joints per person are occluded
    for a stretch of frames, with scores in [0.2, 0.5] and extra pixel
    jitter, as a 2D pose estimator would report them.
    """
    m, t, v, _ = keypoint.shape
    pix = project_to_image(keypoint)  # (M, T, V, 2)
    score = rng.uniform(0.6, 1.0, size=(m, t, v))
    for person in range(m):
        for joint in rng.choice(
                v, size=int(rng.integers(0, 4)), replace=False):
            length = max(1, int(t * rng.uniform(0.1, 0.4)))
            start = int(rng.integers(0, t - length + 1))
            sl = (person, slice(start, start + length), joint)
            score[sl] = rng.uniform(0.2, 0.5, size=length)
            pix[sl] += rng.normal(0.0, 4.0, size=(length, 2))
    return pix, score


def _annotation(frame_dir: str, keypoint: np.ndarray, rng: np.random.Generator,
                dim: int) -> Dict:
    """The PoseDataset dict of one sample from (M, T, V, 3) keypoints."""
    anno = dict(
        frame_dir=frame_dir,
        total_frames=int(keypoint.shape[1]),
        img_shape=IMG_SHAPE,
        original_shape=IMG_SHAPE)
    if dim == 3:
        anno['keypoint'] = keypoint.astype(np.float32)
    else:
        pix, score = _to_2d(keypoint, rng)
        anno['keypoint'] = pix.astype(np.float32)
        anno['keypoint_score'] = score.astype(np.float32)
    return anno


# ---------------------------------------------------------------------------
# Trimmed clips
# ---------------------------------------------------------------------------
def _perform_trimmed(label: int, subject: int, rep: int, seed: int,
                     body: BodyModel, min_frames: int,
                     max_frames: int) -> Tuple[np.ndarray, int]:
    """One performance on the stage: (M, T, V, 3) positions and T.

    The performing person (person 0) stands at the stage origin facing the
    central camera within +-20 degrees; an interaction partner faces it;
    an idle bystander may stand further back.
    """
    spec = ACTIONS[label]
    rng = _rng(seed, _PERFORMANCE, subject, rep, label)
    # Length skewed towards short clips (x ** 1.2 with x uniform): about a
    # quarter of the default [40, 160] clips are shorter than 64 frames.
    span = max_frames - min_frames
    num_frames = min_frames + int(round(span * rng.random()**1.2))
    # Up to 60% of a clip may be idle before / after the movement, as in
    # NTU, where recordings start and stop around the action.
    deltas = _action_tracks(spec, num_frames, rng, max_idle=0.6)
    # As in NTU, odd repetitions face the left camera, even ones the right.
    facing = (-1.0 if rep % 2 else 1.0) * rng.uniform(0.0, 50.0)

    other_rng = _rng(seed, _EXTRA_PERSON, subject, rep, label)
    persons: List[np.ndarray] = []
    if spec.num_persons == 2:
        partner = random_body(other_rng)
        half = rng.uniform(*spec.partner_distance) / 2.0
        # Person 0 on the left of the pair turned to face +x, the partner
        # on the right facing -x, then the pair turned as a whole.
        for delta, b, yaw, x in ((deltas[0], body, -90.0, -half),
                                 (deltas[1], partner, 90.0, half)):
            joints = _place(_pose_positions(delta, b, rng), yaw, (x, 0, 0))
            persons.append(_place(joints, facing, (0, 0, 0)))
    else:
        persons.append(
            _place(_pose_positions(deltas[0], body, rng), facing, (0, 0, 0)))
        if other_rng.random() < _SECOND_PERSON_PROB:
            bystander = random_body(other_rng)
            idle = _pose_positions(
                np.zeros((num_frames, NUM_DOFS)), bystander, other_rng)
            side = 1.0 if other_rng.random() < 0.5 else -1.0
            where = (side * other_rng.uniform(1.2, 2.0), 0.0,
                     other_rng.uniform(0.5, 1.5))
            persons.append(_place(idle, other_rng.uniform(-60, 60), where))
    return np.stack(persons), num_frames  # (M, T, V, 3)


def generate_trimmed(num_classes: int = 10,
                     num_subjects: int = 20,
                     num_reps: int = 2,
                     seed: int = 0,
                     dim: int = 3,
                     noise_std: float = 0.01,
                     min_frames: int = 40,
                     max_frames: int = 160,
                     progress: Optional[ProgressFn] = None) -> Dict:
    """Generate an NTU-like trimmed action dataset.

    Every subject performs every class ``num_reps`` times; each performance
    is recorded by cameras 1-3, giving ``num_classes * num_subjects *
    num_reps * 3`` samples.

    Args:
        num_classes (int): Number of classes, the first ones of
            ``ACTION_NAMES`` (at most ``len(ACTION_NAMES)``).
        num_subjects (int): Number of subjects (>= 3), ids 1..N.
        num_reps (int): Repetitions per subject and class (>= 1).
        seed (int): Dataset seed (>= 0).
        dim (int): 3 for camera coordinates in metres, 2 for pixels plus
            ``keypoint_score``.
        noise_std (float): Std in metres of the gaussian noise added to
            every joint coordinate (0 for exact rigid skeletons).
        min_frames (int): Shortest clip length (>= 8).
        max_frames (int): Longest clip length (>= min_frames).
        progress (callable, optional): Called as ``progress(done, total)``
            with the number of samples generated so far.

    Returns:
        dict: ``{'split': {'xsub_train', 'xsub_val', 'xview_train',
        'xview_val'}, 'annotations': [...]}``; each annotation has
        ``frame_dir`` (``SsssCcccPpppRrrrAaaa``), ``label`` (0-based),
        ``keypoint`` float32 (M, T, V, C), ``total_frames``, ``img_shape``,
        ``original_shape`` and for ``dim=2`` ``keypoint_score`` (M, T, V).
    """
    _check_common(num_classes, num_subjects, seed, dim, noise_std)
    _check_int('num_reps', num_reps, 1, 999)
    _check_int('min_frames', min_frames, 8)
    _check_int('max_frames', max_frames, 8)
    if min_frames > max_frames:
        raise ValueError(f'min_frames ({min_frames}) must not exceed '
                         f'max_frames ({max_frames})')

    train_subjects = set(xsub_train_subjects(num_subjects))
    total = num_classes * num_subjects * num_reps * len(CAMERA_AZIMUTHS)
    annotations = []
    split: Dict[str, List[str]] = {
        k: []
        for k in ('xsub_train', 'xsub_val', 'xview_train', 'xview_val')
    }
    for subject in range(1, num_subjects + 1):
        body = subject_body(subject, seed)
        setup = (subject - 1) // _SUBJECTS_PER_SETUP + 1
        floor, depth = _setup_params(seed, setup)
        for label in range(num_classes):
            for rep in range(1, num_reps + 1):
                stage, _ = _perform_trimmed(label, subject, rep, seed, body,
                                            min_frames, max_frames)
                for camera in CAMERA_AZIMUTHS:
                    rng = _rng(seed, _VIEW, subject, rep, label, camera)
                    keypoint = _view(stage, camera, floor, depth, rng,
                                     noise_std)
                    name = (f'S{setup:03d}C{camera:03d}P{subject:03d}'
                            f'R{rep:03d}A{label + 1:03d}')
                    anno = _annotation(name, keypoint, rng, dim)
                    anno['label'] = label
                    annotations.append(anno)
                if progress is not None:
                    progress(len(annotations), total)

    annotations.sort(key=lambda a: a['frame_dir'])
    for anno in annotations:
        name = anno['frame_dir']
        subject, camera = int(name[9:12]), int(name[5:8])
        split['xsub_train' if subject in
              train_subjects else 'xsub_val'].append(name)
        split['xview_train' if camera in
              XVIEW_TRAIN_CAMERAS else 'xview_val'].append(name)
    return dict(split=split, annotations=annotations)


# ---------------------------------------------------------------------------
# Untrimmed sequences
# ---------------------------------------------------------------------------
def _blend(num: int, rising: bool) -> np.ndarray:
    """``num`` blend weights strictly between 0 and 1."""
    w = np.arange(1, num + 1) / (num + 1)
    smooth = w * w * (3 - 2 * w)
    return smooth if rising else smooth[::-1]


def _untrimmed_sequence(index: int, seed: int, num_classes: int,
                        num_subjects: int, noise_std: float,
                        dim: int) -> Tuple[Dict, int]:
    """One untrimmed sequence annotation and its subject id."""
    rng = _rng(seed, _UNTRIMMED, index)
    subject = index % num_subjects + 1
    camera = int(rng.integers(1, len(CAMERA_AZIMUTHS) + 1))
    body = subject_body(subject, seed)
    floor, depth = _setup_params(seed,
                                 (subject - 1) // _SUBJECTS_PER_SETUP + 1)

    choices = single_person_classes(num_classes)
    num_actions = int(rng.integers(3, 9))
    labels = rng.choice(choices, size=num_actions)
    gaps = rng.integers(10, 61, size=num_actions + 1)  # background
    lengths = rng.integers(40, 121, size=num_actions)
    total = int(gaps.sum() + lengths.sum())

    delta = np.zeros((total, NUM_DOFS))
    segments = []
    start = int(gaps[0])
    for i, (label, length) in enumerate(zip(labels, lengths)):
        spec = ACTIONS[int(label)]
        track = _action_tracks(spec, int(length), rng)[0]  # (L, D)
        end = start + int(length)
        delta[start:end] = track
        # Interpolate from idle into the first pose and out of the last one
        # inside the neighbouring background; each side takes at most half
        # a gap, so neighbouring blends never overlap.
        k_in = min(_BLEND_MAX, int(gaps[i]) // 2)
        k_out = min(_BLEND_MAX, int(gaps[i + 1]) // 2)
        delta[start - k_in:start] = _blend(k_in, True)[:, None] * track[0]
        delta[end:end + k_out] = _blend(k_out, False)[:, None] * track[-1]
        segments.append((int(label), start, end))
        start = end + int(gaps[i + 1])

    joints = _pose_positions(delta, body, rng)
    stage = _place(joints, rng.uniform(-30.0, 30.0), (0, 0, 0))[None]
    keypoint = _view(stage, camera, floor, depth, rng, noise_std)
    frame_labels = np.full(total, -1, dtype=np.int64)
    for label, s, e in segments:
        frame_labels[s:e] = label
    name = f'U{index + 1:04d}P{subject:03d}C{camera:03d}'
    anno = _annotation(name, keypoint, rng, dim)
    anno['segments'] = np.asarray(segments, dtype=np.int64).reshape(-1, 3)
    anno['frame_labels'] = frame_labels
    return anno, subject


def generate_untrimmed(num_sequences: int = 60,
                       num_classes: int = 10,
                       num_subjects: int = 20,
                       seed: int = 0,
                       dim: int = 3,
                       noise_std: float = 0.01,
                       progress: Optional[ProgressFn] = None) -> Dict:
    """Generate untrimmed sequences for temporal detection / segmentation.

    Each sequence shows one subject (M = 1) seen by one camera performing
    3-8 actions of 40-120 frames, drawn from the one-person classes among
    the first ``num_classes``, with 10-60 frames of idle standing before,
    between and after them (300-1000 frames in total, typically). Pose
    interpolation into and out of each action happens in the background
    frames.

    Args:
        num_sequences (int): Number of sequences (>= 1); sequence ``i``
            (0-based) belongs to subject ``i % num_subjects + 1``.
        num_classes (int): Label space, as for :func:`generate_trimmed`.
        num_subjects (int): Number of subjects (>= 3).
        seed (int): Dataset seed (>= 0).
        dim (int): 2 or 3, as for :func:`generate_trimmed`.
        noise_std (float): Joint noise std in metres.
        progress (callable, optional): ``progress(done, total)`` after each
            sequence.

    Returns:
        dict: ``{'split': {'xsub_train', 'xsub_val'}, 'annotations':
        [...]}``; annotations as for trimmed clips (without ``label``) plus
        ``segments`` int64 (S, 3) rows ``(label, start, end)`` (end
        exclusive, sorted, non-overlapping) and ``frame_labels`` int64 (T,)
        with -1 for background.
    """
    _check_common(num_classes, num_subjects, seed, dim, noise_std)
    _check_int('num_sequences', num_sequences, 1)
    train_subjects = set(xsub_train_subjects(num_subjects))
    annotations = []
    split: Dict[str, List[str]] = {'xsub_train': [], 'xsub_val': []}
    for index in range(num_sequences):
        anno, subject = _untrimmed_sequence(index, seed, num_classes,
                                            num_subjects, noise_std, dim)
        annotations.append(anno)
        split['xsub_train' if subject in
              train_subjects else 'xsub_val'].append(anno['frame_dir'])
        if progress is not None:
            progress(index + 1, num_sequences)
    return dict(split=split, annotations=annotations)


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def output_paths(out_dir: str, dim: int = 3) -> Dict[str, str]:
    """Where :func:`write_synthetic_dataset` writes its files."""
    return dict(
        trimmed=osp.join(out_dir, f'synthetic_{dim}d.pkl'),
        untrimmed=osp.join(out_dir, f'synthetic_untrimmed_{dim}d.pkl'),
        label_map=osp.join(out_dir, 'label_map_synthetic.txt'))


def _atomic_write(path: str, data: bytes) -> None:
    """Write ``data`` to a temporary file next to ``path``, then rename it
    over ``path``, so readers never see a half-written file."""
    fd, tmp = tempfile.mkstemp(
        dir=osp.dirname(path) or '.',
        prefix='.' + osp.basename(path) + '.',
        suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates the file private (0600); give it the permissions
        # an ordinary open() would have.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise


def _has_content(path: str, text: str) -> bool:
    """Whether ``path`` is a file holding exactly ``text``."""
    if not osp.isfile(path):
        return False
    with open(path, encoding='utf-8') as f:
        return f.read() == text


def write_synthetic_dataset(out_dir: str,
                            seed: int = 0,
                            num_classes: int = 10,
                            dim: int = 3,
                            force: bool = False,
                            **kwargs) -> Dict[str, str]:
    """Generate and write the trimmed set, the untrimmed set and a label map.

    Files: ``synthetic_{dim}d.pkl``, ``synthetic_untrimmed_{dim}d.pkl``
    (pickles readable by ``mmengine.load`` and MMAction2's PoseDataset) and
    ``label_map_synthetic.txt`` (one class name per line, in label order).

    Args:
        out_dir (str): Output directory, created if missing.
        seed (int): Dataset seed.
        num_classes (int): Number of classes.
        dim (int): 2 or 3.
        force (bool): Overwrite existing files. Without it an existing
            output raises :class:`FileExistsError` before any work is done
            (except an identical label map, which the 2D and 3D variants
            share and which is then left alone).
        **kwargs: ``num_subjects``, ``num_reps``, ``noise_std``,
            ``min_frames``, ``max_frames`` (trimmed), ``num_sequences``
            (untrimmed; ``num_subjects`` and ``noise_std`` apply to both)
            and ``progress``, called as ``progress(stage, done, total)``
            with ``stage`` in ``('trimmed', 'untrimmed')``.

    Returns:
        dict[str, str]: Paths under keys ``'trimmed'``, ``'untrimmed'`` and
        ``'label_map'``.
    """
    known = {
        'num_subjects', 'num_reps', 'noise_std', 'min_frames', 'max_frames',
        'num_sequences', 'progress'
    }
    unknown = sorted(set(kwargs) - known)
    if unknown:
        raise TypeError(f'write_synthetic_dataset() got unexpected keyword '
                        f'argument(s) {unknown}; accepted: {sorted(known)}')
    paths = output_paths(out_dir, dim)
    label_map = ''.join(f'{n}\n' for n in ACTION_NAMES[:num_classes])
    # The 2D and 3D variants share the label map: an identical existing one
    # is kept rather than reported as a conflict.
    keep_label_map = not force and _has_content(paths['label_map'], label_map)
    existing = [
        p for key, p in paths.items()
        if osp.exists(p) and not (key == 'label_map' and keep_label_map)
    ]
    if existing and not force:
        raise FileExistsError(
            f'refusing to overwrite existing file(s) {existing}; pass '
            'force=True (--force on the command line) to replace them')

    progress = kwargs.pop('progress', None)
    shared = {
        k: kwargs[k]
        for k in ('num_subjects', 'noise_std') if k in kwargs
    }
    trimmed_kw = {
        k: kwargs[k]
        for k in ('num_reps', 'min_frames', 'max_frames') if k in kwargs
    }

    def stage(name: str) -> Optional[ProgressFn]:
        if progress is None:
            return None
        return lambda done, total: progress(name, done, total)

    trimmed = generate_trimmed(
        num_classes=num_classes,
        seed=seed,
        dim=dim,
        progress=stage('trimmed'),
        **shared,
        **trimmed_kw)
    untrimmed = generate_untrimmed(
        num_sequences=kwargs.get('num_sequences', 60),
        num_classes=num_classes,
        seed=seed,
        dim=dim,
        progress=stage('untrimmed'),
        **shared)

    os.makedirs(out_dir, exist_ok=True)
    _atomic_write(paths['trimmed'], pickle.dumps(trimmed, protocol=4))
    _atomic_write(paths['untrimmed'], pickle.dumps(untrimmed, protocol=4))
    if not keep_label_map:
        _atomic_write(paths['label_map'], label_map.encode('utf-8'))
    return paths
