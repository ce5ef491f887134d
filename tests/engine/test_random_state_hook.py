"""Random-number states in checkpoints, restored on resume; validation
leaves the training streams alone; per-epoch worker seeds."""
import random
from types import SimpleNamespace

import numpy as np
import torch

from usdrl_mm.datasets import seed_worker_per_epoch
from usdrl_mm.engine import RandomStateHook


def draws():
    return (random.random(), float(np.random.rand()), float(torch.rand(1)))


def test_saved_states_load_weights_only_and_restore(tmp_path):
    hook = RandomStateHook()
    checkpoint = {}
    torch.manual_seed(1)
    np.random.seed(1)
    random.seed(1)
    hook.before_save_checkpoint(None, checkpoint)
    expected = draws()
    path = str(tmp_path / 'ckpt.pth')
    torch.save(checkpoint, path)
    loaded = torch.load(path, weights_only=True)  # the allow-list suffices

    draws()  # the streams move on (a crash, a new process, ...)
    hook.after_load_checkpoint(None, loaded)
    hook.before_train(None)
    assert draws() == expected


def test_validation_does_not_shift_the_training_streams():
    hook = RandomStateHook()
    torch.manual_seed(2)
    np.random.seed(2)
    random.seed(2)
    state = (random.getstate(), np.random.get_state(), torch.get_rng_state())
    expected = draws()
    random.setstate(state[0])
    np.random.set_state(state[1])
    torch.set_rng_state(state[2])
    hook.before_val(None)
    draws()  # what evaluation consumes
    hook.after_val(None)
    assert draws() == expected


def test_a_checkpoint_without_states_changes_nothing():
    hook = RandomStateHook()
    hook.after_load_checkpoint(None, {})
    torch.manual_seed(3)
    before = torch.get_rng_state()
    hook.before_train(SimpleNamespace())
    assert torch.equal(torch.get_rng_state(), before)


def test_workers_are_seeded_from_torchs_per_epoch_seed():
    """Two epochs give two base seeds, hence different draws; the same base
    seed gives the same draws (what a resume relies on)."""
    seen = []
    for base in (100, 200, 100):
        torch.manual_seed(base)  # what DataLoader does in a worker
        seed_worker_per_epoch(0)
        seen.append((random.random(), float(np.random.rand())))
    assert seen[0] != seen[1] and seen[0] == seen[2]
