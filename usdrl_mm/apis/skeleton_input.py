"""Skeleton files -> annotation dicts for the inference API, and the check
of a skeleton against what a model was trained on.

:func:`load_skeletons` reads one path into MMAction2 PoseDataset
annotations (``frame_dir``, ``keypoint (M, T, V, C)``, ``total_frames``,
for 2D poses ``keypoint_score (M, T, V)`` and ``img_shape``):

- ``npy``: a ``.npy`` array ``(M, T, V, C)`` or ``(T, V, C)``, or the
  per-file dict of NTU RGB+D's own ``txt2npy`` reader (``skel_body0``,
  ...);
- ``pkl``: a PoseDataset annotation pickle (one sample, a list of them, or
  a dict with ``annotations``), such as the per-video pickle of MMAction2's
  ``tools/data/skeleton/ntu_pose_extraction.py`` (one sample dict:
  ``keypoint (M, T, V, 2)``, ``keypoint_score (M, T, V)``, ``frame_dir``,
  ``img_shape``, ``original_shape``, ``total_frames``, ``label``), read as
  it is, like MMAction2's PoseDataset reads it (its people stay as the
  script ordered them). A single sample without ``frame_dir`` is named
  after the file;
- ``mmpose``: MMPose / MMAction2-demo results, ``.json`` or ``.pkl``:
  among them the list that ``mmaction.apis.pose_inference`` returns and
  ``inference_skeleton`` takes (one ``pred_instances.to_dict()`` per
  frame: ``keypoints (N, V, 2)``, ``keypoint_scores (N, V)``, other keys
  ignored), pickled or dumped to JSON as it is;
- ``openpose``: a folder of OpenPose ``*_keypoints.json`` files (one
  sample per video in it); with 25 keypoints BODY_25 and BODY_25B are
  told apart by geometry unless ``layout`` names one
  (:func:`~usdrl_mm.datasets.converters.openpose.detect_openpose_layout`);
- ``mediapipe``: a MediaPipe Pose landmark ``.json``;
- ``ntu-skeleton``: a raw NTU RGB+D ``.skeleton`` file (layout
  ``nturgb+d``; persons by the converter's tracked rule).

The pose-estimator formats are parsed by the readers in
:mod:`usdrl_mm.datasets.converters` and linked across frames by
:func:`~usdrl_mm.datasets.converters.track_people`, exactly as
``tools/data/convert_pose2d.py`` converts them, so a file gives the same
skeleton here as in a converted dataset. ``format='auto'`` decides by the
extension and, for ``.json`` and ``.pkl``, by the content.

:func:`check_skeleton` compares one annotation with a
:class:`ModelInput` (joints, channels, layout, 2D / 3D) and raises errors
that say what the model expects, what the input has and how to fix it.
"""
import logging
import os.path as osp
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
from mmengine.logging import print_log

from usdrl_mm.datasets.converters import (arrange_bodies, find_openpose_videos,
                                          frames_from_mmpose,
                                          most_energetic_slots,
                                          read_mediapipe_file,
                                          read_ntu_skeleton,
                                          read_openpose_video, track_people)
from usdrl_mm.datasets.converters.mediapipe import MEDIAPIPE_JOINTS
from usdrl_mm.datasets.converters.mmpose_coco import COCO17_JOINTS
from usdrl_mm.datasets.converters.openpose import detect_openpose_layout
from usdrl_mm.datasets.converters.pose2d import (Frame, check_max_persons,
                                                 load_json)
from usdrl_mm.fileio import UntrustedPickleError, load_npy, load_pickle
from usdrl_mm.structures import SkeletonLayout, get_layout, list_layouts

