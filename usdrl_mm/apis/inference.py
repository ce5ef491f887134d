"""High-level inference: build a model from a config and run it on raw
skeleton arrays, as MMAction2's ``mmaction.apis`` does for videos.

Two sets of entry points:

- MMAction2's: :func:`init_recognizer` and :func:`inference_skeleton`, with
  MMAction2 1.2's signatures and return type (an ``ActionDataSample``); they
  run the project's recognizers and MMAction2's own skeleton recognizers
  (ST-GCN, ...) alike.
- The project's: :func:`init_model`, :func:`inference_recognizer`,
  :func:`extract_features`, :func:`inference_action_detector` and
  :func:`inference_action_segmentor`, which take the arrays and files below and
  return plain dicts and arrays.

Skeletons are MMAction2 ``(M, T, V, C)`` arrays (persons, frames, joints,
coordinates), annotation dicts, lists of either, or a path read by
:func:`~usdrl_mm.apis.skeleton_input.load_skeletons` (``.npy``, a
PoseDataset ``.pkl``, MMPose / MediaPipe JSON, an OpenPose folder; call it
yourself for a format, layout, sample or frame size other than the
defaults and pass the :class:`SkeletonFile`). Every input is checked
against the model's joints, channels and layout first. Clip-level
functions run the config's test pipeline, so the arrays get the same
normalisation and temporal resize as in testing; the dense functions cut
an untrimmed sequence into the config's test windows with
:class:`UntrimmedPoseDataset` and stitch the window scores back with
:func:`stitch_windows`.
"""
import copy
import functools
import logging
import os.path as osp
import tempfile
import warnings
from pathlib import Path
from typing import (Any, Callable, Dict, List, Mapping, Optional, Sequence,
                    Tuple, Union)

import mmengine
import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS
from mmaction.structures import ActionDataSample
from mmengine.dataset import Compose, pseudo_collate
from mmengine.logging import MMLogger, print_log
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import CheckpointLoader, load_state_dict
from torch import nn

from usdrl_mm.engine.checkpoint_fit import check_checkpoint_fit, state_dict_of
from usdrl_mm.evaluation.functional import (DEFAULT_PROPOSAL, mean_filter,
                                            proposals_by_rule, stitch_windows,
                                            window_record)
from usdrl_mm.models.backbones.skeleton_token_encoder import resolve_geometry
from usdrl_mm.models.necks.usdrl_pool_neck import USDRLPoolNeck
from usdrl_mm.structures.action_labels import pred_score_of
from .config_lookup import ConfigLike, dataset_cfg, load_config, proposal_rule
from .label_map import check_label_map, read_label_map
from .skeleton_input import (ModelInput, SkeletonFile, as_annotations,
                             check_skeleton, load_skeletons)

SkeletonInput = Union[np.ndarray, Sequence, Dict, str, Path, SkeletonFile]

# DEFAULT_PROPOSAL is kept importable from here (the rule itself lives with
# the proposals); inference_detector is the deprecated name of
# inference_action_detector, kept for one release
__all__ = [
    'DEFAULT_PROPOSAL', 'ConfigLike', 'SkeletonInput', 'PoseResults',
    'init_model', 'init_recognizer', 'inference_skeleton',
    'pose_results_to_annotation', 'extract_features', 'inference_recognizer',
    'inference_action_detector', 'inference_action_segmentor',
    'inference_detector', 'inference_segmentor', 'label_runs'
]


