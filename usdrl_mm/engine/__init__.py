from .checkpoint_files import (find_resumable_checkpoint,  # noqa: F401
                               is_intact_checkpoint)
from .checkpoint_fit import (CheckpointMismatchError,  # noqa: F401
                             add_allow_partial_argument, check_checkpoint_fit,
                             configure_checkpoint_fit)
from .hooks import *  # noqa: F401,F403
from .optim_wrappers import *  # noqa: F401,F403
