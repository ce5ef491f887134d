"""The authors' USDRL pretraining step against usdrl_mm's, timed in one
process (``benchmark.py original CONFIG --original-repo PATH``).

Nothing of the authors' code is part of this project: the model and the
loss functions are imported at run time from the checkout the user names
(``--original-repo``; wengwanjiang/USDRL or wengwanjiang/FoundSkelModel),
by file path and under private module names, so its top-level ``model``
package cannot clash with anything importable here. What is read from it:
``model/DSTE.py`` (class ``USDRL(t_input_size, s_input_size, hidden_size,
num_head, num_layer, modality, alpha, gap, kernel_size)``, whose forward
takes the four views ``(N, C, T, V, M)`` and returns the per-view lists
``(z_t, z_s, z_i)``) and ``model/loss.py`` (``similarity(z_list,
criterion)``, ``v_ac(z)``, and ``cal_xc(z_list)`` when a cross-correlation
weight is asked for).

The original's step, as its pretraining script runs it: ``Adam(lr=5e-4,
weight_decay=1e-5)`` on all parameters; ``loss = 5 * sim + 1.0 * vac``
with ``sim = sim_i + 0.5 (sim_t + sim_s)`` (``similarity`` with
``nn.MSELoss``) and ``vac = vac_i + 0.5 (vac_t + vac_s)`` (``v_ac`` summed
over the four views), the cross-correlation weight 0 (FoundSkelModel; the
AAAI code's 1e-3 with ``original_xcorr_weight``); ``zero_grad``, backward
and step, and the loss read back to the host (``loss.item()``, which its
loop logs and checks). ``fp32``, or on a GPU its own recipe
``fp16-autocast``: forward and loss under ``torch.autocast`` with a
``GradScaler``. It runs on one device (the original wraps the model in
``nn.DataParallel`` over its GPUs). The encoder arguments are the config's
(heads, alpha, gap, kernel size, modality); the input sizes follow the
config's geometry (``t_input_size = M * V * C``, ``s_input_size = T * C``).

usdrl_mm's steps are ``model.train_step`` of the config's model (data
preprocessor, forward, loss, optim wrapper), ``hidden_dim`` overridden:
once with a plain ``OptimWrapper`` around the config's optimizer (fp32)
and once with the config's own optim wrapper, as the recipe trains
(``MixedPrecisionOptimWrapper``: fp16 autocast on a GPU, bf16 autocast on
a CPU). The loss is read back to the host each step, as mmengine's runner
does for its logs.

All three steps train on one random batch ``(N, 4, M, T, V, C)`` (the
original gets the same four views as ``(N, C, T, V, M)`` tensors); they
start from their own random weights. Their steps are interleaved round by
round (:func:`.timing.interleave`). Each row gives the median step, both
rates, ``speedup_over_original`` (the original's median step over this
row's) and ``speedup_over_original_round_median`` (the median over rounds
of the same ratio within a round), the FLOPs of one step and the achieved
GFLOP/s against the measured GEMM peak of its precision (:mod:`.flops`).
"""
import copy
import hashlib
import importlib.util
import math
import os.path as osp
import statistics
import sys
import types
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from torch import nn

from .flops import count_flops, flop_fields
from .memory import PeakMemory, in_fresh_process
from .rates import speed_summary
from .steps import build_training
from .tables import comparison_table
from .timing import interleave, machine_fields