def init_model(config: ConfigLike,
               checkpoint: Optional[str] = None,
               device: Union[str, torch.device] = 'cpu',
               cfg_options: Optional[Dict] = None,
               strict: bool = True) -> nn.Module:
    """Build a model from a config and optionally load a checkpoint.

    The backbone's ``Pretrained`` ``init_cfg`` is dropped when a checkpoint
    is given (the checkpoint holds the encoder too) or when its file does
    not exist (the model then starts from its own initialisation); both are
    logged. Checkpoints are read with torch's weights-only loader, which
    accepts mmengine checkpoints because importing ``usdrl_mm`` allow-lists
    their globals.

    Args:
        config (str | Path | Config): Config file or object (not modified).
        checkpoint (str, optional): Checkpoint to load.
        device (str | torch.device): Where the model runs.
        cfg_options (dict, optional): ``--cfg-options``-style overrides,
            e.g. ``{'model.backbone.hidden_dim': 16}``.
        strict (bool): Refuse a checkpoint whose keys or shapes differ from
            the model's (:class:`~usdrl_mm.engine.CheckpointMismatchError`
            lists them). ``False`` loads what fits and logs the rest, as
            mmengine does.

    Returns:
        nn.Module: The model in eval mode with the used config in
        ``model.cfg``.
    """
    cfg = load_config(config, cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))

    backbone = cfg.model.get('backbone')
    init_cfg = backbone.get('init_cfg') if backbone is not None else None
    if isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained':
        source = init_cfg.get('checkpoint') or ''
        if checkpoint is not None or not osp.isfile(source):
            reason = ('the checkpoint replaces it'
                      if checkpoint is not None else 'the file does not exist')
            print_log(
                f'init_model: ignoring the backbone Pretrained init_cfg '
                f'({source!r}): {reason}',
                logger='current')
            backbone.init_cfg = None
    # MMAction2-style ``backbone.pretrained`` (a path or URL), by the same
    # rule (MMAction2's init_recognizer always drops it)
    pretrained = backbone.get('pretrained') if backbone is not None else None
    if pretrained and (checkpoint is not None
                       or not osp.isfile(str(pretrained))):
        print_log(
            f'init_model: ignoring backbone.pretrained ({pretrained!r})',
            logger='current')
        backbone.pretrained = None

    model = MODELS.build(cfg.model)
    if checkpoint is None:
        # mmengine logs every parameter's init at INFO; keep notes only
        logger = MMLogger.get_current_instance()
        level = logger.level
        logger.setLevel(logging.WARNING)
        try:
            model.init_weights()
        finally:
            logger.setLevel(level)
    else:
        ckpt = CheckpointLoader.load_checkpoint(checkpoint, map_location='cpu')
        if strict:
            check_checkpoint_fit(model, ckpt, source=checkpoint)
        load_state_dict(model, state_dict_of(ckpt), strict=False)
        meta = ckpt.get('meta', {}) if isinstance(ckpt, dict) else {}
        if 'dataset_meta' in meta:
            model.dataset_meta = meta['dataset_meta']
    model.cfg = cfg
    model.to(device)
    model.eval()
    return model


def init_recognizer(config: ConfigLike,
                    checkpoint: Optional[str] = None,
                    device: Union[str, torch.device, None] = None,
                    cfg_options: Optional[Dict] = None,
                    strict: bool = True) -> nn.Module:
    """MMAction2's ``init_recognizer``: a recognizer from a config, for
    :func:`inference_skeleton` (and the other functions of this module).

    The same arguments and result as ``mmaction.apis.init_recognizer``
    (1.1 and 1.2), plus ``cfg_options`` and ``strict``; it builds the
    model with :func:`init_model`. Differences from MMAction2's: the
    config is copied, not modified; ``device=None`` means ``'cuda:0'`` when
    CUDA is available and ``'cpu'`` otherwise (MMAction2's default
    ``'cuda:0'`` fails on a CPU-only machine); a checkpoint whose keys or
    shapes do not fit the model is refused unless ``strict=False``
    (MMAction2 only logs them); without a checkpoint the model gets its
    ``init_weights`` initialisation.

    Args:
        config (str | Path | Config): Config file or object.
        checkpoint (str, optional): Checkpoint to load.
        device (str | torch.device, optional): Where the model runs.
        cfg_options (dict, optional): ``--cfg-options``-style overrides.
        strict (bool): See :func:`init_model`.

    Returns:
        nn.Module: The model in eval mode with its config in ``model.cfg``.
    """
    if device is None:
        device = 'cuda:0' if torch.cuda.is_available() else 'cpu'
    return init_model(config, checkpoint, device, cfg_options, strict)


#: One frame of pose-estimator output per list entry: ``keypoints (N, V,
#: C)`` and ``keypoint_scores (N, V)`` of the frame's ``N`` persons, as
#: MMAction2's ``pose_inference`` (MMPose's ``pred_instances.to_dict()``)
#: returns them.
PoseResults = Sequence[Mapping[str, Any]]


