import logging
from typing import Callable, Dict, List, Optional, Union

import mmengine
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from usdrl_mm.fileio import load_pickle
from usdrl_mm.structures import SpecLike, build_skeleton_spec, get_layout
from .annotation_checks import (AnnotationError, check_annotations,
                                check_skeleton)
from .label_subset import read_subset


@DATASETS.register_module()
class CheckedPoseDataset(PoseDataset):
    """MMAction2's ``PoseDataset`` that validates its annotations on load.

    Same file format and arguments as ``PoseDataset`` (a pickle with
    ``split`` and ``annotations``, or a bare list of annotations). Loading
    fails with an :class:`AnnotationError` naming every broken sample (missing
    keys, keypoint rank, NaN/inf, zero frames, label out of range, joint
    count not matching ``layout`` or differing between samples, duplicate
    names, unknown or empty split; with a skeleton spec also channels and
    score that do not match it), so a bad file stops the run before
    training starts. Data-quality findings (samples or persons that are all
    zeros, 2D data without ``img_shape``) are logged as warnings; see
    :mod:`usdrl_mm.datasets.annotation_checks` and
    ``tools/data/check_annotations.py`` for the full report.

    Args:
        ann_file (str): Path to the ``.pkl`` annotation file.
        pipeline (list): Data transforms.
        split (str, optional): Split name, e.g. ``'xsub_train'``.
        num_classes (int, optional): Labels must lie in
            ``[0, num_classes)``.
        require_label (bool): Whether every sample needs a ``label``; set
            False for unlabelled pretraining data. Defaults to True.
        subset_file (str, optional): JSON list of sample names (written by
            ``tools/data/make_label_subset.py``); only these samples of the
            split are used, e.g. 1 % of the labels for semi-supervised runs.
        layout (str, optional): Skeleton layout name (``'nturgb+d'``,
            ``'coco'``, ...); every sample must have its number of joints.
        skeleton (SkeletonSpec | dict | str, optional): The skeleton spec
            of the data (:class:`~usdrl_mm.structures.SkeletonSpec`): every
            sample must have its layout's joints, its ``coord_dims``
            coordinates and, when ``with_score``, a ``keypoint_score`` (or
            the score as the last channel) and none otherwise; samples with
            more persons than ``num_person`` are logged
            (``FormatGCNInput`` keeps the first ones). Errors name the file,
            the sample and the fix. A ``layout`` given beside it must be the
            spec's.
        trust_pickle (bool): Read ``ann_file`` with the standard unpickler,
            which runs any code the file names. By default only plain data
            (containers, scalars, numpy arrays) is loaded and a file that
            references anything else is refused
            (:mod:`usdrl_mm.fileio.safe_pickle`).
    """

    #: Warnings shown in the log; the rest are counted.
    max_warnings_shown = 5

    def __init__(self,
                 ann_file: str,
                 pipeline: List[Union[Dict, Callable]],
                 split: Optional[str] = None,
                 num_classes: Optional[int] = None,
                 require_label: bool = True,
                 subset_file: Optional[str] = None,
                 layout: Optional[str] = None,
                 trust_pickle: bool = False,
                 skeleton: Optional[SpecLike] = None,
                 **kwargs) -> None:
        self.require_label = require_label
        self.trust_pickle = trust_pickle
        self.subset_file = subset_file
        self.skeleton = build_skeleton_spec(skeleton)
        self.layout = get_layout(layout) if layout is not None else None
        if self.skeleton is not None:
            if self.layout is not None and \
                    self.layout.name != self.skeleton.layout:
                raise ValueError(
                    f'{type(self).__name__}: layout={self.layout.name!r} '
                    f'disagrees with the skeleton spec ({self.skeleton}); '
                    'give the layout once, in the spec')
            self.layout = self.skeleton.topology
        super().__init__(
            ann_file,
            pipeline=pipeline,
            split=split,
            num_classes=num_classes,
            **kwargs)

    def load_data_list(self) -> List[Dict]:
        if not self.ann_file.endswith('.pkl'):
            raise ValueError(f'{self.ann_file}: annotations must be a .pkl '
                             'file in the MMAction2 PoseDataset format')
        if not mmengine.exists(self.ann_file):
            raise FileNotFoundError(
                f'annotation file {self.ann_file} not found; for the '
                'embedded data run tools/data/generate_synthetic.py')
        data = load_pickle(self.ann_file, trust=self.trust_pickle)
        source = self.ann_file + (f' [{self.split}]' if self.split else '')
        if isinstance(data, dict):
            if 'annotations' not in data:
                raise AnnotationError(source, [
                    'top-level dict has no "annotations" key (found '
                    f'{sorted(data)})'
                ])
            annotations = data['annotations']
        elif isinstance(data, list):
            annotations = data
        else:
            raise AnnotationError(source, [
                'expected a dict with "split" and "annotations" or a list, '
                f'got {type(data).__name__}'
            ])

        if self.split is not None:
            splits = data.get('split') if isinstance(data, dict) else None
            if not splits or self.split not in splits:
                known = sorted(splits) if splits else []
                raise AnnotationError(source, [
                    f'split {self.split!r} not in the file (splits: {known})'
                ])
            names = set(splits[self.split])
            annotations = [
                a for a in annotations if isinstance(a, dict)
                and a.get('filename', a.get('frame_dir')) in names
            ]
            if not annotations:
                raise AnnotationError(
                    source,
                    [f'split {self.split!r} selects no annotated sample'])

        if self.subset_file is not None:
            annotations = self._take_subset(annotations, source)

        warnings: List[str] = []
        problems = check_annotations(
            annotations,
            self.num_classes,
            self.require_label,
            num_joints=self.layout.num_joints if self.layout else None,
            warnings=warnings)
        if self.skeleton is not None:
            problems += check_skeleton(annotations, self.skeleton, warnings)
        if problems:
            raise AnnotationError(source, problems)
        if warnings:
            shown = '\n  - '.join(warnings[:self.max_warnings_shown])
            more = len(warnings) - self.max_warnings_shown
            tail = f'\n  ... and {more} more' if more > 0 else ''
            print_log(
                f'{len(warnings)} warning(s) in {source} (run '
                f'tools/data/check_annotations.py for all):\n  - '
                f'{shown}{tail}',
                logger='current',
                level=logging.WARNING)
        return annotations

    def _take_subset(self, annotations: List[Dict], source: str) -> List[Dict]:
        names = read_subset(self.subset_file)['names']
        by_name = {
            a.get('filename', a.get('frame_dir')): a
            for a in annotations
        }
        missing = [n for n in names if n not in by_name]
        if missing:
            raise AnnotationError(source, [
                f'{len(missing)} name(s) of {self.subset_file} are not in '
                f'the split, e.g. {missing[:3]}'
            ])
        return [by_name[n] for n in names]
