"""Make an ST-GCN / ST-GCN++ / PoseC3D checkpoint released by pyskl load
into MMAction2's model (and the configs in configs/baselines/).

pyskl's heads call their classifier ``fc_cls`` where MMAction2 says ``fc``;
backbone names are the same in both (``gcn.{i}.gcn.A`` and so on). MMAction2's
own released checkpoints load as they are.

    python tools/convert_pyskl_checkpoint.py pyskl_j.pth stgcn_j.pth

The file is read with ``torch.load(weights_only=True)`` (plus the
allow-list of ``usdrl_mm``); pass ``--unsafe-load`` only for a file you
trust that still needs arbitrary unpickling.
"""
import argparse
import sys
from collections import OrderedDict
from typing import Dict, Tuple

import torch

import usdrl_mm  # noqa: F401  weights-only allow-list
from usdrl_mm.apis.arguments import add_force_argument
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.fileio import atomic_torch_save

RENAMES = (('cls_head.fc_cls.', 'cls_head.fc.'), )


def convert_state_dict(
    state: Dict[str, torch.Tensor]
) -> Tuple['OrderedDict[str, torch.Tensor]', int]:
    """Rename pyskl keys to MMAction2's; returns the dict and the number of
    renamed keys."""
    out, renamed = OrderedDict(), 0
    for key, value in state.items():
        new = key[len('module.'):] if key.startswith('module.') else key
        for old_prefix, new_prefix in RENAMES:
            if new.startswith(old_prefix):
                new = new_prefix + new[len(old_prefix):]
        renamed += new != key
        if new in out:
            raise ValueError(f'two keys map to {new!r}')
        out[new] = value
    return out, renamed


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('src')
    parser.add_argument('dst')
    parser.add_argument(
        '--unsafe-load',
        action='store_true',
        help='load with weights_only=False (trusted files)')
    add_force_argument(parser, 'an existing DST')
    args = parser.parse_args(argv)
    if refuse_overwrite(args.dst, args.force):
        sys.exit(1)

    try:
        ckpt = torch.load(
            args.src, map_location='cpu', weights_only=not args.unsafe_load)
    except Exception as err:  # UnpicklingError and friends
        sys.exit(f'cannot read {args.src} with weights-only loading ({err}).'
                 '\nIf you trust the file, rerun with --unsafe-load.')
    state = ckpt.get('state_dict', ckpt) if isinstance(ckpt, dict) else None
    if not isinstance(state, dict) or not all(
            isinstance(v, torch.Tensor) for v in state.values()):
        sys.exit(f'{args.src} holds no state dict of tensors')
    if not any(
            k.startswith(('backbone.', 'module.backbone.', 'cls_head.'))
            for k in state):
        sys.exit(f'{args.src} does not look like a recognizer checkpoint '
                 '(no backbone.* or cls_head.* keys)')
    new_state, renamed = convert_state_dict(state)
    try:  # via a temporary: a killed run leaves no truncated DST
        atomic_torch_save(
            dict(state_dict=new_state, meta=dict(converted_from=args.src)),
            args.dst,
            force=args.force)
    except FileExistsError as err:  # written by another run meanwhile
        sys.exit(str(err))
    print(f'{args.dst}: {len(new_state)} tensors, {renamed} key(s) renamed')


if __name__ == '__main__':
    main()