#: The files read from the original checkout, relative to its root.
MODEL_FILE = osp.join('model', 'DSTE.py')
LOSS_FILE = osp.join('model', 'loss.py')
#: What ``--original-precision`` accepts.
ORIGINAL_PRECISIONS = ('fp32', 'fp16-autocast')
#: The four views the original's forward takes.
VIEWS = 4
#: The original pretraining script's optimizer and loss weights.
ORIGINAL_LR = 5e-4
ORIGINAL_WEIGHT_DECAY = 1e-5
SIM_WEIGHT, VAC_WEIGHT = 5.0, 1.0
GRAIN_WEIGHTS = dict(i=1.0, t=0.5, s=0.5)
#: Keys of a mixed-precision optim wrapper that a plain one does not take.
AMP_ONLY_KEYS = ('loss_scale', 'dtype', 'use_fsdp')
#: The config the original's 34 hard-coded spatial tokens fit (FoundSkelModel).
TOKENS_34_CONFIG = \
    'configs/usdrl/mgfd_dste_2xb178-joint-451e_ntu60-xsub-keypoint-2d.py'


class ComparisonError(ValueError):
    """The config or the original cannot be compared as asked."""


@dataclass
class OriginalCode:
    """What was imported from an original checkout."""
    repo: str
    model_file: str
    loss_file: str
    model_class: type
    similarity: Callable
    v_ac: Callable
    cal_xc: Optional[Callable]


def _private_package(root: str) -> str:
    """A package named after the checkout, whose path is its ``model``
    folder (so the files' relative imports resolve there)."""
    digest = hashlib.sha1(root.encode()).hexdigest()[:12]
    name = f'_usdrl_original_{digest}'
    if name not in sys.modules:
        package = types.ModuleType(name)
        package.__path__ = [osp.join(root, 'model')]
        package.__package__ = name
        sys.modules[name] = package
    return name


def _import_file(package: str, path: str) -> types.ModuleType:
    """Import ``path`` as ``package.<stem>`` (once per process)."""
    name = f'{package}.{osp.splitext(osp.basename(path))[0]}'
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        del sys.modules[name]
        raise ImportError(f'--original-repo: importing {path} failed: '
                          f'{type(e).__name__}: {e}') from e
    return module


def load_original(repo: str) -> OriginalCode:
    """The original model class and loss functions of the checkout at
    ``repo``.

    Raises:
        FileNotFoundError: ``repo`` is no directory, or lacks
            ``model/DSTE.py`` or ``model/loss.py`` (the message names the
            missing paths).
        ImportError: A file fails to import or lacks ``USDRL``,
            ``similarity`` or ``v_ac`` (named with the file).
    """
    root = osp.abspath(osp.expanduser(repo))
    if not osp.isdir(root):
        raise FileNotFoundError(
            f'--original-repo {repo}: no such directory ({root})')
    model_file, loss_file = (
        osp.join(root, f) for f in (MODEL_FILE, LOSS_FILE))
    missing = [f for f in (model_file, loss_file) if not osp.isfile(f)]
    if missing:
        raise FileNotFoundError(
            f'--original-repo {root}: missing {", ".join(missing)}; give a '
            'checkout of the USDRL code (wengwanjiang/USDRL or '
            'wengwanjiang/FoundSkelModel) with model/DSTE.py (class USDRL) '
            'and model/loss.py (similarity, v_ac)')
    package = _private_package(root)
    model_module = _import_file(package, model_file)
    loss_module = _import_file(package, loss_file)
    lacking = [
        f'{path} has no {name}'
        for path, module, name in ((model_file, model_module, 'USDRL'),
                                   (loss_file, loss_module, 'similarity'),
                                   (loss_file, loss_module, 'v_ac'))
        if not callable(getattr(module, name, None))
    ]
    if lacking:
        raise ImportError('--original-repo: ' + '; '.join(lacking))
    return OriginalCode(
        repo=root,
        model_file=model_file,
        loss_file=loss_file,
        model_class=model_module.USDRL,
        similarity=loss_module.similarity,
        v_ac=loss_module.v_ac,
        cal_xc=getattr(loss_module, 'cal_xc', None))


Geometry = Tuple[int, int, int, int]


def config_geometry(cfg: Config) -> Geometry:
    """``(M, T, V, C)`` of the config's encoder input."""
    bb = cfg.model.backbone
    return (bb.get('num_persons', 2), bb.get('clip_len', 64),
            bb.get('num_joints', 25), bb.get('in_channels', 3))


