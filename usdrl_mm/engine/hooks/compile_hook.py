import weakref
from typing import Dict, Optional, Sequence

from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from torch import nn


@HOOKS.register_module()
class CompileModulesHook(Hook):
    """Compile named submodules of the model in place with ``torch.compile``
    before training (and testing).

    mmengine's own ``compile=True`` compiles the whole ``train_step``, the
    optimizer update included; on a CPU an MG-FD run then took minutes per
    step for its first steps. Compiling the encoder alone, in place
    (``nn.Module.compile``), keeps the state-dict keys free of the
    ``_orig_mod.`` prefix, so checkpoints stay interchangeable with eager
    runs. The first iterations are slow while the graphs are built.

    Args:
        modules (sequence[str]): Dotted attribute paths from the model,
            e.g. ``('backbone', )``.
        options (dict, optional): Keyword arguments of ``torch.compile``
            (``mode``, ``dynamic``, ``backend``, ...).
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 modules: Sequence[str] = ('backbone', ),
                 options: Optional[Dict] = None) -> None:
        self.modules = tuple(modules)
        self.options = dict(options or {})
        # the modules this hook compiled, so that before_test after
        # before_train does not compile them again
        self.compiled: 'weakref.WeakSet[nn.Module]' = weakref.WeakSet()

    @staticmethod
    def is_compiled(module: nn.Module) -> bool:
        """Whether ``module.compile()`` ran on the module, by anyone.

        ``_compiled_call_impl`` is private torch API: ``nn.Module.compile``
        stores the compiled ``__call__`` there (None until then). Fallback,
        should a torch drop it: False, and the hook relies on its own record
        of what it compiled.
        """
        return getattr(module, '_compiled_call_impl', None) is not None

    def compile(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        for path in self.modules:
            target = model
            for name in path.split('.'):
                if not hasattr(target, name):
                    raise AttributeError(
                        f'CompileModulesHook: the model has no {path!r} '
                        f'({type(target).__name__} lacks {name!r})')
                target = getattr(target, name)
            if target not in self.compiled and not self.is_compiled(target):
                target.compile(**self.options)
                self.compiled.add(target)
                runner.logger.info(f'compiled {path} with torch.compile'
                                   f'({self.options})')

    def before_train(self, runner) -> None:
        self.compile(runner)

    def before_test(self, runner) -> None:
        self.compile(runner)
