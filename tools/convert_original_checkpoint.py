"""Convert a checkpoint of the original USDRL code (DSTE or STTR) into an
mmengine checkpoint of ``usdrl_mm``.

Pretraining files (``checkpoint_XXXX.pth.tar``) become ``backbone.*`` and
``projector.*`` of ``MGFD``; downstream files (``backbone.*`` + ``fc.*``)
become ``backbone.*`` and ``cls_head.fc.*`` of a ``RecognizerGCN`` with
``USDRLClsHead`` (or ``DenseFrameHead``). The architecture and geometry are
read from the tensor shapes; the tool prints what it inferred and the model
config lines that load the result.

    python tools/convert_original_checkpoint.py \\
        checkpoint_0450.pth.tar work_dirs/usdrl_dste_ntu60_xsub_joint.pth
    python tools/convert_original_checkpoint.py SRC --print-config

The file is read with ``torch.load(weights_only=True)``. The original files
hold only tensors and plain containers; a file that also pickles training
arguments (``argparse.Namespace``) needs ``--allow-namespace``.
"""
import argparse
import os.path as osp
import pickle
import re
import sys
from typing import Any, List, Optional

import torch

import usdrl_mm  # noqa: F401  weights-only allow-list
from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.fileio import atomic_torch_save
from usdrl_mm.models.utils.original_checkpoint import (
    PE_KEY, convert_original_checkpoint, describe_original_checkpoint,
    original_model_config)


def load_weights_only(src: str, allow_namespace: bool = False) -> Any:
    """``torch.load(src, weights_only=True)``; exits with the fix when the
    file pickles something other than tensors and plain containers."""
    safe = [argparse.Namespace] if allow_namespace else []
    try:
        with torch.serialization.safe_globals(safe):
            return torch.load(src, map_location='cpu', weights_only=True)
    except (OSError, EOFError) as err:
        sys.exit(f'cannot read {src}: {err!r}')
    except (pickle.UnpicklingError, RuntimeError, AttributeError) as err:
        found = re.search(r'GLOBAL ([\w.]+)', str(err))
        name = found.group(1) if found else None
        if name == 'argparse.Namespace':
            sys.exit(
                f'{src} pickles an argparse.Namespace (training arguments, '
                'no weights), which weights-only loading refuses.\nFix: '
                'rerun with --allow-namespace, which allows that one class '
                'and nothing else, or re-save only the weights once from a '
                'Python session you trust: torch.save({"state_dict": '
                'torch.load(SRC, weights_only=False)["state_dict"]}, DST).')
        what = f'the global {name}' if name else 'a non-tensor object'
        sys.exit(f'cannot read {src} with weights-only loading: it pickles '
                 f'{what}, which the original USDRL files do not contain '
                 f'({err}).\nIf you trust the file, re-save only its '
                 'state_dict from a Python session and convert that.')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src', help='original checkpoint (.pth.tar)')
    parser.add_argument(
        'dst',
        nargs='?',
        help='output file; may be left out with --print-config')
    parser.add_argument(
        '--arch',
        choices=['auto', 'dste', 'sttr'],
        default='auto',
        help='expected backbone; auto reads it from the key names')
    parser.add_argument(
        '--num-persons',
        type=int,
        default=2,
        help='M; the weights only fix M*V (original: 2)')
    parser.add_argument(
        '--num-heads',
        type=int,
        default=1,
        help='attention heads; not visible in the shapes (original: 1)')
    parser.add_argument(
        '--print-config',
        action='store_true',
        help='only inspect: print what was inferred and the config lines; '
        'writes DST only when it is given')
    parser.add_argument(
        '--allow-namespace',
        action='store_true',
        help='allow argparse.Namespace objects in the weights-only load')
    add_force_argument(parser, 'an existing DST')
    args = parser.parse_args(argv)
    if args.dst is None and not args.print_config:
        parser.error('DST is required unless --print-config is given')
    return args


def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if args.dst and refuse_overwrite(args.dst, args.force):
        sys.exit(1)
    ckpt = load_weights_only(args.src, args.allow_namespace)
    try:
        state, info = convert_original_checkpoint(
            ckpt,
            arch=args.arch,
            num_persons=args.num_persons,
            num_heads=args.num_heads)
    except ValueError as err:
        sys.exit(f'{args.src}: {err}')

    print('\n'.join(describe_original_checkpoint(info)))
    print(original_model_config(info, args.dst or 'CONVERTED.pth'))
    if not args.dst:
        return
    epoch = ckpt.get('epoch') if isinstance(ckpt, dict) else None
    meta = dict(
        converted_from=osp.abspath(args.src),
        converter='tools/convert_original_checkpoint.py',
        source_epoch=epoch if isinstance(epoch, int) else None,
        dropped=[PE_KEY] if info.pe_rows is not None else [],
        original_config=info.to_dict())
    try:  # via a temporary: a killed run leaves no truncated DST
        atomic_torch_save(
            dict(state_dict=state, meta=meta), args.dst, force=args.force)
    except FileExistsError as err:  # written by another run meanwhile
        sys.exit(str(err))
    print(f'{args.dst}: {len(state)} tensors ({info.arch.upper()} '
          f'{info.kind})')


if __name__ == '__main__':
    main()
