import os
import os.path as osp

from mmaction.registry import HOOKS
from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from usdrl_mm.fileio import (atomic_write, publish, remove_stale_temporaries,
                             temporary_path)


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """mmengine's ``CheckpointHook`` that never leaves a work directory
    without a checkpoint to resume from.

    mmengine 0.10 deletes the oldest kept checkpoint *before* writing the
    new one, writes the new one in place and then rewrites
    ``last_checkpoint`` in place. A kill during the save (with
    ``max_keep_ckpts=1``) leaves a truncated ``epoch_N.pth``, no older one,
    and ``last_checkpoint`` naming a file that may not exist. Here:

    1. the checkpoint is written under a temporary name beside its final
       name and renamed into place when complete;
    2. ``last_checkpoint`` is replaced atomically, after the rename;
    3. the checkpoint that fell out of ``max_keep_ckpts`` is deleted last.

    A kill at any point leaves either the previous state or the new one.
    The private ``_save_checkpoint_with_step`` is overridden because the
    order of these steps is inside it; mmengine's public API has no hook
    between them. Non-local file backends (``backend_args``) keep
    mmengine's behaviour, since a rename is not atomic there.
    Arguments are those of ``CheckpointHook``.
    """

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        if not isinstance(self.file_backend, LocalBackend):
            return super()._save_checkpoint_with_step(runner, step, meta)
        outdated = None
        repeated = bool(self.keep_ckpt_ids) and self.keep_ckpt_ids[-1] == step
        if self.max_keep_ckpts > 0 and not repeated:
            # the ids go into the message hub, which the checkpoint stores,
            # so they are updated before the save (as mmengine does)
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))

        ckpt_filename = self.filename_tmpl.format(step)
        final = osp.join(self.out_dir, ckpt_filename)
        self.last_ckpt = final
        runner.message_hub.update_info('last_ckpt', final)
        if is_main_process():  # leftovers of a run killed while saving
            remove_stale_temporaries(final)
        tmp = temporary_path(final)
        runner.save_checkpoint(  # a no-op on ranks other than 0
            self.out_dir,
            osp.basename(tmp),
            self.file_client_args,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            backend_args=self.backend_args,
            **self.args)
        if not is_main_process():
            return
        publish(tmp, final, replace=True)
        atomic_write(
            osp.join(runner.work_dir, 'last_checkpoint'),
            lambda f: f.write(final.encode()),
            force=True)
        if outdated is not None and outdated != step:
            old = osp.join(self.out_dir, self.filename_tmpl.format(outdated))
            if osp.isfile(old):
                os.remove(old)
