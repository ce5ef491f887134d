from mmaction.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class EvalModeTrainingHook(Hook):
    """Train with the whole model in eval mode: DropPath and dropout off,
    BatchNorm on its running statistics, while the optimizer still updates
    every parameter.

    This is how the TPAMI code's detection script trains (its network stays
    in eval mode). mmengine's loop calls ``model.train()`` at the start of
    every epoch, after ``before_train_epoch``, so the switch happens before
    each iteration.
    """

    priority = 'VERY_LOW'

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        runner.model.eval()
