"""The ``.npy`` layout of earlier skeleton SSL code -> PoseDataset pickles.

CrosSCLR / AimCLR / UmURL / USDRL / FoundSkelModel data generators write,
per split:

- ``{split}_data_joint.npy``: float ``(N, C, T, V, M)``, zero-padded (UmURL:
  loop-padded after pre-normalisation) to T = 300 frames;
- ``{split}_label.pkl``: a pickled ``(sample_names, labels)`` pair, labels
  0-based for NTU;
- optionally ``{split}_num_frame.npy``: int ``(N, )``, the valid frames (the
  raw frame count, which may exceed T).

Each sample becomes ``keypoint (M, T', V, C)`` float32 with ``T'`` the valid
frames: the frame-count file capped at T, or without one the frames up to
the last frame with a non-zero value (data that was loop-padded to T then
counts as T frames; pass the frame-count file for it). Persons that are
all zeros are dropped, like absent persons in MMAction2's NTU pickles, so
person 0 always holds data. A sample without any non-zero value is skipped
(``empty``); a split left without samples makes the CLI refuse to write
(``usdrl_mm/datasets/converters/report.py``). Names lose their folder and
extension (``.../S001C001P001R001A001.skeleton`` -> ``S001C001P001R001A001``).

Several splits (e.g. the xsub and xview folders of UmURL) go into one
pickle; a sample listed by more than one split is stored once, and its
labels must agree.
"""
import os.path as osp
from numbers import Integral
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from usdrl_mm.fileio import load_pickle
from .report import ConversionReport

NAME_SUFFIXES = ('.skeleton', '.txt', '.npy', '.json')


def load_npy_labels(path: str,
                    trust_pickle: bool = False) -> Tuple[List[str], List[int]]:
    """Read a ``(sample_names, labels)`` pickle (data-only unpickler
    unless ``trust_pickle``).

    Raises:
        UntrustedPickleError: If the pickle references code.
        ValueError: If the file does not hold two equally long sequences of
            names and integer labels.
    """
    obj = load_pickle(path, trust=trust_pickle)
    if not (isinstance(obj, (tuple, list)) and len(obj) == 2):
        raise ValueError(f'{path}: expected a pickled (sample_names, labels) '
                         f'pair, got {type(obj).__name__}')
    names, labels = list(obj[0]), list(np.asarray(obj[1]).reshape(-1))
    if len(names) != len(labels):
        raise ValueError(f'{path}: {len(names)} names but {len(labels)} '
                         'labels')
    bad = [i for i, x in enumerate(labels) if not isinstance(x, Integral)]
    if bad:
        value = labels[bad[0]]
        # the python value: numpy 2 writes a numpy scalar as np.str_('a')
        value = value.item() if isinstance(value, np.generic) else value
        raise ValueError(f'{path}: label #{bad[0]} ({value!r}) is not an '
                         'integer')
    return [str(n) for n in names], [int(x) for x in labels]


def clean_name(name: str) -> str:
    """Drop a folder and a known extension from a sample name."""
    name = osp.basename(name.replace('\\', '/'))
    for suffix in NAME_SUFFIXES:
        if name.endswith(suffix):
            return name[:-len(suffix)]
    return name


def valid_frame_count(sample: np.ndarray) -> int:
    """``(C, T, V, M)`` -> the index after the last frame holding any
    non-zero value (0 for an all-zero sample)."""
    # (C, T, V, M) -> (T, ): does the frame hold data
    filled = np.any(sample != 0, axis=(0, 2, 3))
    return int(np.flatnonzero(filled)[-1] + 1) if filled.any() else 0


def _load_split(data_path: str, label_path: str, num_frame_path: Optional[str],
                trust_pickle: bool):
    data = np.load(data_path, mmap_mode='r')
    if data.ndim != 5:
        raise ValueError(f'{data_path}: expected (N, C, T, V, M) data, got '
                         f'shape {data.shape}')
    if data.shape[1] not in (2, 3):
        raise ValueError(f'{data_path}: C = {data.shape[1]} coordinates; '
                         'expected 2 or 3 in axis 1 of (N, C, T, V, M)')
    names, labels = load_npy_labels(label_path, trust_pickle)
    if len(names) != data.shape[0]:
        raise ValueError(f'{label_path}: {len(names)} samples but '
                         f'{data_path} holds {data.shape[0]}')
    frames = None
    if num_frame_path is not None:
        frames = np.load(num_frame_path).reshape(-1)
        if len(frames) != data.shape[0]:
            raise ValueError(f'{num_frame_path}: {len(frames)} frame counts '
                             f'but {data_path} holds {data.shape[0]} samples')
        if not np.issubdtype(frames.dtype, np.integer) or (frames < 0).any():
            raise ValueError(f'{num_frame_path}: frame counts must be '
                             'non-negative integers')
    return data, names, labels, frames