FORMATS = ('npy', 'pkl', 'mmpose', 'openpose', 'mediapipe', 'ntu-skeleton')
#: ``PreNormalize2D``'s default frame size, assumed when none is given.
DEFAULT_IMG_SHAPE = (1080, 1920)
#: Fewest frames with a skeleton that make an action: the floor of the
#: observed frames in the original's early prediction (``ObservePrefix``).
MIN_FRAMES = 3
#: Largest plausible coordinate (and score) magnitude of an input. Real
#: skeletons are in metres (NTU: below 10), millimetres (below 1e4) or
#: pixels (below 1e5 even for 8K frames), and the test pipelines do not
#: scale them up (``PreNormalize3D*`` only moves and rotates,
#: ``PreNormalize2D`` divides by the frame size), so the model sees values
#: of the input's order. Beyond 1e6 the input is a unit or file error; the
#: bound also keeps squares and products of the model's first layers far
#: from float32's 3.4e38 (values near 1e19 and up turn into inf there, and
#: float64 values beyond 3.4e38 already in the cast to float32).
MAX_ABS_VALUE = 1e6
#: Why an array of a dtype kind cannot be a skeleton.
_DTYPE_HINTS = dict(
    b=' (True / False values are not coordinates)',
    O=(' (an object array: arrays of different shapes, e.g. persons or '
       'frames of different lengths, or None / text among the numbers; pad '
       'them into one numeric array)'),
    c=' (complex values are not coordinates)',
    U=' (text, not numbers)',
    S=' (bytes, not numbers)')
#: The axes of ``keypoint (M, T, V, C)`` (``keypoint_score`` has the first
#: three) in messages.
_AXES = ('person', 'frame', 'joint', 'channel')

PathLike = Union[str, Path]
Index = Union[int, str]


@dataclass
class SkeletonFile:
    """The samples read from one path.

    Args:
        path (str): The file or folder.
        format (str): One of :data:`FORMATS`.
        annotations (list[dict]): PoseDataset annotations, one per sample
            (one per video for pose-estimator output).
        layout (str, optional): The skeleton layout when the format or the
            caller names it; None when unknown (arrays and pickles).
    """

    path: str
    format: str
    annotations: List[Dict] = field(default_factory=list)
    layout: Optional[str] = None


@dataclass(frozen=True)
class ModelInput:
    """What a model was trained on.

    Args:
        num_joints (int): Joints per person (V).
        in_channels (int): Values per joint the encoder reads, a 2D score
            included (C, or 2 + 1 for ``keypoint_score``).
        layout (str, optional): Skeleton layout of the config.
        dims (int, optional): 2 for 2D keypoints (``PreNormalize2D``), 3 for
            3D ones (``PreNormalize3D*``), None when the pipeline does not
            tell.
    """

    num_joints: int
    in_channels: int
    layout: Optional[str] = None
    dims: Optional[int] = None

    def describe(self) -> str:
        """E.g. "'coco' 17-joint 2D poses with score (3 channels)"."""
        return _describe(self.num_joints, self.in_channels, self.layout,
                         self.dims)


def _describe(joints: int, channels: int, layout: Optional[str],
              dims: Optional[int]) -> str:
    name = f'{layout!r} ' if layout else ''
    if dims == 2:
        kind = '2D poses with score' if channels == 3 else '2D poses'
    elif dims == 3:
        kind = '3D poses'
    else:
        kind = 'poses'
    return f'{name}{joints}-joint {kind} ({channels} channels)'


def _same_topology(a: str, b: str) -> bool:
    """Layouts that only differ by name ('uav-human' is 'coco')."""
    la, lb = get_layout(a), get_layout(b)
    return la.joint_names == lb.joint_names and la.parents == lb.parents


def _layouts_with(num_joints: int) -> List[str]:
    return [
        n for n in list_layouts() if get_layout(n).num_joints == num_joints
    ]


def _config_hint(num_joints: int, channels: int, layout: Optional[str]) -> str:
    """How to get a model for an input of this shape."""
    names = [layout] if layout else _layouts_with(num_joints)
    settings = f'model.backbone.num_joints={num_joints}, ' \
               f'model.backbone.in_channels={channels}'
    if not names:
        return (f'use a config with {settings} and a layout registered '
                'with usdrl_mm.structures.register_layout')
    if len(names) == 1:
        return (f'use a config for the {names[0]!r} layout ({settings}, '
                f"model.data_preprocessor.layout='{names[0]}')")
    which = ' or '.join(repr(n) for n in names)
    return (f'use a config for the {which} layout ({settings}, '
            'model.data_preprocessor.layout set to it)')


def _as_array(value: Any, where: str, key: str = 'keypoint') -> np.ndarray:
    """``np.asarray`` with the error of a ragged nested list naming the
    input."""
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as e:
        raise ValueError(f'{where}: `{key}` is not a rectangular array '
                         f'({e})') from None