def check_config(cfg: Config) -> str:
    """Refuse what the original cannot run the same way: anything but an
    MG-FD model with a DSTE encoder on one modality taken by a
    ``SkeletonDataPreprocessor``. Returns the modality."""
    model = cfg.model
    if model.get('type') != 'MGFD' or \
            model.get('backbone', {}).get('type') != 'DSTE':
        raise ComparisonError(
            'the original comparison needs an MG-FD pretraining config with '
            f'a DSTE encoder, got model {model.get("type")!r} with backbone '
            f'{model.get("backbone", {}).get("type")!r}')
    preprocessor = model.get('data_preprocessor') or {}
    kind = preprocessor.get('type', 'SkeletonDataPreprocessor')
    if kind != 'SkeletonDataPreprocessor':
        raise ComparisonError(
            f'the original comparison takes preprocessed clips; the '
            f'config\'s data preprocessor {kind!r} augments on the device: '
            'use the per-sample config of the same recipe')
    modality = preprocessor.get('modality', 'joint')
    if not isinstance(modality, str):
        raise ComparisonError(
            'the original USDRL takes one modality, the config '
            f'asks for {modality!r}')
    return modality


def original_model_kwargs(cfg: Config, hidden_dim: int) -> Dict:
    """The arguments of the original ``USDRL`` for the config's encoder."""
    m, t, v, c = config_geometry(cfg)
    bb = cfg.model.backbone
    return dict(
        t_input_size=m * v * c,
        s_input_size=t * c,
        hidden_size=hidden_dim,
        num_head=bb.get('num_heads', 1),
        num_layer=bb.get('num_layers', 2),
        modality=check_config(cfg),
        alpha=bb.get('alpha', 0.5),
        gap=bb.get('gap', 4),
        kernel_size=bb.get('kernel_size', 1))


def check_token_counts(model: nn.Module, geometry: Geometry,
                       where: str) -> None:
    """Refuse a built original whose hard-coded token counts (the spatial
    positional table ``backbone.spe`` and the DSA mixers ``wt1``,
    design.md §17 D2) do not fit the config's geometry; a model without
    those parts is not checked."""
    m, t, v, _ = geometry
    wanted = dict(spatial=m * v, temporal=t)
    found = []
    spe = getattr(getattr(model, 'backbone', None), 'spe', None)
    if isinstance(spe, torch.Tensor) and spe.dim() == 3:
        found.append(('spatial', 'backbone.spe', spe.shape[1]))
    for name, module in model.named_modules():
        if name.endswith('DSA.wt1') and isinstance(module, nn.Linear):
            stream = 'spatial' if '.s_tr' in f'.{name}' else 'temporal'
            found.append((stream, name, module.in_features))
    wrong = [(s, n, k) for s, n, k in found if k != wanted[s]]
    if wrong:
        parts = ', '.join(f'{n} has {k} {s} tokens' for s, n, k in wrong)
        raise ComparisonError(
            f'the original model of {where} hard-codes its token counts '
            f'(design.md §17 D2): {parts}, but the config gives {t} frames '
            f'and {m} x {v} = {m * v} person-joints. FoundSkelModel '
            f'hard-codes 34 spatial tokens (2 persons x 17 joints): compare '
            f'on a config of that geometry, e.g. {TOKENS_34_CONFIG}, or use '
            'the USDRL repository (50 tokens) for NTU 3D')


def original_views(inputs: torch.Tensor) -> List[torch.Tensor]:
    """``(N, K, M, T, V, C)`` -> the K views as the original's contiguous
    ``(N, C, T, V, M)`` tensors."""
    if inputs.dim() != 6:
        raise ValueError(
            f'expected (N, K, M, T, V, C) inputs, got {tuple(inputs.shape)}')
    return [
        inputs[:, k].permute(0, 4, 2, 3, 1).contiguous()
        for k in range(inputs.shape[1])
    ]


