"""What a skeleton clip holds, written down once: layout, persons, channels.

A :class:`SkeletonSpec` names the joint layout (a registered
:class:`~usdrl_mm.structures.SkeletonLayout`), the number of persons a clip
is padded to, the coordinate dimensions and whether a pose-estimator score
follows the coordinates. Everything that used to repeat these numbers by
hand reads them from the spec instead:

- ``CheckedPoseDataset(skeleton=...)`` checks every annotation against it
  when it loads (:meth:`SkeletonSpec.check`, :meth:`SkeletonSpec.problems`);
- ``SkeletonDataPreprocessor(skeleton=...)`` takes the bone parents and the
  coordinate channels from it, so bone and motion average a score channel
  instead of differencing it (:mod:`usdrl_mm.structures.modality`);
- ``DSTE`` / ``STTR(skeleton=...)`` take their joint, person and channel
  counts from it.

Spelling follows MMAction2: ``num_person`` as in ``FormatGCNInput`` and
``FormatRawSkeleton``. In a config the spec is a dict::

    skeleton = dict(layout='coco', num_person=2, coord_dims=2,
                    with_score=True)

The channel layout of a clip is ``coord_dims`` coordinates, then the score
when ``with_score`` (MMAction2's ``FormatGCNInput`` appends
``keypoint_score`` as the last channel): ``in_channels = coord_dims +
with_score``.
"""
from dataclasses import asdict, dataclass, fields
from typing import Any, List, Mapping, Optional, Sequence, Tuple, Union

import numpy as np

from .skeleton_layout import SkeletonLayout, get_layout

#: Coordinate dimensions a spec may declare.
COORD_DIMS = (2, 3)