def _pose_array(frame: Mapping[str, Any], key: str, index: int) -> np.ndarray:
    """``frame[key]`` as an array, or a ValueError naming the frame."""
    if not isinstance(frame, Mapping) or key not in frame:
        got = sorted(frame) if isinstance(frame, Mapping) \
            else type(frame).__name__
        raise ValueError(
            f'pose_results[{index}] needs {key!r} (a dict per frame with '
            "'keypoints' (N, V, C) and 'keypoint_scores' (N, V), as "
            f"MMAction2's pose_inference returns); got {got}")
    value = frame[key]
    if torch.is_tensor(value):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def pose_results_to_annotation(pose_results: PoseResults,
                               img_shape: Tuple[int, int]) -> Dict:
    """The PoseDataset annotation that MMAction2 1.2's
    ``inference_skeleton`` builds from per-frame pose results.

    Person ``p`` of the clip is the ``p``-th person of every frame's list
    (no tracking; order the persons of each frame yourself, or use
    :class:`~usdrl_mm.apis.SkeletonStream`, which tracks them); frames with
    fewer persons are zero-padded. 2D keypoints and their scores are stored
    as float16, as MMAction2 does here and in its 2D annotation files, so
    the scores equal MMAction2's; 3D keypoints (``C = 3``, which MMAction2's
    function does not take) stay float32 and need no scores.

    Args:
        pose_results (list[dict]): One dict per frame, see
            :data:`PoseResults`.
        img_shape (tuple[int, int]): ``(height, width)`` of the video, which
            ``PreNormalize2D`` normalises pixel coordinates by.

    Returns:
        dict: ``keypoint (M, T, V, C)``, ``keypoint_score (M, T, V)`` (when
        the frames have scores), ``img_shape``, ``origin_shape``,
        ``total_frames``, ``label=-1``, ``start_index``, ``modality`` and
        ``frame_dir``.

    Raises:
        ValueError: On an empty list, a frame without ``keypoints`` (or
            without ``keypoint_scores`` for 2D keypoints), shapes that differ
            between frames, or no person in any frame; the message names the
            frame.
    """
    if isinstance(pose_results, Mapping) or not len(pose_results):
        raise ValueError('pose_results must be a non-empty list with one '
                         'dict per frame')
    if len(img_shape) != 2 or min(img_shape) <= 0:
        raise ValueError('img_shape must be the (height, width) of the '
                         f'video in pixels, got {img_shape!r}')
    keypoints, scores = [], []
    for t, frame in enumerate(pose_results):
        kp = _pose_array(frame, 'keypoints', t)
        if kp.ndim != 3 or (keypoints
                            and kp.shape[1:] != keypoints[0].shape[1:]):
            expected = ('(N, V, C)' if not keypoints else
                        f'(N, {", ".join(map(str, keypoints[0].shape[1:]))})'
                        ' as in frame 0')
            raise ValueError(f"pose_results[{t}]['keypoints'] must be "
                             f'{expected}, got shape {kp.shape}')
        keypoints.append(kp)
        if kp.shape[-1] == 2 or 'keypoint_scores' in frame:
            score = _pose_array(frame, 'keypoint_scores', t)
            if score.shape != kp.shape[:2]:
                raise ValueError(f"pose_results[{t}]['keypoint_scores'] must "
                                 f'be (N, V) = {kp.shape[:2]}, got shape '
                                 f'{score.shape}')
            scores.append(score)
    if scores and len(scores) != len(keypoints):
        raise ValueError('keypoint_scores must be given in every frame or '
                         'in none')
    num_persons = max(len(kp) for kp in keypoints)
    if num_persons == 0:
        raise ValueError(f'no person in any of the {len(keypoints)} frames '
                         'of pose_results')
    num_joints, channels = keypoints[0].shape[1:]
    dtype = np.float16 if channels == 2 else np.float32
    # (T, M, V, C) as the frames come, then MMAction2's (M, T, V, C)
    keypoint = np.zeros((len(keypoints), num_persons, num_joints, channels),
                        dtype=dtype)
    keypoint_score = np.zeros((len(keypoints), num_persons, num_joints),
                              dtype=dtype)
    for t, kp in enumerate(keypoints):
        keypoint[t, :len(kp)] = kp
        if scores:
            keypoint_score[t, :len(kp)] = scores[t]
    h, w = (int(x) for x in img_shape)
    anno = dict(
        frame_dir='',
        label=-1,
        img_shape=(h, w),
        origin_shape=(h, w),
        start_index=0,
        modality='Pose',
        total_frames=len(keypoints),
        keypoint=keypoint.transpose(1, 0, 2, 3))
    if scores:
        anno['keypoint_score'] = keypoint_score.transpose(1, 0, 2)
    return anno


def _test_pipeline(model: nn.Module) -> Compose:
    """The pipeline ``tools/test.py`` runs: the test (else validation)
    dataset's, else the config's ``test_pipeline``."""
    cfg = model.cfg
    steps = dataset_cfg(cfg).get('pipeline') or cfg.get('test_pipeline')
    if not steps:
        raise ValueError('the config has neither a test_dataloader (or '
                         'val_dataloader) dataset pipeline nor a '
                         'test_pipeline: pass test_pipeline=')
    return Compose(copy.deepcopy(list(steps)))


