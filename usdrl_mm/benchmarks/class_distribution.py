"""What data a benchmark actually ran on: files found, clips per class.

Real releases are often incomplete (a public subset of PKU-MMD I has the
skeletons of 218 of its 1076 labelled videos), and a split of the part that
is there can be very skewed, with classes that have a few training clips or
none. The benchmark report states both next to its numbers.
"""
import os
import os.path as osp
from typing import Dict, List, Mapping, Optional, Sequence

#: folder names of the official PKU-MMD release
PKU_SKELETONS = 'PKU_Skeleton_Renew'
PKU_LABELS = 'Train_Label_PKU_final'


def _names(folder: str, ext: str) -> set:
    if not osp.isdir(folder):
        raise FileNotFoundError(
            f'{folder} not found; the PKU-MMD root must hold '
            f'{PKU_SKELETONS}/ and {PKU_LABELS}/ as the official release '
            'unpacks them')
    return {osp.splitext(n)[0] for n in os.listdir(folder) if n.endswith(ext)}


def count_pku_files(root: str) -> Dict[str, int]:
    """Skeleton and label files under a PKU-MMD root: ``skeleton_files``,
    ``label_files``, ``videos`` (both files present), and how many of each
    kind lack the other."""
    skeletons = _names(osp.join(root, PKU_SKELETONS), '.txt')
    labels = _names(osp.join(root, PKU_LABELS), '.txt')
    return dict(
        skeleton_files=len(skeletons),
        label_files=len(labels),
        videos=len(skeletons & labels),
        labels_without_skeleton=len(labels - skeletons),
        skeletons_without_labels=len(skeletons - labels))


def class_counts(data: Mapping,
                 num_classes: int,
                 splits: Optional[Sequence[str]] = None) -> Dict[str, List]:
    """Clips per class in each split of a trimmed annotation dict (the
    ``split`` / ``annotations`` pickle of ``CheckedPoseDataset``):
    ``{split: [n_0, ..., n_{K-1}]}`` for ``splits`` (default: all)."""
    labels = {a['frame_dir']: int(a['label']) for a in data['annotations']}
    out = {}
    for split in splits if splits is not None else sorted(data['split']):
        if split not in data['split']:
            raise ValueError(f'no split {split!r} in the annotations; they '
                             f'have {sorted(data["split"])}')
        counts = [0] * num_classes
        for name in data['split'][split]:
            label = labels[name]
            if not 0 <= label < num_classes:
                raise ValueError(f'{name}: label {label} outside [0, '
                                 f'{num_classes})')
            counts[label] += 1
        out[split] = counts
    return out


def protocol_summary(counts: Mapping[str, Sequence[int]],
                     protocol: str) -> Dict:
    """Clips, classes, and the test classes without training clips (which
    no classifier can get right) of ``protocol`` from :func:`class_counts`.
    """
    train = counts[f'{protocol}_train']
    test = counts[f'{protocol}_val']
    return dict(
        train_clips=sum(train),
        test_clips=sum(test),
        train_classes=sum(1 for n in train if n),
        test_classes=sum(1 for n in test if n),
        fewest_train_clips=min((n for n in train if n), default=0),
        most_train_clips=max(train, default=0),
        test_classes_without_training=[
            c for c, (a, b) in enumerate(zip(train, test)) if b and not a
        ])


def distribution_markdown(summary: Mapping) -> str:
    """Markdown of a benchmark's ``data`` summary (see
    ``tools/analysis_tools/real_benchmark_report.py``): the files found, one
    line per protocol and the clips per class of every split."""
    lines = []
    files = summary.get('files')
    if files and 'skeleton_files' in files:
        lines.append(
            f'- {files["skeleton_files"]} skeleton files found for '
            f'{files["label_files"]} label files: {files["videos"]} videos '
            'have both; labelled videos without skeletons (skipped): '
            f'{files["labels_without_skeleton"]}.')
    for protocol, videos in summary.get('videos', {}).items():
        lines.append(f'- {protocol}: {videos["train"]} training and '
                     f'{videos["test"]} test videos.')
    for protocol, info in summary['protocols'].items():
        missing = info['test_classes_without_training']
        lines.append(
            f'- {protocol}: {info["train_clips"]} training clips of '
            f'{info["train_classes"]} classes ({info["fewest_train_clips"]} '
            f'to {info["most_train_clips"]} per class), '
            f'{info["test_clips"]} test clips of {info["test_classes"]} '
            f'classes; {len(missing)} test classes have no training clip' +
            (f' ({", ".join(map(str, missing))})' if missing else '') + '.')
    counts = summary['class_counts']
    splits = list(counts)
    present = [
        c for c in range(summary['num_classes'])
        if any(counts[s][c] for s in splits)
    ]
    note = summary.get('label_note')
    lines += [
        '', 'Clips per class (label as in the annotation pickle, 0-based' +
        (f'; {note}' if note else '') + '; '
        f'{summary["num_classes"] - len(present)} classes have no clip in '
        'any split and are not listed):', '',
        '| class | ' + ' | '.join(splits) + ' |',
        '|---|' + '---|' * len(splits)
    ]
    lines += [
        f'| {c} | ' + ' | '.join(str(counts[s][c]) for s in splits) + ' |'
        for c in present
    ]
    return '\n'.join(lines) + '\n'