def original_loss(code: OriginalCode,
                  z_t: Sequence[torch.Tensor],
                  z_s: Sequence[torch.Tensor],
                  z_i: Sequence[torch.Tensor],
                  xcorr_weight: float = 0.0) -> torch.Tensor:
    """The original pretraining objective from its own loss functions (see
    the module docstring)."""
    grains = dict(t=z_t, s=z_s, i=z_i)
    mse = nn.MSELoss()
    sim = sum(w * code.similarity(list(grains[g]), mse)
              for g, w in GRAIN_WEIGHTS.items())
    vac = sum(w * sum(code.v_ac(z) for z in grains[g])
              for g, w in GRAIN_WEIGHTS.items())
    loss = SIM_WEIGHT * sim + VAC_WEIGHT * vac
    if xcorr_weight:
        loss = loss + xcorr_weight * sum(w * code.cal_xc(list(grains[g]))
                                         for g, w in GRAIN_WEIGHTS.items())
    return loss


def _grad_scaler():
    """A GradScaler for fp16 on a GPU, in the API this torch has."""
    if hasattr(torch, 'amp') and hasattr(torch.amp, 'GradScaler'):
        return torch.amp.GradScaler('cuda')
    return torch.cuda.amp.GradScaler()


class OriginalStep:
    """The original model, its Adam and the four views of one batch.

    Args:
        code: :func:`load_original`'s result.
        model_kwargs: The ``USDRL`` arguments
            (:func:`original_model_kwargs`).
        inputs: The batch ``(N, 4, M, T, V, C)``, on the device.
        precision: ``'fp32'`` or ``'fp16-autocast'`` (GPU only).
        xcorr_weight: The cross-correlation weight (0 in FoundSkelModel).
        seed: Seeds the original's weight initialisation.
    """

    def __init__(self,
                 code: OriginalCode,
                 model_kwargs: Dict,
                 inputs: torch.Tensor,
                 precision: str = 'fp32',
                 xcorr_weight: float = 0.0,
                 seed: int = 0) -> None:
        if precision not in ORIGINAL_PRECISIONS:
            raise ValueError(f'original precision must be one of '
                             f'{ORIGINAL_PRECISIONS}, got {precision!r}')
        self.device = inputs.device
        if precision == 'fp16-autocast' and self.device.type != 'cuda':
            raise ComparisonError(
                'the original fp16-autocast recipe (autocast and '
                'GradScaler) needs a GPU; use fp32 on a CPU')
        if xcorr_weight and code.cal_xc is None:
            raise ImportError(f'{code.loss_file} has no cal_xc, needed for '
                              f'the cross-correlation weight {xcorr_weight}')
        if inputs.shape[1] != VIEWS:
            raise ComparisonError(f'the original takes {VIEWS} views, got '
                                  f'{inputs.shape[1]}')
        self.code = code
        self.precision = precision
        self.xcorr_weight = xcorr_weight
        torch.manual_seed(seed)
        self.model = code.model_class(**model_kwargs).to(self.device).train()
        self.optimizer = torch.optim.Adam(
            self.model.parameters(),
            lr=ORIGINAL_LR,
            weight_decay=ORIGINAL_WEIGHT_DECAY)
        self.scaler = _grad_scaler() if precision == 'fp16-autocast' \
            else None
        self.views = original_views(inputs)
        self.optim_wrapper = 'torch.optim.Adam' + (
            ' + GradScaler' if self.scaler is not None else '')

    def __call__(self) -> None:
        """One training step."""
        self.optimizer.zero_grad()
        with torch.autocast(
                self.device.type,
                dtype=torch.float16,
                enabled=self.scaler is not None):
            z_t, z_s, z_i = self.model(*self.views)
            loss = original_loss(self.code, z_t, z_s, z_i, self.xcorr_weight)
        if self.scaler is None:
            loss.backward()
            self.optimizer.step()
        else:
            self.scaler.scale(loss).backward()
            self.scaler.step(self.optimizer)
            self.scaler.update()
        value = loss.item()
        if not math.isfinite(value):
            raise RuntimeError(f'original: non-finite loss {value}')


