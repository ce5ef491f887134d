"""Save a freshly initialised model as a checkpoint.

The random-init baseline of a pretraining config: the same encoder with the
initialisation a training run would start from, stored where linear-probe
and kNN configs expect a pretrained checkpoint.

    python tools/misc/init_checkpoint.py CONFIG OUT.pth [--seed 0]
"""
import argparse
import os
import os.path as osp
import sys

from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner import set_random_seed

import usdrl_mm  # noqa: F401  registries
from usdrl_mm.apis.arguments import (add_cfg_options_argument,
                                     add_force_argument)
from usdrl_mm.apis.config_lookup import load_config
from usdrl_mm.datasets.converters.io import refuse_overwrite
from usdrl_mm.fileio import atomic_torch_save


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('out')
    parser.add_argument('--seed', type=int, default=0)
    add_force_argument(parser, 'an existing file')
    add_cfg_options_argument(parser)
    args = parser.parse_args()
    if refuse_overwrite(args.out, args.force):
        sys.exit(1)

    cfg = load_config(args.config, args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    set_random_seed(args.seed)
    model = MODELS.build(cfg.model)
    model.init_weights()
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    checkpoint = dict(
        state_dict=model.state_dict(),
        meta=dict(
            seed=args.seed,
            config=osp.basename(args.config),
            note='random initialisation, not trained'))
    try:  # via a temporary: a killed run leaves no truncated OUT
        atomic_torch_save(checkpoint, args.out, force=args.force)
    except FileExistsError as err:  # written by another run meanwhile
        sys.exit(str(err))
    n = sum(p.numel() for p in model.parameters())
    print(f'{args.out}: {type(model).__name__} with {n:,} parameters, '
          f'initialised with seed {args.seed}')


if __name__ == '__main__':
    main()
