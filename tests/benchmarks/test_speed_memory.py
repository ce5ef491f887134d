"""usdrl_mm.benchmarks.speed.memory: the one peak-memory measurement."""
import pytest
import torch

from usdrl_mm.benchmarks.speed.memory import KINDS, PeakMemory

DEVICES = ['cpu'] + (['cuda'] if torch.cuda.is_available() else [])


@pytest.mark.parametrize('device', DEVICES)
def test_peak_grows_with_a_large_tensor(device):
    memory = PeakMemory(torch.device(device))
    memory.start()
    before = memory.peak_mib()
    assert before >= 0 and memory.kind in KINDS
    mib = 256
    # ones, not empty: the pages must be touched to be resident
    big = torch.ones(mib * 2**20 // 4, dtype=torch.float32, device=device)
    after = memory.peak_mib()
    del big
    assert after >= before + 0.9 * mib
    # a peak: it stays after the tensor is freed
    assert memory.peak_mib() >= after - 1


def test_peak_before_start_is_an_error():
    with pytest.raises(RuntimeError):
        PeakMemory(torch.device('cpu')).peak_mib()


def test_start_resets_the_peak():
    memory = PeakMemory(torch.device('cpu'))
    memory.start()
    big = torch.ones(128 * 2**20 // 4)
    del big
    first = memory.peak_mib()
    memory.start()
    if memory.kind != 'cpu_peak_rss_delta':
        pytest.skip(f'{memory.kind}: the peak is not reset on this system')
    assert first >= 100 and memory.peak_mib() < first / 2
