"""Refuse checkpoints that do not fit the model they are loaded into.

mmengine's ``load_checkpoint`` (and the Runner's ``load_from``) only logs
missing, unexpected or mis-shaped keys, so a recognizer given an empty
state dict, an MG-FD pretraining checkpoint or another model's weights
predicts with random weights and reports a score. :func:`check_checkpoint_fit`
compares the state dict with the model and raises
:class:`CheckpointMismatchError`, which lists the keys and says what the
checkpoint seems to be. A backbone loaded into a downstream model through
its ``Pretrained`` ``init_cfg`` (with a ``prefix``) is checked by
:func:`check_pretrained_fit`: mmengine's initialiser, too, only logs what
does not fit, so a 25-joint encoder in a 13-joint linear probe would train
a classifier on a partly random, frozen encoder.
"""
import re
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from torch import nn

#: How many keys of each kind the message lists.
MAX_LISTED = 8


class CheckpointMismatchError(ValueError):
    """A checkpoint whose keys or shapes differ from the model's."""


def state_dict_of(checkpoint: Any) -> Dict[str, Any]:
    """The weights of a loaded checkpoint: its ``state_dict`` entry, or the
    checkpoint itself when it is a bare state dict; ``module.`` prefixes of
    wrapped models removed (as mmengine's loader does)."""
    if not isinstance(checkpoint, Mapping):
        return {}
    state = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state, Mapping):
        return {}
    return {re.sub(r'^module\.', '', str(k)): v for k, v in state.items()}


