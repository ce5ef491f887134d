from .atomic_checkpoint_hook import AtomicCheckpointHook
from .checkpoint_fit_hook import CheckpointFitHook
from .compile_hook import CompileModulesHook
from .random_state_hook import (RandomStateHook, get_random_state,
                                set_random_state)

__all__ = [
    'AtomicCheckpointHook', 'CheckpointFitHook', 'CompileModulesHook',
    'RandomStateHook', 'get_random_state', 'set_random_state'
]