def _known_model_input(model: nn.Module) -> Optional[ModelInput]:
    """What the project's encoders expect (:func:`model_input`); ``None``
    for a backbone that does not say (MMAction2's ST-GCN, ...)."""
    backbone = getattr(model, 'backbone', None)
    if not all(
            hasattr(backbone, key) for key in ('num_joints', 'in_channels',
                                               'num_persons', 'clip_len')):
        return None
    return model_input(model)


@torch.no_grad()
def inference_skeleton(
        model: nn.Module,
        pose_results: PoseResults,
        img_shape: Tuple[int, int],
        test_pipeline: Optional[Compose] = None) -> ActionDataSample:
    """MMAction2's ``inference_skeleton``: classify the pose-estimator output
    of one video.

    The same arguments and result as ``mmaction.apis.inference_skeleton``
    of MMAction2 1.2 (1.1 has no such function); for the same model and
    input the scores are equal (tested on MMAction2's ST-GCN). The input is
    built as MMAction2 builds it (:func:`pose_results_to_annotation`) and
    goes through ``test_pipeline``, else the pipeline of the config's test
    dataset, i.e. what ``tools/test.py`` runs (MMAction2 reads the
    config's ``test_pipeline`` variable, which its configs also give to
    the test dataset; the project's configs define only the latter).
    Beyond MMAction2's: the frames are checked (one message per problem,
    naming the frame), the annotation is checked against what a project
    encoder was trained on (joints, channels, 2D / 3D, see
    :func:`check_skeleton`), 3D keypoints ``(N, V, 3)`` are accepted, and
    NaN / inf scores are refused.

    Args:
        model (nn.Module): A recognizer from :func:`init_recognizer` (or
            :func:`init_model`, or MMAction2's ``init_recognizer``).
        pose_results (list[dict]): One dict per frame with ``keypoints (N,
            V, C)`` and ``keypoint_scores (N, V)`` (optional for 3D), e.g.
            MMAction2's ``pose_inference`` output.
        img_shape (tuple[int, int]): ``(height, width)`` of the video.
        test_pipeline (Compose, optional): The pipeline to run instead of
            the config's.

    Returns:
        ActionDataSample: The model's prediction. Its class scores are in
        ``pred_score`` on MMAction2 1.2 and ``pred_scores.item`` on 1.1 (as
        MMAction2's function returns them);
        :func:`~usdrl_mm.structures.action_labels.pred_score_of` reads
        either.

    Raises:
        ValueError: On malformed pose results, an input the model was not
            trained on, or NaN / inf scores.
        TypeError: When the model does not predict class scores (a dense
            model: use :func:`inference_action_detector` or
            :func:`inference_action_segmentor`).
    """
    anno = pose_results_to_annotation(pose_results, img_shape)
    expected = _known_model_input(model)
    if expected is not None:
        check_skeleton(anno, expected, 'pose_results')
        warn_dropped_persons(anno['keypoint'].shape[0], persons_taken(model),
                             'pose_results')
    pipeline = test_pipeline if test_pipeline is not None \
        else _test_pipeline(model)
    init_default_scope(model.cfg.get('default_scope', 'mmaction'))
    sample = model.test_step(pseudo_collate([pipeline(anno)]))[0]
    try:
        scores = clip_scores(sample)
    except KeyError:
        raise TypeError(
            'inference_skeleton needs a recognizer that '
            'predicts class scores; for a dense model use '
            'inference_action_detector or inference_action_segmentor'
        ) from None
    check_output(scores, 'pose_results', 'class scores')
    return sample


def configured_geometry(cfg: ConfigLike) -> Dict[str, int]:
    """Joints, channels, persons and clip length a config's backbone will
    expect, resolved from its skeleton spec or its loose numbers as the
    backbone resolves them, without building the model (to check inputs
    and options before any weight is allocated). Built, the model gives
    the same through :func:`encoder_geometry`."""
    backbone = load_config(cfg).model.backbone
    _, channels, joints, persons = resolve_geometry(
        backbone.get('skeleton'), backbone.get('in_channels'),
        backbone.get('num_joints'), backbone.get('num_persons'),
        backbone.get('num_modalities', 1), backbone.get('type', 'backbone'))
    return dict(
        num_joints=joints,
        in_channels=channels,
        num_persons=persons,
        clip_len=int(backbone.get('clip_len', 64)))


def encoder_geometry(model: nn.Module) -> Dict[str, int]:
    """Joints, channels, persons and clip length the built backbone
    expects."""
    backbone = model.backbone
    cfg = model.cfg.model.backbone
    return {
        key: int(getattr(backbone, key, cfg.get(key)))
        for key in ('num_joints', 'in_channels', 'num_persons', 'clip_len')
    }