def usdrl_mm_config(cfg: Config, hidden_dim: int, plain: bool) -> Config:
    """The config with the encoder width ``hidden_dim`` and, with
    ``plain``, a plain ``OptimWrapper`` around the same optimizer."""
    cfg = copy.deepcopy(cfg)
    cfg.model.backbone.hidden_dim = hidden_dim
    projector = cfg.model.get('projector')
    if projector is not None and projector.get('in_channels') is not None:
        projector.in_channels = hidden_dim
    if plain:
        wrapper = copy.deepcopy(cfg.optim_wrapper)
        wrapper.type = 'OptimWrapper'
        for key in AMP_ONLY_KEYS:
            wrapper.pop(key, None)
        cfg.optim_wrapper = wrapper
    return cfg


class UsdrlMMStep:
    """usdrl_mm's ``train_step`` of one config on one batch.

    Args:
        cfg: The config (:func:`usdrl_mm_config`).
        inputs: The batch ``(N, K, M, T, V, C)``, on the device.
        seed: Seeds the weight initialisation.
    """

    def __init__(self,
                 cfg: Config,
                 inputs: torch.Tensor,
                 seed: int = 0) -> None:
        torch.manual_seed(seed)
        self.model, self.optim, self.precision = build_training(
            cfg, inputs.device)
        self.optim_wrapper = type(self.optim).__name__
        self.batch = dict(inputs=inputs, data_samples=None)

    def __call__(self) -> None:
        """One training step."""
        loss = self.model.train_step(self.batch, self.optim)['loss']
        value = loss.item() if isinstance(loss, torch.Tensor) else float(loss)
        if not math.isfinite(value):
            raise RuntimeError(f'usdrl_mm: non-finite loss {value}')


#: Row names, in the order of the table.
ROWS = ('original', 'usdrl_mm-fp32', 'usdrl_mm-recipe')


def build_steps(cfg: Config,
                original_repo: str,
                device: torch.device,
                hidden_dim: int = 256,
                batch_size: int = 32,
                original_precision: str = 'fp32',
                original_xcorr_weight: float = 0.0,
                seed: int = 0,
                names: Sequence[str] = ROWS) -> Dict[str, Callable[[], None]]:
    """The steps ``names`` (of :data:`ROWS`) on one random batch drawn from
    ``seed``: the original's and usdrl_mm's in fp32 and as the recipe runs
    it."""
    if batch_size < 2:
        raise ComparisonError('batch statistics need batch_size >= 2')
    geometry = config_geometry(cfg)
    generator = torch.Generator().manual_seed(seed)
    # (N, 4 views, M, T, V, C)
    inputs = torch.randn(
        batch_size, VIEWS, *geometry, generator=generator).to(device)
    steps = {}
    for name in names:
        if name == 'original':
            code = load_original(original_repo)
            step = OriginalStep(code, original_model_kwargs(cfg, hidden_dim),
                                inputs, original_precision,
                                original_xcorr_weight, seed)
            check_token_counts(step.model, geometry, code.model_file)
        else:
            step = UsdrlMMStep(
                usdrl_mm_config(
                    cfg, hidden_dim, plain=name == 'usdrl_mm-fp32'), inputs,
                seed)
        steps[name] = step
    return steps