def _numeric(value: Any, where: str, key: str) -> np.ndarray:
    """``value`` as an array, refused unless it holds real floating-point
    or integer numbers.

    Args:
        value: ``keypoint`` or ``keypoint_score`` of an annotation.
        where (str): The input's name in messages.
        key (str): ``'keypoint'`` or ``'keypoint_score'``.

    Returns:
        np.ndarray: The array, not copied when ``value`` is one.
    """
    arr = _as_array(value, where, key)
    if arr.dtype.kind not in 'fiu':
        shape = '(M, T, V, C)' if key == 'keypoint' else '(M, T, V)'
        raise ValueError(f'{where}: `{key}` is a {arr.dtype} array of shape '
                         f'{arr.shape}; expected a real floating-point or '
                         f'integer array of shape {shape}'
                         f'{_DTYPE_HINTS.get(arr.dtype.kind, "")}')
    return arr


def _position(index: Sequence[int]) -> str:
    """``(0, 3, 4, 1)`` -> ``'person 0, frame 3, joint 4, channel 1'``."""
    return ', '.join(f'{axis} {int(i)}' for axis, i in zip(_AXES, index))


def _check_finite(arr: np.ndarray, where: str, key: str) -> None:
    """Refuse NaN and inf, naming how many and the first one."""
    finite = np.isfinite(arr)
    if not finite.all():
        bad = np.argwhere(~finite)
        first = tuple(bad[0])
        raise ValueError(f'{where} holds NaN or inf {key} values: '
                         f'{len(bad)} of {arr.size}, the first '
                         f'{arr[first]} at {_position(first)}')


def _check_magnitude(arr: np.ndarray, where: str, key: str) -> None:
    """Refuse finite values beyond :data:`MAX_ABS_VALUE`, naming the
    largest one (NaN and inf are left to :func:`_check_finite`)."""
    if arr.size == 0:
        return
    # float64: exact for every integer dtype (abs of the smallest int64
    # wraps) and without float16 / float32 overflow in abs
    values = arr.astype(np.float64, copy=False)
    magnitude = np.where(np.isfinite(values), np.abs(values), 0.)
    at = np.unravel_index(int(magnitude.argmax()), magnitude.shape)
    if magnitude[at] > MAX_ABS_VALUE:
        raise ValueError(f'{where}: `{key}` holds {values[at]:.6g} at '
                         f'{_position(at)}, its largest value; values '
                         f'beyond +-{MAX_ABS_VALUE:g} are not plausible '
                         '(coordinates in metres, millimetres or pixels) and '
                         'overflow the float32 arithmetic of the model: '
                         'check the units and the file')