def model_input(model: nn.Module) -> ModelInput:
    """Joints, channels, layout and 2D / 3D of the model's training input:
    the layout of the data preprocessor (else the test dataset's), the
    dimension from the test pipeline's ``PreNormalize2D`` /
    ``PreNormalize3D*``."""
    geometry = encoder_geometry(model)
    dataset = dataset_cfg(model.cfg)
    layout = getattr(getattr(model, 'data_preprocessor', None), 'layout', None)
    layout = getattr(layout, 'name', layout) or dataset.get('layout')
    types = [step.get('type', '') for step in dataset.get('pipeline', [])]
    dims = None
    if 'PreNormalize2D' in types:
        dims = 2
    elif any(t.startswith('PreNormalize3D') for t in types):
        dims = 3
    return ModelInput(
        num_joints=geometry['num_joints'],
        in_channels=geometry['in_channels'],
        layout=layout if isinstance(layout, str) else None,
        dims=dims)


def _read_inputs(
        model: nn.Module,
        skeletons: SkeletonInput) -> Tuple[List[Dict], Optional[SkeletonFile]]:
    """Annotations of any accepted input, and the file they came from. A
    path is read with :func:`load_skeletons` (``format='auto'``), keeping
    the model's ``num_persons`` people of pose-estimator output."""
    if isinstance(skeletons, (str, Path)):
        skeletons = load_skeletons(
            skeletons, max_persons=encoder_geometry(model)['num_persons'])
    if isinstance(skeletons, SkeletonFile):
        return [dict(a) for a in skeletons.annotations], skeletons
    return as_annotations(skeletons), None


def persons_taken(model: nn.Module) -> int:
    """Persons per sample the model gets: ``num_person`` of the test
    pipeline's ``FormatGCNInput``, else the backbone's ``num_persons``."""
    for step in dataset_cfg(model.cfg).get('pipeline', []):
        if step.get('type') == 'FormatGCNInput' and 'num_person' in step:
            return int(step['num_person'])
    return encoder_geometry(model)['num_persons']


def _where(anno: Dict, index: int, source: Optional[SkeletonFile]) -> str:
    """The name of an input sample in messages: the file, the file and the
    sample, or the sample."""
    name = anno.get('frame_dir', f'#{index}')
    if source is None:
        return f'skeleton {name!r}'
    if len(source.annotations) > 1:
        return f'{source.path} sample {name!r}'
    return source.path


def _persons(first: int, stop: int) -> str:
    """``'0, 1'`` or ``'2 to 9'`` for persons ``first .. stop - 1``."""
    if stop - first > 4:
        return f'{first} to {stop - 1}'
    return ', '.join(str(i) for i in range(first, stop))


def warn_dropped_persons(num_persons: int, taken: int, where: str) -> None:
    """Say which persons ``FormatGCNInput`` keeps of an input with more
    than the model takes, by which rule, and how to keep others."""
    if num_persons <= taken:
        return
    print_log(
        f'{where}: {num_persons} persons, the model takes {taken}: keeping '
        f'person{"s" * (taken > 1)} {_persons(0, taken)} and dropping '
        f'{_persons(taken, num_persons)}. The test pipeline '
        f'(FormatGCNInput) keeps the first {taken} along the persons axis M '
        'in the order of the input (load_skeletons orders pose-estimator '
        'output by mean keypoint score, most confident first); to keep '
        'others, put them first (e.g. keypoint[[2, 0]] for persons 2 and '
        '0) or use a model with a larger model.backbone.num_persons',
        logger='current',
        level=logging.WARNING)


def check_output(values: np.ndarray, where: str, what: str) -> None:
    """Refuse NaN / inf model outputs of an input that passed the
    checks."""
    bad = int(np.size(values) - np.isfinite(values).sum())
    if bad:
        raise ValueError(f"{where}: the model's {what} are not finite "
                         f'({bad} of {np.size(values)} are NaN or inf) '
                         'although the input passed the checks: the '
                         'checkpoint may hold NaN / inf weights (a diverged '
                         'training run) or the model overflows float32 on '
                         'this input; try the checkpoint on a known-good '
                         'input')


def _checked(anno: Dict, index: int, expected: ModelInput,
             source: Optional[SkeletonFile], taken: int) -> Dict:
    """Validate one annotation against the model (see
    :func:`check_skeleton`), warn when it has more than the ``taken``
    persons the model gets, and fill the keys the pipelines read
    (``total_frames``, ``frame_dir``)."""
    where = _where(anno, index, source)
    check_skeleton(anno, expected, where,
                   source.layout if source is not None else None)
    kp = np.asarray(anno['keypoint'])
    warn_dropped_persons(kp.shape[0], taken, where)
    out = dict(anno, keypoint=kp.astype(np.float32))
    out.setdefault('frame_dir', f'sample_{index}')
    out.setdefault('total_frames', kp.shape[1])
    out.setdefault('start_index', 0)
    out.setdefault('modality', 'Pose')
    return out


