"""Command-line arguments shared by the tools: argument types, the options
they add, and how the parsed values reach a config (``--work-dir``)."""
import argparse
import os
import os.path as osp
from typing import Tuple

import torch
from mmengine.config import Config, DictAction


def parse_encoder(text: str) -> Tuple[str, str]:
    """``NAME=CHECKPOINT`` -> ``(NAME, CHECKPOINT)``, an ``argparse``
    ``type`` for the ``--encoders`` of the tools that compare encoders
    (``eval_encoders.py``, ``tsne_features.py``).

    Raises:
        argparse.ArgumentTypeError: When the text is not ``NAME=CHECKPOINT``
            with both parts, or the checkpoint is not a file.
    """
    name, sep, ckpt = text.partition('=')
    if not sep or not name or not ckpt:
        raise argparse.ArgumentTypeError(
            f'expected NAME=CHECKPOINT, got {text!r}')
    if not osp.isfile(ckpt):
        raise argparse.ArgumentTypeError(f'checkpoint {ckpt} not found')
    return name, ckpt


CFG_OPTIONS_HELP = 'override config settings, key=value pairs'


def add_cfg_options_argument(parser: argparse.ArgumentParser,
                             flag: str = '--cfg-options',
                             help: str = CFG_OPTIONS_HELP) -> None:
    """``--cfg-options key=value ...`` as MMAction2's tools take it
    (mmengine's ``DictAction``: ``a.b=1 c="[x,y]"``)."""
    parser.add_argument(flag, nargs='+', action=DictAction, help=help)


def add_encoders_argument(parser: argparse.ArgumentParser) -> None:
    """``--encoders NAME=CHECKPOINT ...`` (required), each checked by
    :func:`parse_encoder`."""
    parser.add_argument(
        '--encoders',
        nargs='+',
        type=parse_encoder,
        required=True,
        metavar='NAME=CHECKPOINT')


def add_force_argument(parser: argparse.ArgumentParser,
                       what: str = 'an existing output') -> None:
    """``--force``: overwrite ``what`` (the help says so). A tool that has
    it checks its outputs before any work, with
    :func:`usdrl_mm.datasets.converters.io.refuse_overwrite`."""
    parser.add_argument(
        '--force', action='store_true', help=f'overwrite {what}')


def add_img_shape_argument(parser: argparse.ArgumentParser, help: str) -> None:
    """``--img-shape HEIGHT WIDTH``: the frame size 2D pose-estimator
    keypoints in pixels are normalised by."""
    parser.add_argument(
        '--img-shape',
        type=int,
        nargs=2,
        metavar=('HEIGHT', 'WIDTH'),
        help=help)


def add_launcher_arguments(parser: argparse.ArgumentParser) -> None:
    """``--launcher`` and ``--local-rank`` of ``tools/train.py`` and
    ``tools/test.py``, as MMAction2's take them; call
    :func:`export_local_rank` on the parsed arguments."""
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def apply_work_dir_argument(cfg: Config, args: argparse.Namespace) -> None:
    """``cfg.work_dir`` by the priority of MMAction2's ``tools/train.py``
    and ``tools/test.py``: ``--work-dir``, else the config's own, else
    ``./work_dirs/CONFIG_NAME`` (``args.config`` without the folder and
    the extension)."""
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])


def export_local_rank(args: argparse.Namespace) -> None:
    """``LOCAL_RANK`` from ``--local-rank`` where the launcher did not set
    it (the old ``torch.distributed.launch`` passes the flag only)."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


def check_device(device: str) -> None:
    """``--device``: a CUDA device only where CUDA is available.

    Raises:
        ValueError: Naming the option and the fix (``--device cpu``).
    """
    if device.startswith('cuda') and not torch.cuda.is_available():
        raise ValueError(f'--device {device}: no CUDA device here; use '
                         '--device cpu')