def check_skeleton(anno: Dict,
                   expected: ModelInput,
                   where: str,
                   layout: Optional[str] = None,
                   min_frames: int = MIN_FRAMES) -> None:
    """Raise a ValueError if the skeleton cannot go into the model.

    Checks, in order: dtype (real floating-point or integer numbers), rank,
    emptiness, NaN / inf, magnitude (at most :data:`MAX_ABS_VALUE`; the
    same for ``keypoint_score``), layout (when both are known), joints,
    channels (``keypoint_score`` counts as one), 2D versus 3D, and at least
    ``min_frames`` frames with a skeleton.

    Args:
        anno (dict): ``keypoint (M, T, V, C)`` and optionally
            ``keypoint_score (M, T, V)``.
        expected (ModelInput): What the model was trained on.
        where (str): The input's name in messages (file, sample).
        layout (str, optional): The input's layout, when known.
        min_frames (int): Fewest frames with a skeleton; defaults to
            :data:`MIN_FRAMES`. 0 checks a single frame of a stream
            (:mod:`usdrl_mm.apis.streaming`), where the action is judged
            over the frames buffered so far.
    """
    kp = _numeric(anno['keypoint'], where, 'keypoint')
    if kp.ndim != 4:
        raise ValueError(f'{where} must be (M, T, V, C), got shape '
                         f'{kp.shape}')
    m, t, v, c = kp.shape
    if min(m, t, v, c) < 1:
        raise ValueError(f'{where} is empty: shape {kp.shape}')
    _check_finite(kp, where, 'keypoint')
    _check_magnitude(kp, where, 'keypoint')
    scored = 'keypoint_score' in anno
    if scored:
        score = _numeric(anno['keypoint_score'], where, 'keypoint_score')
        _check_finite(score, where, 'keypoint_score')
        _check_magnitude(score, where, 'keypoint_score')
    channels = c + scored  # FormatGCNInput appends the score
    dims = 2 if scored or c == 2 else None  # 3 values may be x, y, score
    has = _describe(v, channels, layout, dims)
    model = f'the model was trained on {expected.describe()}'
    if layout and expected.layout and not _same_topology(
            layout, expected.layout):
        raise ValueError(f'{where}: {model}; this input has {has}: '
                         f'{_config_hint(v, channels, layout)}')
    if v != expected.num_joints:
        known = f' ({has})' if layout or dims else ''
        raise ValueError(f'{where}: {model}; this input has {v} joints'
                         f'{known}: {_config_hint(v, channels, layout)}')
    if channels != expected.in_channels:
        fix = _config_hint(v, channels, layout)
        if c == 2 and not scored and expected.in_channels == 3:
            fix += ', or give keypoint_score (M, T, V) with the keypoints'
        raise ValueError(f'{where}: {model}; this input has {channels} '
                         f'channels per joint, scores included ({has}): '
                         f'{fix}')
    if dims == 2 and expected.dims == 3:
        raise ValueError(f'{where}: {model}; this input has 2D keypoints '
                         f'({has}): use a 2D config (PreNormalize2D, '
                         'keypoint_score as third channel) or 3D poses')
    # (M, T, V, C) -> (T, ): frames where anyone has a keypoint
    filled = np.any(kp != 0, axis=(0, 2, 3))
    if scored:
        filled |= np.any(np.asarray(anno['keypoint_score']) > 0, axis=(0, 2))
    if filled.sum() < min_frames:
        raise ValueError(f'{where}: too few frames: {int(filled.sum())} of '
                         f'its {t} frames hold a skeleton; actions need at '
                         f'least {min_frames}')


def as_annotations(skeletons: Any) -> List[Dict]:
    """Arrays, annotation dicts or lists of either -> annotation dicts with
    at least ``keypoint``."""
    if isinstance(skeletons, np.ndarray) or torch.is_tensor(skeletons):
        return [dict(keypoint=np.asarray(skeletons))]
    if isinstance(skeletons, dict):
        if 'annotations' in skeletons:
            return as_annotations(list(skeletons['annotations']))
        if 'keypoint' in skeletons:
            return [dict(skeletons)]
        raise ValueError('a skeleton dict needs `keypoint` (one sample) or '
                         '`annotations` (a PoseDataset file)')
    if isinstance(skeletons, (list, tuple)):
        if not skeletons:
            raise ValueError('no skeletons given')
        out = []
        for i, item in enumerate(skeletons):
            if isinstance(item, dict):
                if 'keypoint' not in item:
                    raise ValueError('annotation without `keypoint`')
                out.append(dict(item))
            else:
                out.append(dict(keypoint=_as_array(item, f"skeleton '#{i}'")))
        return out
    raise TypeError('skeletons must be an (M, T, V, C) array, a list of '
                    'them, an annotation dict, a SkeletonFile or a path, got '
                    f'{type(skeletons).__name__}')


def _is_annotation_file(obj: Any) -> bool:
    if isinstance(obj, dict):
        return 'annotations' in obj or 'keypoint' in obj
    return isinstance(obj, (list, tuple)) and bool(obj) and isinstance(
        obj[0], dict) and 'keypoint' in obj[0]


def _json_format(obj: Any) -> Optional[str]:
    """The pose-estimator format of a loaded JSON file (module docstrings
    of the converter readers), None if it matches none."""
    if isinstance(obj, dict):
        for key, fmt in (('people', 'openpose'), ('instance_info', 'mmpose'),
                         ('frames', 'mediapipe')):
            if key in obj:
                return fmt
        return None
    if not isinstance(obj, list):
        return None
    for entry in obj:  # the first frame that shows its structure
        if isinstance(entry, dict):
            if 'instances' in entry or 'keypoints' in entry:
                return 'mmpose'
            if 'pose_landmarks' in entry or 'landmarks' in entry:
                return 'mediapipe'
            return None
        if isinstance(entry, list) and entry:
            first = entry[0]
            if isinstance(first, dict) and 'keypoints' in first:
                return 'mmpose'  # a list of instances
            if isinstance(first, (dict, list)):
                return 'mediapipe'  # landmarks, or people of landmarks
            return None
    return 'mmpose'  # only empty frames: nobody to find in either format