def clip_pipeline(model: nn.Module, clip_len: int) -> Compose:
    """The config's test pipeline with its resize set to ``clip_len``, or,
    when it does not produce whole clips (dense configs), the config's
    normalisation + ``TemporalCropResize`` + ``FormatGCNInput`` +
    ``PackActionInputs``."""
    geometry = encoder_geometry(model)
    steps = copy.deepcopy(list(dataset_cfg(model.cfg).get('pipeline', [])))
    types = [step['type'] for step in steps]
    if 'TemporalCropResize' in types and 'PackActionInputs' in types:
        steps[types.index('TemporalCropResize')]['clip_len'] = clip_len
        return Compose(steps)
    normalise = [s for s in steps if s['type'].startswith('PreNormalize')]
    if not normalise and geometry['in_channels'] == 3:
        normalise = [dict(type='PreNormalize3DPerFrame')]
    return Compose(normalise + [
        dict(
            type='TemporalCropResize',
            clip_len=clip_len,
            ratio=1.0,
            mode='center'),
        dict(type='FormatGCNInput', num_person=geometry['num_persons']),
        dict(type='PackActionInputs'),
    ])


def _packed_clips(model: nn.Module, skeletons: SkeletonInput,
                  clip_len: Optional[int]) -> Tuple[List[str], List[Dict]]:
    """The names (as in messages) and the packed clips of the inputs."""
    geometry = encoder_geometry(model)
    pipeline = clip_pipeline(model, clip_len or geometry['clip_len'])
    expected = model_input(model)
    taken = persons_taken(model)
    annos, source = _read_inputs(model, skeletons)
    wheres = [_where(anno, i, source) for i, anno in enumerate(annos)]
    return wheres, [
        pipeline(_checked(anno, i, expected, source, taken))
        for i, anno in enumerate(annos)
    ]


def _batches(items: List, batch_size: int) -> List[List]:
    return [items[i:i + batch_size] for i in range(0, len(items), batch_size)]


@torch.no_grad()
def extract_features(model: nn.Module,
                     skeletons: SkeletonInput,
                     clip_len: Optional[int] = None,
                     batch_size: int = 16) -> np.ndarray:
    """Pooled clip features ``(N, 2D)`` of the encoder.

    Every sample goes through the clip pipeline (see :func:`clip_pipeline`),
    the backbone and :class:`USDRLPoolNeck`; the features of a sample's
    clips are averaged.

    Args:
        model (nn.Module): A model from :func:`init_model` with a two-stream
            backbone (DSTE / STTR).
        skeletons: An ``(M, T, V, C)`` array, a list of them, an annotation
            dict (one sample or a PoseDataset file), a path (see
            :func:`load_skeletons`) or a :class:`SkeletonFile`.
        clip_len (int, optional): Frames per clip; defaults to the
            backbone's ``clip_len`` (DSTE needs exactly that).
        batch_size (int): Clips per forward pass.

    Returns:
        np.ndarray: ``(N, 2D)`` float32 features, one row per sample.

    Raises:
        ValueError: On an input the model cannot take (see
            :func:`check_skeleton`) and on NaN / inf features, naming the
            sample.
    """
    pool = USDRLPoolNeck()
    out = []
    wheres, clips = _packed_clips(model, skeletons, clip_len)
    for batch in _batches(clips, batch_size):
        data = model.data_preprocessor(pseudo_collate(batch), False)
        inputs = data['inputs']  # (N, num_clips, M, T, V, C)
        # the backbone itself rather than model.extract_feat, whose
        # signature differs between recognizers and pretraining algorithms:
        # (N, num_clips, M, T, V, C) -> (N*num_clips, M, T, V, C)
        feats = model.backbone(inputs.flatten(0, 1))
        if not isinstance(feats, (tuple, list)) or len(feats) != 2:
            raise TypeError('extract_features needs a two-stream backbone '
                            'returning (temporal, spatial) tokens')
        pooled = pool(feats)  # (N*num_clips, 2D)
        # (N*num_clips, 2D) -> (N, num_clips, 2D): average the clips
        pooled = pooled.view(inputs.shape[0], -1, pooled.shape[-1]).mean(1)
        out.append(pooled.float().cpu().numpy())
    feats = np.concatenate(out, axis=0)
    for where, row in zip(wheres, feats):
        check_output(row, where, 'features')
    return feats


