import logging
import random
from typing import Any, Dict, List, Optional

import numpy as np
import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_gather_object, get_rank, get_world_size
from mmengine.hooks import Hook
from mmengine.logging import print_log

RandomState = Dict[str, Any]


def get_random_state() -> RandomState:
    """The states of python's, numpy's and torch's global generators (and
    CUDA's, where present). Every value loads with
    ``torch.load(weights_only=True)`` once ``usdrl_mm`` is imported."""
    state: RandomState = dict(
        python=random.getstate(),
        numpy=np.random.get_state(),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_random_state(state: RandomState) -> None:
    """Restore what :func:`get_random_state` returned."""
    python = state['python']
    # a checkpoint may store the tuple as nested lists
    random.setstate((python[0], tuple(python[1]), python[2]))
    np.random.set_state(tuple(state['numpy']))
    torch.set_rng_state(state['torch'].cpu())
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all([s.cpu() for s in state['cuda']])


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Save the random-number states in every checkpoint and restore them
    on resume, so that an interrupted and resumed run draws the same
    augmentations, dropout masks and data-loader seeds as an uninterrupted
    one.

    What makes that hold:

    - python's, numpy's and torch's (CUDA's) global generators of every
      rank are stored under ``checkpoint['random_state']`` (a list by
      rank, gathered at the end of each training epoch in distributed
      runs) and set again right before training continues, after anything
      the Runner itself seeds on resume;
    - validation runs with the generators saved before it and restored
      after it, so evaluating (which the resumed run does not repeat for
      the epoch it resumes from) does not shift the training streams;
    - data-loader workers take their seeds from torch's generator at each
      epoch (``worker_init_fn=dict(type='seed_worker_per_epoch')``, which
      the project's dataset bases set), and that generator is restored.

    Persistent data-loader workers keep their own generators across epochs,
    which no checkpoint can capture: with ``persistent_workers=True`` and
    ``num_workers > 0`` a resumed run is valid but not bit-exact.
    """

    # last in before_train / after_val: nothing after it shifts the streams
    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._gathered: Optional[List[RandomState]] = None
        self._pending: Optional[List[RandomState]] = None
        self._before_val: Optional[RandomState] = None

    def after_train_epoch(self, runner) -> None:
        # collective, so it runs on every rank before the (rank-0) save
        if get_world_size() > 1:
            self._gathered = all_gather_object(get_random_state())

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        states = self._gathered
        if states is None or len(states) != get_world_size():
            states = [get_random_state()]
        checkpoint['random_state'] = states
        self._gathered = None

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        self._pending = checkpoint.get('random_state')

    def before_train(self, runner) -> None:
        states, self._pending = self._pending, None
        if not states:
            return
        world, rank = get_world_size(), get_rank()
        if len(states) == world:
            set_random_state(states[rank])
        elif world > 1 and len(states) == 1:
            print_log(
                'RandomStateHook: the checkpoint holds the random state of '
                f'one process; {world} processes resume with their seeded '
                'states (not bit-exact)',
                logger='current',
                level=logging.WARNING)
            return
        else:
            print_log(
                f'RandomStateHook: the checkpoint holds {len(states)} random '
                f'states for {world} processes; not restored',
                logger='current',
                level=logging.WARNING)
            return
        print_log(
            'RandomStateHook: restored the random-number states of the '
            'checkpoint',
            logger='current')

    def before_val(self, runner) -> None:
        self._before_val = get_random_state()

    def after_val(self, runner) -> None:
        if self._before_val is not None:
            set_random_state(self._before_val)
            self._before_val = None
