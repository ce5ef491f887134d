from .atomic_checkpoint_hook import AtomicCheckpointHook
from .checkpoint_fit_hook import CheckpointFitHook
from .compile_hook import CompileModulesHook
from .eval_mode_training_hook import EvalModeTrainingHook
from .random_state_hook import (RandomStateHook, get_random_state,
                                set_random_state)
from .skeleton_visualization_hook import (NoDisplayError,
                                          SkeletonVisualizationHook,
                                          has_display,
                                          trigger_visualization_hook)

__all__ = [
    'AtomicCheckpointHook', 'CheckpointFitHook', 'CompileModulesHook',
    'EvalModeTrainingHook', 'RandomStateHook', 'get_random_state',
    'set_random_state', 'NoDisplayError', 'SkeletonVisualizationHook',
    'has_display', 'trigger_visualization_hook'
]