def clip_scores(sample) -> np.ndarray:
    """(K,) class scores of a predicted sample, from either MMAction2."""
    return pred_score_of(sample).float().cpu().numpy()


@torch.no_grad()
def inference_recognizer(model: nn.Module,
                         skeletons: SkeletonInput,
                         label_map: Optional[str] = None,
                         batch_size: int = 16) -> Union[Dict, List[Dict]]:
    """Classify skeleton clips with a recognizer (``USDRLClsHead``).

    Args:
        model (nn.Module): A recognizer from :func:`init_model`.
        skeletons: As for :func:`extract_features`.
        label_map (str, optional): Text file with one class name per line
            (:func:`~usdrl_mm.apis.read_label_map`); adds ``label_name`` to
            every result.
        batch_size (int): Clips per forward pass.

    Returns:
        dict | list[dict]: ``dict(label=int, score=float, scores=(K,)
        array)`` per sample; a single dict for a single array or sample
        dict, a list otherwise (paths included).

    Raises:
        ValueError: On an input the model cannot take (see
            :func:`check_skeleton`), on NaN / inf scores, naming the
            sample, and on a label map without one name per class. Persons
            beyond the model's are dropped with a warning.
        FileNotFoundError: When ``label_map`` is not a file.
    """
    names = read_label_map(label_map) if label_map is not None else None
    results = []
    wheres, clips = _packed_clips(model, skeletons, None)
    for batch in _batches(clips, batch_size):
        for sample in model.test_step(pseudo_collate(batch)):
            scores = clip_scores(sample)  # (K,)
            check_output(scores, wheres[len(results)], 'class scores')
            label = int(scores.argmax())
            result = dict(
                label=label, score=float(scores[label]), scores=scores)
            if names is not None:
                check_label_map(names, scores.shape[0], label_map)
                result['label_name'] = names[label]
            results.append(result)
    one_sample = isinstance(skeletons, dict) and 'keypoint' in skeletons
    if isinstance(skeletons, np.ndarray) or one_sample:
        return results[0]
    return results


@torch.no_grad()
def _frame_scores(model: nn.Module,
                  sequence: SkeletonInput,
                  batch_size: int = 16) -> np.ndarray:
    """Stitched per-frame scores ``(T, K)`` of an untrimmed sequence, with
    the config's test windows (``clip_len``, ``stride``,
    ``frame_interval``) and window pipeline."""
    annos, source = _read_inputs(model, sequence)
    if len(annos) != 1:
        where = source.path if source is not None else 'the input'
        raise ValueError(
            'dense inference takes one untrimmed sequence; '
            f'{where} holds {len(annos)}: pick one with '
            'load_skeletons(path, index=...) (--index in the demo)')
    where = _where(annos[0], 0, source)
    anno = _checked(annos[0], 0, model_input(model), source,
                    persons_taken(model))
    anno.setdefault('segments', np.zeros((0, 3), dtype=np.int64))
    window_cfg = copy.deepcopy(dict(dataset_cfg(model.cfg)))
    if window_cfg.get('type') != 'UntrimmedPoseDataset':
        raise ValueError('dense inference needs a config whose test dataset '
                         'is an UntrimmedPoseDataset (a detection / '
                         'segmentation config)')
    with tempfile.TemporaryDirectory() as tmp:
        ann_file = osp.join(tmp, 'sequence.pkl')
        mmengine.dump(dict(annotations=[anno]), ann_file)
        window_cfg.update(
            ann_file=ann_file, split=None, test_mode=True, num_classes=None)
        window_cfg.pop('data_root', None)
        dataset = DATASETS.build(window_cfg)
        windows = [dataset[i] for i in range(len(dataset))]
    records = []
    for batch in _batches(windows, batch_size):
        for sample in model.test_step(pseudo_collate(batch)):
            if 'pred_frame_scores' not in sample:
                raise TypeError('dense inference needs a DenseFrameHead')
            records.append(window_record(sample.to_dict()))
    scores, _ = stitch_windows(records)[anno['frame_dir']]
    check_output(scores, where, 'frame scores')
    return scores  # (T, K), background at index 0