def convert_skeleton_npy(
        splits: Dict[str, Sequence[Optional[str]]],
        label_offset: int = 0,
        progress: Optional[Callable[[int, int], None]] = None,
        trust_pickle: bool = False) -> Tuple[Dict, ConversionReport]:
    """Convert one or more splits into one pickle.

    Args:
        splits (dict): ``{split_name: (data, labels[, num_frame])}`` paths,
            e.g. ``{'xsub_train': ('train_data_joint.npy', 'train_label.pkl',
            'train_num_frame.npy')}``.
        label_offset (int): Subtracted from every label (1 for 1-based
            files such as PKU-MMD II).
        progress (callable, optional): ``progress(done, total)`` per sample.
        trust_pickle (bool): Read the label pickles with the standard
            unpickler (see :func:`load_npy_labels`).

    Returns:
        tuple: The pickle dict and a :class:`ConversionReport`.

    Raises:
        ValueError: On inconsistent files (shapes, counts, labels), naming
            the file.
    """
    loaded = {}
    for key, paths in splits.items():
        if len(paths) not in (2, 3):
            raise ValueError(f'split {key!r}: expected (data, labels[, '
                             f'num_frame]) paths, got {len(paths)}')
        loaded[key] = _load_split(paths[0], paths[1],
                                  paths[2] if len(paths) == 3 else None,
                                  trust_pickle)
    total = sum(len(v[1]) for v in loaded.values())

    report = ConversionReport()
    by_name: Dict[str, Dict] = {}
    split: Dict[str, List[str]] = {}
    done = 0
    for key, (data, names, labels, frames) in loaded.items():
        members = split.setdefault(key, [])
        listed = set()
        for i, raw_name in enumerate(names):
            done += 1
            if progress is not None:
                progress(done, total)
            name = clean_name(raw_name)
            label = labels[i] - label_offset
            if label < 0:
                raise ValueError(f'{splits[key][1]}: sample {raw_name!r} has '
                                 f'label {labels[i]} < {label_offset} (the '
                                 'label offset)')
            if name in listed:
                raise ValueError(f'{splits[key][1]}: sample {name!r} is '
                                 f'listed twice in split {key!r}')
            if name in by_name:
                if by_name[name]['label'] != label:
                    raise ValueError(
                        f'{splits[key][1]}: sample {name!r} has label '
                        f'{label} but {by_name[name]["label"]} in an '
                        'earlier split')
                members.append(name)
                listed.add(name)
                report.note('shared_between_splits')
                continue
            anno = _sample(data[i], name, label,
                           None if frames is None else int(frames[i]), report)
            if anno is None:
                continue
            by_name[name] = anno
            members.append(name)
            listed.add(name)
            report.kept += 1
    return dict(split=split, annotations=list(by_name.values())), report


def _sample(sample: np.ndarray, name: str, label: int, frames: Optional[int],
            report: ConversionReport) -> Optional[Dict]:
    """One ``(C, T, V, M)`` array as an annotation, or None if empty."""
    t_max = sample.shape[1]
    if frames is None:
        frames = valid_frame_count(sample)
    elif frames > t_max:
        report.note('frame_counts_capped')
        frames = t_max
    if frames == 0:
        report.skip('empty', name)
        return None
    # (C, T, V, M) -> (M, T, V, C), valid frames only
    kp = np.asarray(sample[:, :frames]).transpose(3, 1, 2, 0)
    kp = np.ascontiguousarray(kp, dtype=np.float32)
    present = np.any(kp != 0, axis=(1, 2, 3))
    if not present.any():
        report.skip('empty', name)
        return None
    # absent persons are dropped, so person 0 always holds data
    report.note('absent_persons_dropped', int((~present).sum()))
    return dict(
        frame_dir=name,
        label=int(label),
        keypoint=kp[present],
        total_frames=int(frames))