def _saved_model_type(checkpoint: Any) -> Optional[str]:
    """The ``model = dict(type=...)`` of the config an mmengine Runner
    stored in the checkpoint's meta, if any."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, Mapping) else None
    cfg = meta.get('cfg') if isinstance(meta, Mapping) else None
    if not isinstance(cfg, str):
        return None
    # the text is parsed, never executed (a config file is Python code);
    # mmengine's pretty_text sorts keys, so the top-level `type` of the
    # model block is the line indented by four spaces
    block = re.search(r'^model = dict\((.*?)(?=^\S|\Z)', cfg, re.M | re.S)
    found = block and re.search(r"^    type='([\w.:]+)'", block.group(1), re.M)
    return found.group(1) if found else None


def describe_checkpoint(checkpoint: Any) -> str:
    """What a checkpoint seems to be, from its meta and its key prefixes."""
    meta = checkpoint.get('meta') if isinstance(checkpoint, Mapping) else None
    state = state_dict_of(checkpoint)
    prefixes = sorted({k.split('.', 1)[0] for k in state})
    parts = []
    model_type = _saved_model_type(checkpoint)
    if model_type:
        parts.append(f'saved by a {model_type} model')
    if isinstance(meta, Mapping) and meta.get('experiment_name'):
        parts.append(f"of the run {meta['experiment_name']!r}")
    if not state:
        parts.append('holding no weights at all')
    elif 'cls_head' in prefixes:
        parts.append('a recognizer (backbone + cls_head)')
    elif 'backbone' in prefixes and {'neck', 'head', 'projector'
                                     } & set(prefixes):
        parts.append('a pretraining model (backbone + neck / head: MG-FD or '
                     'MPCT); evaluate its encoder through a downstream '
                     "config's backbone init_cfg=dict(type='Pretrained', "
                     "prefix='backbone.', checkpoint=...)")
    elif prefixes == ['backbone']:
        parts.append('an encoder alone (backbone.*); load it through the '
                     "backbone's Pretrained init_cfg")
    else:
        parts.append(f'with top-level keys {prefixes[:MAX_LISTED]} (not an '
                     'mmengine model of this project; an original USDRL '
                     'checkpoint goes through tools/'
                     'convert_original_checkpoint.py first)')
    return ', '.join(parts)


def compare_state_dicts(
    model_state: Mapping[str, Any], state: Mapping[str, Any]
) -> Tuple[List[str], List[str], List[Tuple[str, tuple, tuple]]]:
    """Missing keys, unexpected keys and ``(key, checkpoint shape, model
    shape)`` of keys whose shapes differ."""
    missing = [k for k in model_state if k not in state]
    unexpected = [k for k in state if k not in model_state]
    mismatched = []
    for key, value in state.items():
        if key in model_state and hasattr(value, 'shape'):
            want = tuple(model_state[key].shape)
            if tuple(value.shape) != want:
                mismatched.append((key, tuple(value.shape), want))
    return missing, unexpected, mismatched


def _listed(keys: Sequence[str]) -> str:
    shown = ', '.join(keys[:MAX_LISTED])
    more = len(keys) - MAX_LISTED
    return shown + (f', ... ({more} more)' if more > 0 else '')


def check_checkpoint_fit(
    model: nn.Module,
    checkpoint: Any,
    source: str = 'the checkpoint',
    opt_out: str = '--allow-partial (Python: '
    'strict=False)',
    unused_prefixes: Sequence[str] = ()
) -> None:
    """Raise :class:`CheckpointMismatchError` unless every key of the
    model's state dict is in the checkpoint with the same shape and the
    checkpoint has no other keys.

    Args:
        model (nn.Module): The model (unwrapped).
        checkpoint: The loaded checkpoint (dict with ``state_dict`` and
            ``meta``, or a bare state dict).
        source (str): The file name, for the message.
        opt_out (str): How the caller loads it anyway, for the message.
        unused_prefixes (sequence[str]): Checkpoint keys starting with one
            of these may be absent from the model (the projector and head of
            a pretraining checkpoint that a kNN config reads the encoder
            of). Missing and mis-shaped keys are refused all the same.
    """
    state = state_dict_of(checkpoint)
    state = {
        k: v
        for k, v in state.items()
        if not str(k).startswith(tuple(unused_prefixes))
    }
    missing, unexpected, mismatched = compare_state_dicts(
        model.state_dict(), state)
    if not (missing or unexpected or mismatched):
        return
    lines = [f'{source} does not fit the {type(model).__name__} model:']
    if missing:
        lines.append(f'  {len(missing)} of the model\'s '
                     f'{len(model.state_dict())} keys are missing: '
                     f'{_listed(missing)}')
    if unexpected:
        lines.append(f'  {len(unexpected)} keys are not in the model: '
                     f'{_listed(unexpected)}')
    if mismatched:
        shapes = [
            f'{k} {tuple(a)} vs {tuple(b)} in the model'
            for k, a, b in mismatched
        ]
        lines.append(f'  {len(mismatched)} keys have other shapes: '
                     f'{_listed(shapes)}')
    lines.append('  The checkpoint seems to be '
                 f'{describe_checkpoint(checkpoint)}.')
    lines.append(f'  Predicting with it would use random weights for what '
                 f'is missing. To load it anyway, pass {opt_out}.')
    raise CheckpointMismatchError('\n'.join(lines))


def pretrained_init_cfgs(
        model: nn.Module) -> List[Tuple[str, nn.Module, Dict[str, Any]]]:
    """``(module name, module, init_cfg)`` of every submodule whose
    ``init_cfg`` is (or lists) a ``Pretrained`` initialiser with a
    checkpoint, e.g. ``('backbone', DSTE, dict(type='Pretrained',
    checkpoint=..., prefix='backbone.'))``."""
    found = []
    for name, module in model.named_modules():
        init_cfg = getattr(module, 'init_cfg', None)
        cfgs = init_cfg if isinstance(init_cfg, (list, tuple)) else [init_cfg]
        for cfg in cfgs:
            if (isinstance(cfg, Mapping) and cfg.get('type') == 'Pretrained'
                    and cfg.get('checkpoint')):
                found.append((name, module, dict(cfg)))
    return found


def select_prefix(state: Mapping[str, Any], prefix: Optional[str]) -> Dict:
    """The keys under ``prefix`` with it removed, as mmengine's
    ``Pretrained`` initialiser selects them (``'backbone'`` and
    ``'backbone.'`` are the same prefix); everything without a prefix."""
    if not prefix:
        return dict(state)
    prefix = prefix if prefix.endswith('.') else prefix + '.'
    return {
        k[len(prefix):]: v
        for k, v in state.items() if k.startswith(prefix)
    }


def check_pretrained_fit(model: nn.Module,
                         opt_out: str = '--allow-partial') -> None:
    """Raise :class:`CheckpointMismatchError` unless the checkpoint of
    every ``Pretrained`` ``init_cfg`` in ``model`` (after its ``prefix``)
    holds exactly the keys and shapes of the module it initialises.

    The file is read with ``weights_only=True`` through mmengine's
    checkpoint loader, as the initialiser reads it; this check runs before
    the weights are used (:class:`~usdrl_mm.engine.hooks.CheckpointFitHook`
    calls it in ``before_train``).
    """
    from mmengine.runner.checkpoint import CheckpointLoader
    for name, module, cfg in pretrained_init_cfgs(model):
        path = cfg['checkpoint']
        checkpoint = CheckpointLoader.load_checkpoint(path, map_location='cpu')
        prefix = cfg.get('prefix')
        state = select_prefix(state_dict_of(checkpoint), prefix)
        where = (f'{path} (keys under {prefix!r}, the Pretrained init_cfg '
                 f'of model.{name or "model"})' if prefix else
                 f'{path} (the Pretrained init_cfg of model.{name})')
        check_checkpoint_fit(
            module,
            dict(
                state_dict=state,
                meta=checkpoint.get('meta')
                if isinstance(checkpoint, Mapping) else None),
            source=where,
            opt_out=opt_out)


def configure_checkpoint_fit(cfg: Any, allow_partial: bool) -> None:
    """Make a Runner config refuse a ``load_from`` / resume checkpoint
    that does not fit: add a :class:`CheckpointFitHook` to
    ``cfg.custom_hooks`` unless the config names one already (with its own
    ``unused_prefixes``); with ``allow_partial`` remove any, so the Runner
    loads what fits and logs the rest."""
    hooks = list(cfg.get('custom_hooks', None) or [])
    fit = [h for h in hooks if h.get('type') == 'CheckpointFitHook']
    if allow_partial:
        hooks = [h for h in hooks if h.get('type') != 'CheckpointFitHook']
    elif not fit:
        hooks.append(dict(type='CheckpointFitHook'))
    cfg.custom_hooks = hooks


def add_allow_partial_argument(parser: Any) -> None:
    """The ``--allow-partial`` flag of the tools that load checkpoints."""
    parser.add_argument(
        '--allow-partial',
        action='store_true',
        help='load a checkpoint whose keys or shapes do not match the model '
        '(only logged then); by default such a checkpoint is refused')