def inference_action_detector(model: nn.Module,
                              sequence: SkeletonInput,
                              proposal: Optional[Mapping] = None,
                              batch_size: int = 16) -> List[Dict]:
    """Temporal action detection on one untrimmed ``(M, T, V, C)``
    sequence.

    Named so as not to clash with MMDetection's ``inference_detector``
    (image object detection), which MMAction2's demos import beside
    MMAction2's own API; ``inference_detector`` is this function's
    deprecated name.

    Args:
        model (nn.Module): A dense model (``DenseFrameHead``) from
            :func:`init_model`.
        sequence: The sequence: an array, an annotation dict with
            ``keypoint`` (and ``keypoint_score`` for 2D data), a path or a
            :class:`SkeletonFile` holding one sample.
        proposal (dict, optional): ``method`` and options of
            :func:`generate_proposals`; defaults to the config's
            ``PKUDetectionMetric`` rule
            (:func:`~usdrl_mm.apis.config_lookup.proposal_rule`), else
            :data:`~usdrl_mm.evaluation.functional.DEFAULT_PROPOSAL`.
        batch_size (int): Windows per forward pass.

    Returns:
        list[dict]: ``dict(label, start, end, score)`` per proposal with a
        0-based action ``label`` (background excluded, as in the
        annotations' ``segments``) and an exclusive ``end`` frame.
    """
    if proposal is None:
        proposal = proposal_rule(model.cfg)
    scores = _frame_scores(model, sequence, batch_size)
    return [
        dict(label=label - 1, start=start, end=end, score=score)
        for label, start, end, score in proposals_by_rule(scores, proposal)
    ]


_deprecation_warned: set = set()


def _renamed(function: Callable, old: str, clash: str) -> Callable:
    """``function`` under its old name ``old``, which clashed with
    ``clash``: the same call, with a ``DeprecationWarning`` once per process
    that points at the caller."""

    @functools.wraps(function)
    def alias(*args, **kwargs):
        if old not in _deprecation_warned:
            _deprecation_warned.add(old)
            warnings.warn(
                f'usdrl_mm.apis.{old} is deprecated and will be removed in '
                f'the next release: call {function.__name__} (same arguments '
                f'and result); the old name clashes with {clash}',
                DeprecationWarning,
                stacklevel=2)
        return function(*args, **kwargs)

    alias.__name__ = alias.__qualname__ = old
    alias.__doc__ = (
        f'Deprecated name of :func:`{function.__name__}` (it clashed with '
        f'{clash}); it warns once per process (``DeprecationWarning``) and '
        'will be removed in the release after 0.1.')
    return alias


def inference_action_segmentor(model: nn.Module,
                               sequence: SkeletonInput,
                               smooth: int = 1,
                               batch_size: int = 16) -> Dict:
    """Per-frame action labels of one untrimmed ``(M, T, V, C)`` sequence.

    Args:
        model (nn.Module): A dense model from :func:`init_model`.
        sequence: As for :func:`inference_action_detector`.
        smooth (int): Mean-filter the stitched scores over this many frames
            before the argmax (1 = none).
        batch_size (int): Windows per forward pass.

    Returns:
        dict: ``labels (T,)`` int64 with 0 = background and ``c + 1`` for
        action ``c``, ``scores (T, K)`` (smoothed when ``smooth > 1``) and
        ``segments``, the runs of one action label as
        ``dict(label, start, end, score)`` like
        :func:`inference_action_detector` returns (0-based ``label``,
        exclusive ``end``, ``score`` the run's mean score of that class).
    """
    if int(smooth) < 1:
        raise ValueError(f'smooth must be >= 1 frame, got {smooth}')
    scores = _frame_scores(model, sequence, batch_size)
    if smooth > 1:
        scores = mean_filter(scores, int(smooth))
    labels = scores.argmax(-1).astype(np.int64)
    return dict(
        labels=labels, scores=scores, segments=label_runs(labels, scores))


def label_runs(labels: np.ndarray, scores: np.ndarray) -> List[Dict]:
    """Maximal runs of one non-background frame label.

    Args:
        labels (np.ndarray): ``(T,)`` frame labels, 0 = background.
        scores (np.ndarray): ``(T, K)`` frame scores.

    Returns:
        list[dict]: ``dict(label=c, start, end, score)`` per run of label
        ``c + 1``, ``end`` exclusive, ``score`` the mean of ``scores[:, c +
        1]`` over the run.
    """
    labels = np.asarray(labels)
    change = np.flatnonzero(labels[1:] != labels[:-1]) + 1
    starts = np.concatenate([[0], change]).astype(int)
    ends = np.concatenate([change, [len(labels)]]).astype(int)
    return [
        dict(
            label=int(labels[s]) - 1,
            start=int(s),
            end=int(e),
            score=float(scores[s:e, labels[s]].mean()))
        for s, e in zip(starts, ends) if len(labels) and labels[s] != 0
    ]


inference_detector = _renamed(inference_action_detector, 'inference_detector',
                              "MMDetection's inference_detector")
inference_segmentor = _renamed(inference_action_segmentor,
                               'inference_segmentor',
                               "MMSegmentation 0.x's inference_segmentor")
