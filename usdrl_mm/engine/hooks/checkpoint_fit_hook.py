from typing import Sequence

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..checkpoint_fit import check_checkpoint_fit, check_pretrained_fit


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Refuse a ``load_from`` / resume checkpoint that does not fit the
    model (:func:`~usdrl_mm.engine.checkpoint_fit.check_checkpoint_fit`).

    The Runner loads checkpoints with ``strict=False`` and only logs
    mismatches; this hook runs in ``after_load_checkpoint``, which the
    Runner calls after reading the file and before copying the weights
    into the model, and raises
    :class:`~usdrl_mm.engine.checkpoint_fit.CheckpointMismatchError`.
    ``tools/test.py`` and ``tools/train.py`` add it unless
    ``--allow-partial`` is given.

    In ``before_train`` it also checks the checkpoint of every ``Pretrained``
    ``init_cfg`` (the encoder of a linear probe or fine-tune) against the
    module it initialises
    (:func:`~usdrl_mm.engine.checkpoint_fit.check_pretrained_fit`).

    Args:
        unused_prefixes (sequence[str]): Checkpoint keys under these
            prefixes need not be in the model, e.g. ``('projector.',
            'head.')`` for a kNN config tested on a pretraining checkpoint.
    """

    priority = 'VERY_HIGH'

    def __init__(self, unused_prefixes: Sequence[str] = ()) -> None:
        self.unused_prefixes = tuple(unused_prefixes)

    def before_train(self, runner) -> None:
        # only when training: a test run does not initialise the weights,
        # and its config may name a pretraining file that is not there
        check_pretrained_fit(self._model(runner))

    @staticmethod
    def _model(runner):
        return runner.model.module if is_model_wrapper(
            runner.model) else runner.model

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        model = self._model(runner)
        source = runner.cfg.get('load_from') or 'the checkpoint'
        check_checkpoint_fit(
            model,
            checkpoint,
            source=source,
            opt_out='--allow-partial',
            unused_prefixes=self.unused_prefixes)