def _read_pickle(path: str, trust: bool) -> Any:
    try:
        return load_pickle(path, trust=trust)
    except UntrustedPickleError:
        raise
    except Exception as e:  # any other unpickling failure is a bad file
        raise ValueError(f'{path}: not a readable pickle '
                         f'({type(e).__name__}: {e})') from None


def _content(path: str, trust_pickle: bool = False) -> Any:
    """The loaded ``.json`` / ``.pkl`` file, None for other paths."""
    ext = osp.splitext(path)[1].lower()
    if not osp.isfile(path) or ext not in ('.json', '.pkl', '.pickle'):
        return None
    if ext == '.json':
        return load_json(path)
    return _read_pickle(path, trust_pickle)


def _detect(path: str, content: Any) -> str:
    if osp.isdir(path):
        return 'openpose'
    ext = osp.splitext(path)[1].lower()
    if ext == '.npy':
        return 'npy'
    if ext == '.skeleton':
        return 'ntu-skeleton'
    if ext in ('.pkl', '.pickle'):
        if _is_annotation_file(content):
            return 'pkl'
        if isinstance(content, list) or (isinstance(content, dict)
                                         and 'instance_info' in content):
            return 'mmpose'
        raise ValueError(f'{path}: neither a PoseDataset annotation file '
                         '(a dict with "annotations", or samples with '
                         '"keypoint") nor MMPose results (a list of frames)')
    if ext == '.json':
        fmt = _json_format(content)
        if fmt is None:
            raise ValueError(f'{path}: cannot tell the format of this JSON '
                             '(MMPose, OpenPose or MediaPipe output); pass '
                             'the format')
        return fmt
    raise ValueError(f'{path}: cannot tell the format from the extension '
                     f'{ext!r}; expected .npy, .pkl, .json, .skeleton or an '
                     f'OpenPose folder, or pass the format (one of '
                     f'{FORMATS})')


def detect_format(path: PathLike, trust_pickle: bool = False) -> str:
    """The format (one of :data:`FORMATS`) of a file or folder, by its
    extension and, for ``.json`` / ``.pkl``, its content (``trust_pickle``
    as in :func:`load_skeletons`)."""
    path = str(path)
    if not osp.exists(path):
        raise FileNotFoundError(f'{path}: no such file or folder')
    if osp.isfile(path) and osp.getsize(path) == 0:
        raise ValueError(f'{path}: the file is empty')
    return _detect(path, _content(path, trust_pickle))


def _pick(names: Sequence[str], index: Index, path: str) -> int:
    """The position of sample ``index`` (position or name) in ``names``."""
    if isinstance(index, str):
        if index in names:
            return list(names).index(index)
        shown = ', '.join(repr(n) for n in list(names)[:5])
        more = ', ...' if len(names) > 5 else ''
        raise ValueError(f'{path}: no sample named {index!r}; it holds '
                         f'{len(names)}: {shown}{more}')
    if not -len(names) <= index < len(names):
        raise ValueError(f'{path}: index {index} is out of range; it holds '
                         f'{len(names)} samples (0 .. {len(names) - 1})')
    return int(index) % len(names)


def _pose2d_annotation(frames: List[Frame], name: str, where: str,
                       img_shape: Tuple[int, int], max_persons: int) -> Dict:
    """Per-frame people -> one tracked 2D annotation."""
    if not frames:
        raise ValueError(f'{where}: no frames')
    try:
        kp, score = track_people(frames, max_persons)
    except ValueError:
        raise ValueError(f'{where}: no person detected in any of its '
                         f'{len(frames)} frames') from None
    crowded = [len(f[0]) for f in frames if len(f[0]) > max_persons]
    if crowded:
        print_log(
            f'{where}: up to {max(crowded)} people in a frame ({len(crowded)} '
            f'of its {len(frames)} frames have more than max_persons='
            f'{max_persons}); kept the {max_persons} with the highest mean '
            'keypoint score in each frame, linked across frames into persons '
            'ordered by mean score (track_people); pass a larger max_persons '
            'to load_skeletons to keep more (the models take their '
            'model.backbone.num_persons)',
            logger='current',
            level=logging.WARNING)
    h, w = img_shape
    return dict(
        frame_dir=name,
        keypoint=kp,  # (M, T, V, 2) pixels
        keypoint_score=score,  # (M, T, V)
        total_frames=kp.shape[1],
        img_shape=(h, w),
        original_shape=(h, w))


