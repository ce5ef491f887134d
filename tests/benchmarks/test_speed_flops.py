"""usdrl_mm.benchmarks.speed.flops and .gemm_peak: FLOP counts against
their analytical values, and the fields derived from them."""
import pytest
import torch
import torch.nn.functional as F

from usdrl_mm.benchmarks.speed import flops, gemm_peak

CPU = torch.device('cpu')


@pytest.mark.parametrize('input_grad', [False, True])
def test_a_linear_training_step(input_grad):
    b, n_in, n_out = 5, 7, 3
    layer = torch.nn.Linear(n_in, n_out)
    optimizer = torch.optim.Adam(layer.parameters())
    x = torch.randn(b, n_in, requires_grad=input_grad)

    def step():
        optimizer.zero_grad()
        layer(x).square().sum().backward()
        optimizer.step()

    forward = 2 * b * n_in * n_out
    # the weight's gradient always, the input's only when it needs one
    backward = 2 * forward if input_grad else forward
    assert flops.count_flops(step) == forward + backward


def test_attention_on_a_cpu_is_counted():
    q, k, v = (torch.randn(2, 1, 6, 4, requires_grad=True) for _ in 'qkv')
    forward = 2 * (2 * 2 * 6 * 6 * 4)  # scores and their product with V
    assert flops.attention_flops(q.shape, k.shape, v.shape) == forward
    with torch.no_grad():
        counted = flops.count_flops(
            lambda: F.scaled_dot_product_attention(q, k, v))
    assert counted == forward
    training = flops.count_flops(
        lambda: F.scaled_dot_product_attention(q, k, v).sum().backward())
    assert training > forward  # the backward pass is counted as well


def test_the_gemm_peak_is_positive_and_cached():
    gemm_peak.clear_cache()
    peak = gemm_peak.measure_gemm_peak(torch.float32, CPU, sizes=(64, 128))
    assert peak['gflops'] > 0 and peak['size'] in (64, 128)
    assert peak['precision'] == 'fp32'
    assert peak['threads'] == torch.get_num_threads()
    assert peak['gflops'] == max(peak['rates'].values())
    again = gemm_peak.measure_gemm_peak(torch.float32, CPU, sizes=(128, 64))
    assert again == peak  # the same sizes, not measured again
    bf16 = gemm_peak.gemm_peak('bf16-autocast', CPU, sizes=(64, ))
    assert bf16['precision'] == 'bf16' and bf16['gflops'] > 0
    assert gemm_peak.peak_dtype('fp16-autocast') == torch.float16
    with pytest.raises(ValueError):
        gemm_peak.peak_dtype('int8')


def test_flop_fields_follow_their_definitions():
    fields = flops.flop_fields(4e9, 2.0, 'fp32', CPU, gemm_sizes=(64, ))
    assert fields['gflops_per_s'] == pytest.approx(2.0)
    peak = gemm_peak.gemm_peak('fp32', CPU, sizes=(64, ))
    assert fields['gemm_peak_gflops'] == peak['gflops']
    assert fields['gemm_peak_precision'] == 'fp32'
    assert fields['peak_fraction'] == pytest.approx(2.0 / peak['gflops'])
    none = flops.flop_fields(None, 2.0, 'fp32', CPU)
    assert set(none) == set(fields) and set(none.values()) == {None}
