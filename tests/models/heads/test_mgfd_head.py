import pytest
import torch

from usdrl_mm.models import MGFDHead
from usdrl_mm.models.losses import (cross_correlation, multi_view_similarity,
                                    variance_covariance)


def embeds(num_views=4, b=16, requires_grad=False):
    torch.manual_seed(0)
    return [
        dict(
            t=torch.randn(b, 8, requires_grad=requires_grad),
            s=torch.randn(b, 8, requires_grad=requires_grad),
            i=torch.randn(b, 16, requires_grad=requires_grad))
        for _ in range(num_views)
    ]


def test_weighted_total_matches_the_formula():
    head = MGFDHead()
    e = embeds()
    out = head.loss(e)
    w = dict(i=1.0, t=0.5, s=0.5)
    sim = sum(w[g] * 5 * multi_view_similarity([v[g] for v in e]) for g in w)
    assert torch.allclose(out['loss_sim'], sim)
    vac = sum(w[g] * sum(variance_covariance(v[g]) for v in e) for g in w)
    assert torch.allclose(out['loss_vac'], vac)
    assert torch.allclose(out['sim_t'],
                          5 * multi_view_similarity([v['t'] for v in e]))
    xc = cross_correlation(e[0]['i'], e[1]['i'])
    assert out['xcorr_i'] > 1e-3 * xc  # six pairs, all positive


def test_logged_keys_and_only_loss_terms_sum_to_the_total():
    out = MGFDHead().loss(embeds())
    assert {k
            for k in out if k.startswith('loss_')
            } == {'loss_sim', 'loss_vac', 'loss_xcorr'}
    for term in ('sim', 'vac', 'xcorr'):
        for g in 'its':
            assert not out[f'{term}_{g}'].requires_grad


def test_zero_weight_term_is_skipped():
    head = MGFDHead(
        loss_xcorr=dict(type='ViewCrossCorrelationLoss', loss_weight=0.0))
    out = head.loss(embeds())
    assert 'loss_xcorr' not in out and 'xcorr_i' not in out


def test_losses_run_in_float32_under_autocast():
    head = MGFDHead()
    e = embeds(requires_grad=True)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        bf = [{k: v.bfloat16() for k, v in d.items()} for d in e]
        out = head.loss(bf)
    assert out['loss_vac'].dtype == torch.float32
    sum(v for k, v in out.items() if k.startswith('loss_')).backward()
    assert e[0]['t'].grad is not None


def test_grain_names_are_checked():
    with pytest.raises(ValueError, match='unknown grains'):
        MGFDHead(grain_weights=dict(x=1.0))
