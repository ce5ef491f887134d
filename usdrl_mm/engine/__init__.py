from . import hooks, optim_wrappers
from .checkpoint_files import find_resumable_checkpoint, is_intact_checkpoint
from .checkpoint_fit import (CheckpointMismatchError,
                             add_allow_partial_argument, check_checkpoint_fit,
                             check_pretrained_fit, configure_checkpoint_fit)
from .hooks import *  # noqa: F401,F403
from .optim_wrappers import *  # noqa: F401,F403

__all__ = [
    'find_resumable_checkpoint', 'is_intact_checkpoint',
    'CheckpointMismatchError', 'add_allow_partial_argument',
    'check_checkpoint_fit', 'check_pretrained_fit', 'configure_checkpoint_fit',
    *hooks.__all__, *optim_wrappers.__all__
]