def _ntu_reader_sample(content: Dict, path: str,
                       max_persons: int) -> List[Dict]:
    """The dict that NTU RGB+D's own ``txt2npy`` reader saves per file:
    ``skel_body{i}`` ``(T, 25, 3)`` for the i-th body listed in each frame
    (zeros where there is none). The ``max_persons`` slots of highest
    energy are kept, as the original preparation does."""
    keys = sorted((k for k in content if re.fullmatch(r'skel_body\d+', k)),
                  key=lambda k: int(k[len('skel_body'):]))
    try:
        slots = np.stack([np.asarray(content[k], np.float32) for k in keys])
    except (TypeError, ValueError) as e:
        raise ValueError(f'{path}: skel_body arrays of different shapes or '
                         f'types ({e})') from None
    if slots.ndim != 4 or slots.shape[-1] != 3:
        raise ValueError(f'{path}: skel_body arrays must be (T, V, 3), got '
                         f'{slots.shape[1:]}')
    _check_magnitude(slots, path, 'keypoint')
    # (S, T, V, 3): keep the most energetic, then the slots that hold data
    kp = most_energetic_slots(slots, max_persons)
    kp = kp[np.abs(kp).sum(axis=(1, 2, 3)) > 0]
    if not len(kp):
        raise ValueError(f'{path}: no body in any frame')
    name = str(content.get('file_name') or osp.basename(path))
    name = re.sub(r'(\.skeleton)?(\.npy)?$', '', osp.basename(name))
    return [dict(frame_dir=name, keypoint=kp, total_frames=kp.shape[1])]


def _read_npy(path: str,
              max_persons: int = 2,
              trust_pickle: bool = False) -> Tuple[List[Dict], Optional[str]]:
    """The samples of a ``.npy`` file and the layout its format fixes
    (``'nturgb+d'`` for NTU's ``txt2npy`` dicts, else None)."""
    try:
        kp = load_npy(path, trust=trust_pickle)
    except UntrustedPickleError:
        raise
    except Exception as e:  # any other failure is a bad file
        raise ValueError(f'{path}: not a readable .npy array '
                         f'({type(e).__name__}: {e})') from None
    if isinstance(kp, np.ndarray) and kp.dtype == object and kp.ndim == 0 \
            and isinstance(kp.item(), dict) and 'skel_body0' in kp.item():
        annos = _ntu_reader_sample(kp.item(), path, max_persons)
        joints = annos[0]['keypoint'].shape[2]
        return annos, 'nturgb+d' if joints == 25 else None
    if kp.dtype.kind not in 'fiu':
        raise ValueError(f'{path}: a {kp.dtype} array; expected real '
                         'floating-point or integer numbers of shape '
                         f'(M, T, V, C) or (T, V, C)'
                         f'{_DTYPE_HINTS.get(kp.dtype.kind, "")}')
    if kp.ndim == 3:
        kp = kp[None]  # (T, V, C) -> (1, T, V, C): one person
    elif kp.ndim == 5:
        raise ValueError(f'{path}: a 5-D array {kp.shape}, the (N, C, T, V, '
                         'M) layout of earlier skeleton SSL code; convert it '
                         'with tools/data/convert_skeleton_npy.py')
    elif kp.ndim != 4:
        raise ValueError(f'{path}: an array of shape {kp.shape}; expected '
                         '(M, T, V, C) or (T, V, C)')
    if kp.size == 0:
        raise ValueError(f'{path} is empty: shape {kp.shape}')
    _check_magnitude(kp, path, 'keypoint')  # before the float32 cast
    name = osp.splitext(osp.basename(path))[0]
    return [
        dict(
            frame_dir=name,
            keypoint=kp.astype(np.float32),
            total_frames=kp.shape[1])
    ], None