def step_peak_memory(name: str, cfg: Config, original_repo: str, device: str,
                     threads: int, **kwargs) -> Dict:
    """Peak memory of building the step ``name`` and running two steps, in
    this process (:func:`measure_original` calls it in a fresh one per row,
    so that no row inherits another's freed memory); ``kwargs`` go to
    :func:`build_steps`."""
    import usdrl_mm  # noqa: F401  registries, in a spawned process
    init_default_scope('mmaction')
    torch.set_num_threads(threads)
    memory = PeakMemory(torch.device(device))
    memory.start()
    step = build_steps(
        cfg, original_repo, torch.device(device), names=(name, ),
        **kwargs)[name]
    for _ in range(2):
        step()
    return dict(peak_mem_mib=memory.peak_mib(), peak_mem_kind=memory.kind)


def measure_original(cfg: Config,
                     config_path: str,
                     original_repo: str,
                     device: torch.device,
                     hidden_dim: int = 256,
                     batch_size: int = 32,
                     rounds: int = 5,
                     warmup: int = 1,
                     original_precision: str = 'fp32',
                     original_xcorr_weight: float = 0.0,
                     flops: bool = True,
                     gemm_sizes: Optional[Sequence[int]] = None,
                     seed: int = 0,
                     memory: bool = True,
                     log=print) -> List[Dict]:
    """One row per step of :data:`ROWS` (see the module docstring), with
    the peak memory of each step measured in a fresh process (NaN without
    ``memory``). ``log`` gets notes and a line per round (``None``:
    silent)."""
    if rounds < 1 or warmup < 0:
        raise ValueError('need rounds >= 1 and warmup >= 0')
    device = torch.device(device)
    ours_xcorr = float(
        cfg.model.head.get('loss_xcorr', {}).get('loss_weight', 0.0))
    if log is not None and ours_xcorr != original_xcorr_weight:
        log(f'note: the config weighs the cross-correlation term '
            f'{ours_xcorr:g}, the original step {original_xcorr_weight:g}; '
            'the objectives differ by that term')
    step_kwargs = dict(
        hidden_dim=hidden_dim,
        batch_size=batch_size,
        original_precision=original_precision,
        original_xcorr_weight=original_xcorr_weight,
        seed=seed)
    steps = build_steps(cfg, original_repo, device, **step_kwargs)
    repo = steps['original'].code.repo
    counted = {
        name: count_flops(step) if flops else None
        for name, step in steps.items()
    }
    times = interleave(steps, rounds, warmup, device, log)
    base = statistics.median(times['original'])
    rows = []
    for name, step in steps.items():
        row = dict(
            mode='original',
            row=name,
            implementation=name.split('-')[0],
            precision=step.precision,
            optim_wrapper=step.optim_wrapper)
        row.update(speed_summary(times[name], batch_size, VIEWS))
        row.update(
            original_step_s=base,
            speedup_over_original=base / row['step_s'],
            speedup_over_original_round_median=statistics.median(
                o / t for o, t in zip(times['original'], times[name])))
        row.update(
            flop_fields(counted[name], row['step_s'], step.precision, device,
                        gemm_sizes))
        row.update(
            config=osp.splitext(osp.basename(config_path))[0],
            original_repo=repo,
            hidden_dim=hidden_dim,
            batch_size=batch_size,
            rounds=rounds,
            warmup=warmup,
            loss_xcorr_weight=(original_xcorr_weight
                               if name == 'original' else ours_xcorr))
        row.update(machine_fields(device))
        rows.append(row)
    del steps
    for row in rows:
        if memory:
            row.update(
                in_fresh_process(step_peak_memory, row['row'], cfg,
                                 original_repo, str(device),
                                 torch.get_num_threads(), **step_kwargs))
        else:
            row.update(peak_mem_mib=float('nan'), peak_mem_kind='')
    return rows


def original_table(rows: Sequence[Dict]) -> str:
    """The markdown table of :func:`measure_original`."""
    return comparison_table(
        rows, ('step', lambda r: r['row']),
        ('original s/step / this (medians; per-round median)',
         lambda r: f"{r['speedup_over_original']:.2f}x; "
         f"{r['speedup_over_original_round_median']:.2f}x"))