@dataclass(frozen=True)
class SkeletonSpec:
    """The geometry of a skeleton clip ``(M, T, V, C)``.

    Args:
        layout (str): A registered layout name (``'nturgb+d'``,
            ``'coco'``, ...; see :func:`~usdrl_mm.structures.list_layouts`).
            It fixes V and the bone parents. A :class:`SkeletonLayout`
            object is accepted if it is the one registered under its name.
        num_person (int): Persons M a clip is padded (or cut) to, as
            ``FormatGCNInput(num_person=...)``. Defaults to 2.
        coord_dims (int): Coordinates per joint: 3 (x, y, z) or 2 (x, y).
            Defaults to 3.
        with_score (bool): A keypoint score follows the coordinates (2D
            pose-estimator output; ``keypoint_score`` in the annotations).
            Defaults to False.
    """

    layout: str
    num_person: int = 2
    coord_dims: int = 3
    with_score: bool = False

    def __post_init__(self) -> None:
        layout = self.layout
        if isinstance(layout, SkeletonLayout):
            try:
                registered = get_layout(layout.name)
            except KeyError:
                registered = None
            if registered is not layout:
                raise ValueError(
                    f'layout {layout.name!r} is not the registered layout of '
                    'that name; register it with register_layout first')
            object.__setattr__(self, 'layout', layout.name)
        elif isinstance(layout, str):
            get_layout(layout)  # KeyError naming the registered layouts
        else:
            raise TypeError('layout must be a registered layout name, got '
                            f'{type(layout).__name__}')
        if isinstance(self.num_person, bool) or not isinstance(
                self.num_person, (int, np.integer)) or self.num_person < 1:
            raise ValueError(
                f'num_person must be an integer >= 1, got {self.num_person!r}')
        if self.coord_dims not in COORD_DIMS:
            raise ValueError(f'coord_dims must be one of {COORD_DIMS}, got '
                             f'{self.coord_dims!r}')
        if not isinstance(self.with_score, (bool, np.bool_)):
            raise TypeError(
                f'with_score must be a bool, got {self.with_score!r}')
        object.__setattr__(self, 'num_person', int(self.num_person))
        object.__setattr__(self, 'coord_dims', int(self.coord_dims))
        object.__setattr__(self, 'with_score', bool(self.with_score))

    # ---------------------------------------------------------------- sizes
    @property
    def topology(self) -> SkeletonLayout:
        """The registered :class:`SkeletonLayout` of :attr:`layout`."""
        return get_layout(self.layout)

    @property
    def num_joints(self) -> int:
        """Joints per person V, from the layout."""
        return self.topology.num_joints

    @property
    def parents(self) -> Tuple[int, ...]:
        """The layout's bone parents."""
        return self.topology.parents

    @property
    def in_channels(self) -> int:
        """Channels per joint C of a formatted clip: the coordinates, plus
        one for the score."""
        return self.coord_dims + int(self.with_score)

    @property
    def coord_channels(self) -> int:
        """The leading channels that are coordinates; what the modality
        functions call ``coord_channels`` (channels after it are scores,
        which bone and motion average instead of differencing)."""
        return self.coord_dims

    @property
    def num_tokens(self) -> int:
        """Spatial tokens of a DSTE / STTR: one per person-joint, M * V."""
        return self.num_person * self.num_joints

    # ----------------------------------------------------------- building
    @classmethod
    def build(cls, cfg: 'SpecLike') -> 'SkeletonSpec':
        """A spec from a spec (returned as is), a dict or ``ConfigDict`` of
        its fields, or a layout name (the other fields at their defaults).

        ``num_persons`` is refused with a pointer to MMAction2's
        ``num_person``; other unknown keys name the accepted ones.
        """
        if isinstance(cfg, SkeletonSpec):
            return cfg
        if isinstance(cfg, (str, SkeletonLayout)):
            return cls(layout=cfg)
        if not isinstance(cfg, Mapping):
            raise TypeError('a skeleton spec is a SkeletonSpec, a dict of '
                            f'{_field_names()} or a layout name, got '
                            f'{type(cfg).__name__}')
        cfg = dict(cfg)
        cfg.pop('type', None)  # dict(type='SkeletonSpec', ...) is allowed
        unknown = sorted(set(cfg) - set(_field_names()))
        if unknown:
            hint = (" (MMAction2's spelling is num_person, as in "
                    'FormatGCNInput)' if 'num_persons' in unknown else '')
            raise TypeError(f'unknown skeleton spec key(s) {unknown}{hint}; '
                            f'the keys are {_field_names()}')
        if 'layout' not in cfg:
            raise TypeError('a skeleton spec needs a layout, e.g. '
                            "dict(layout='nturgb+d')")
        return cls(**cfg)

    def to_dict(self) -> dict:
        """The fields as a plain dict (a config value)."""
        return asdict(self)

    # ------------------------------------------------------------- checks
    def problems(self,
                 shape: Sequence[int],
                 has_score: bool = False,
                 check_joints: bool = True,
                 formatted: bool = False) -> Tuple[List[str], List[str]]:
        """``(errors, warnings)`` of a keypoint array of ``shape`` against
        the spec; every message says how to fix it.

        By default ``shape`` is an annotation's ``keypoint (M, T, V, C)``
        and ``has_score`` whether the annotation carries ``keypoint_score
        (M, T, V)``, which ``FormatGCNInput`` appends as the last channel.
        As in MMAction2's pose pickles, C must be ``coord_dims``, with a
        ``keypoint_score`` when ``with_score`` and without one otherwise.
        More persons than ``num_person`` is a warning (``FormatGCNInput``
        keeps the first ``num_person``).

        ``formatted`` checks a clip after ``FormatGCNInput`` instead:
        exactly ``num_person`` persons and ``in_channels`` channels, the
        score (if any) already the last one. ``check_joints`` False leaves V
        to a caller that checks it itself.
        """
        errors: List[str] = []
        warnings: List[str] = []
        if len(shape) != 4:
            return [
                f'keypoint must be (M, T, V, C), got shape {tuple(shape)}'
            ], warnings
        m, _, v, c = (int(s) for s in shape)
        if check_joints and v != self.num_joints:
            errors.append(
                f'keypoint has {v} joints but the skeleton layout '
                f'{self.layout!r} has {self.num_joints}: convert the data '
                '(tools/data/select_joints.py) or set the layout of the '
                'skeleton spec to the one the data has')
        if formatted:
            errors += self._clip_channel_problems(c)
            if m != self.num_person:
                errors.append(
                    f'the clip has {m} persons but the skeleton spec has '
                    f'num_person={self.num_person}: pad or cut them with '
                    f'FormatGCNInput(num_person={self.num_person})')
            return errors, warnings
        errors += self._channel_problems(c, has_score)
        if m > self.num_person:
            warnings.append(
                f'keypoint has {m} persons but the skeleton spec has '
                f'num_person={self.num_person}: FormatGCNInput keeps the '
                f'first {self.num_person}; set num_person={m} to keep them '
                'all')
        return errors, warnings

    def _clip_channel_problems(self, c: int) -> List[str]:
        """Channels of a formatted clip: ``in_channels`` exactly."""
        if c == self.in_channels:
            return []
        score = ' and a score' if self.with_score else ''
        return [
            f'the clip has {c} channels but the skeleton spec gives '
            f'{self.in_channels} ({self.coord_dims} coordinates{score}): set '
            'coord_dims / with_score to what the pipeline delivers '
            '(FormatGCNInput appends keypoint_score when the samples have '
            'it)'
        ]

    def _channel_problems(self, c: int, has_score: bool) -> List[str]:
        """Channels of an annotation: ``coord_dims``, and a separate
        ``keypoint_score`` exactly when ``with_score``."""
        d = self.coord_dims
        if c != d:
            fixes = []
            if c in COORD_DIMS:
                fixes.append(f'coord_dims={c} if these are {c}D points')
            if c == d + 1 and not has_score:
                fixes.append(f'keep {d} coordinates in keypoint and move the '
                             'score to keypoint_score (M, T, V), with '
                             'with_score=True')
            fix = ' or '.join(fixes) or \
                'coord_dims to the dimension of the data'
            return [
                f'keypoint has {c} channels but the skeleton spec declares '
                f'{d} coordinates: set {fix}'
            ]
        if has_score and not self.with_score:
            return [
                'the sample carries keypoint_score, which FormatGCNInput '
                f'appends as channel {d + 1}, but the skeleton spec has '
                'with_score=False: set with_score=True, or drop '
                'keypoint_score from the annotations'
            ]
        if self.with_score and not has_score:
            return [
                'the skeleton spec has with_score=True but the sample has no '
                'keypoint_score: set with_score=False, or add the scores '
                '(keypoint_score (M, T, V))'
            ]
        return []

    def check(self,
              keypoint: Any,
              name: str = 'keypoint',
              keypoint_score: Optional[Any] = None,
              formatted: bool = False) -> None:
        """Raise a ``ValueError`` naming ``name`` and the fix when the
        array disagrees with the spec in joints, channels or persons.

        The rules are those of :meth:`problems`, except that more persons
        than ``num_person`` (a warning there, as a dataset may drop them)
        is an error: a single sample checked on its own is meant to fit.

        Args:
            keypoint (np.ndarray): ``(M, T, V, C)`` keypoints of a sample
                (or anything with a ``shape``).
            name (str): What to call it in the message, e.g. the sample
                name.
            keypoint_score (np.ndarray, optional): The sample's scores,
                ``(M, T, V)``; their presence is checked against
                ``with_score``.
            formatted (bool): ``keypoint`` is a clip after
                ``FormatGCNInput``: exactly ``num_person`` persons and
                ``in_channels`` channels (see :meth:`problems`).
        """
        errors, warnings = self.problems(
            np.shape(keypoint),
            keypoint_score is not None,
            formatted=formatted)
        errors += warnings  # the only warning: persons beyond num_person
        if errors:
            raise ValueError(f'{name}: ' + '; '.join(errors))

    def __str__(self) -> str:
        score = ' + score' if self.with_score else ''
        return (f'{self.layout} ({self.num_joints} joints), '
                f'{self.num_person} person(s), {self.coord_dims}D{score}')


#: What :meth:`SkeletonSpec.build` accepts.
SpecLike = Union[SkeletonSpec, Mapping, str, SkeletonLayout]


def _field_names() -> List[str]:
    return [f.name for f in fields(SkeletonSpec)]


def build_skeleton_spec(cfg: Optional[SpecLike]) -> Optional[SkeletonSpec]:
    """:meth:`SkeletonSpec.build`, passing ``None`` through (an optional
    ``skeleton=`` argument)."""
    return None if cfg is None else SkeletonSpec.build(cfg)