def _read_pkl(path: str, content: Any) -> List[Dict]:
    if not _is_annotation_file(content):
        raise ValueError(f'{path}: not a PoseDataset annotation file (a dict '
                         'with "annotations", or samples with "keypoint"); '
                         "for MMPose results pass format='mmpose'")
    if isinstance(content, dict) and 'annotations' in content \
            and not content['annotations']:
        raise ValueError(f'{path}: no samples in "annotations"')
    try:
        annos = as_annotations(content)
    except (TypeError, ValueError) as err:
        raise ValueError(f'{path}: {err}') from None
    if isinstance(content, dict) and 'annotations' not in content:
        # one sample, e.g. of ntu_pose_extraction.py: named after its file
        # when it carries no name (inference_skeleton's dict has none)
        annos[0]['frame_dir'] = annos[0].get('frame_dir') or \
            osp.splitext(osp.basename(path))[0]
    for i, anno in enumerate(annos):
        anno.setdefault('frame_dir', f'sample_{i}')
    return annos


def _read_ntu_skeleton(path: str, max_persons: int,
                       body_selection: str) -> List[Dict]:
    """A raw NTU ``.skeleton`` file as the converter reads it."""
    num_frames, tracks = read_ntu_skeleton(path)
    if not tracks:
        raise ValueError(f'{path}: no body in any frame')
    kp = arrange_bodies(tracks, num_frames, body_selection, max_persons)
    return [
        dict(
            frame_dir=osp.splitext(osp.basename(path))[0],
            keypoint=kp,
            total_frames=int(num_frames))
    ]


def load_skeletons(path: PathLike,
                   format: str = 'auto',
                   layout: Optional[str] = None,
                   index: Optional[Index] = None,
                   img_shape: Optional[Tuple[int, int]] = None,
                   max_persons: int = 2,
                   trust_pickle: bool = False,
                   body_selection: str = 'tracked') -> SkeletonFile:
    """Read skeletons from a file or an OpenPose folder.

    Args:
        path (str | Path): The input (formats in the module docstring).
        format (str): One of :data:`FORMATS`, or ``'auto'``.
        layout (str, optional): The skeleton layout. Checked against the
            data; needed only where the format does not fix it (arrays,
            pickles, MMPose results other than COCO-17, and OpenPose
            folders of 25 keypoints whose geometry does not tell BODY_25,
            ``'openpose-body25'``, from BODY_25B, ``'openpose-body25b'``).
        index (int | str, optional): Keep only this sample (position or
            ``frame_dir`` / video name) of a pickle or folder with several.
        img_shape (tuple[int, int], optional): ``(height, width)`` of the
            video. Pixel coordinates (MMPose, OpenPose) are normalised by it
            in 2D pipelines, so without it :data:`DEFAULT_IMG_SHAPE` is
            assumed with a warning; MediaPipe's normalised coordinates are
            scaled to it (the normalised pose does not depend on it).
        max_persons (int): People kept per video of pose-estimator output,
            linked across frames (the model's ``num_persons``), 1 to
            :data:`~usdrl_mm.datasets.converters.pose2d.MAX_PERSONS`. A
            warning names the videos with more people in a frame.
        trust_pickle (bool): Read ``.pkl`` input with the standard
            unpickler, which runs any code the file names. By default only
            plain data (containers, scalars, numpy arrays) is loaded and
            anything else is refused (:mod:`usdrl_mm.fileio.safe_pickle`).
        body_selection (str): How a raw NTU ``.skeleton`` file's bodies go
            into person slots, as ``convert_ntu_rgbd.py --body-selection``:
            ``'tracked'`` (default, each body whole in one slot) or
            ``'original'`` (the papers' input). The two can order the
            persons differently. The per-file dicts of NTU's ``txt2npy``
            reader hold bodies by order in the frame, so they are always
            read by the ``'original'`` rule.

    Returns:
        SkeletonFile: The annotations with the format and the layout (None
        when unknown).

    Raises:
        FileNotFoundError: If the path does not exist.
        ValueError: On an empty, unreadable or malformed input, a video
            without any person, a layout that does not fit the data, or
            25-keypoint OpenPose output whose model the geometry does not
            tell (the message names the candidates and ``layout``); the
            message names the file. Also on a ``max_persons`` out of range.
    """
    path = str(path)
    max_persons = check_max_persons(max_persons)
    if not osp.exists(path):
        raise FileNotFoundError(f'{path}: no such file or folder')
    if format != 'auto' and format not in FORMATS:
        raise ValueError(f'unknown skeleton format {format!r}; choose one of '
                         f"{FORMATS} or 'auto'")
    if layout is not None:
        try:
            layout_obj: Optional[SkeletonLayout] = get_layout(layout)
        except KeyError as e:
            raise ValueError(e.args[0]) from None
    else:
        layout_obj = None
    num_joints = layout_obj.num_joints if layout_obj else None
    if osp.isfile(path) and osp.getsize(path) == 0:
        raise ValueError(f'{path}: the file is empty')
    content = _content(path, trust_pickle)
    fmt = _detect(path, content) if format == 'auto' else format
    if fmt == 'openpose' and not osp.isdir(path):
        raise ValueError(f'{path}: OpenPose writes one JSON file per frame; '
                         'pass the folder that holds the *_keypoints.json '
                         'files of the video')
    if fmt != 'openpose' and osp.isdir(path):
        raise ValueError(f'{path} is a folder; format {fmt!r} reads a file')
    pixels = fmt in ('mmpose', 'openpose')
    if img_shape is None and pixels:
        print_log(
            f'{path}: frame size unknown; assuming {DEFAULT_IMG_SHAPE} '
            '(height, width) to normalise the pixel coordinates; pass '
            'img_shape (--img-shape) when the video differs',
            logger='current',
            level=logging.WARNING)
    hw = tuple(int(x) for x in (img_shape or DEFAULT_IMG_SHAPE))
    if len(hw) != 2 or min(hw) < 1:
        raise ValueError(f'img_shape must be a positive (height, width), '
                         f'got {img_shape}')

    def pose2d(frames: Callable[[], List[Frame]], name: str) -> Dict:
        return _pose2d_annotation(frames(), name, path, hw, max_persons)

    found = layout
    if fmt == 'npy':
        annos, fixed = _read_npy(path, max_persons, trust_pickle)
        found = found or fixed
    elif fmt == 'ntu-skeleton':
        annos = _read_ntu_skeleton(path, max_persons, body_selection)
        found = found or 'nturgb+d'
    elif fmt == 'pkl':
        if content is None:
            content = _read_pickle(path, trust_pickle)
        annos = _read_pkl(path, content)
    elif fmt == 'openpose':
        videos = find_openpose_videos(path)
        names = list(videos)
        if index is not None:
            names = [names[_pick(names, index, path)]]
            index = None
        annos = []
        for name in names:
            where = f'{path} (video {name!r})' if len(videos) > 1 else path
            annos.append(
                _pose2d_annotation(
                    read_openpose_video(videos[name], num_joints), name, where,
                    hw, max_persons))
        # the layout as convert_pose2d.py tells it: BODY_25 or BODY_25B by
        # geometry, refused with the fix when it cannot tell
        found = found or detect_openpose_layout(annos, path)
    elif fmt == 'mmpose':
        if content is None:
            is_pickle = path.lower().endswith(('.pkl', '.pickle'))
            content = (
                _read_pickle(path, trust_pickle)
                if is_pickle else load_json(path))
        name = osp.splitext(osp.basename(path))[0]
        annos = [
            pose2d(lambda: frames_from_mmpose(content, path, num_joints), name)
        ]
        if found is None and annos[0]['keypoint'].shape[2] == COCO17_JOINTS:
            found = 'coco'
    else:  # mediapipe
        name = osp.splitext(osp.basename(path))[0]
        annos = [
            pose2d(
                lambda: read_mediapipe_file(path, hw, num_joints or
                                            MEDIAPIPE_JOINTS), name)
        ]
        found = found or 'mediapipe-33'
    if not annos:
        raise ValueError(f'{path}: no samples')
    if index is not None:
        names = [str(a.get('frame_dir', i)) for i, a in enumerate(annos)]
        annos = [annos[_pick(names, index, path)]]
    if layout_obj is not None:
        for anno in annos:
            dims = np.shape(anno['keypoint'])
            v = dims[-2] if len(dims) >= 2 else None
            if v is not None and v != layout_obj.num_joints:
                raise ValueError(f'{path}: layout {layout!r} has '
                                 f'{layout_obj.num_joints} joints; sample '
                                 f'{anno.get("frame_dir")!r} has {v}')
    return SkeletonFile(path=path, format=fmt, annotations=annos, layout=found)
