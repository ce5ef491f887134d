from usdrl_mm.utils.progress import (ProgressBarCallback,
                                     StagedProgressBarCallback)


def test_the_bar_reaches_the_total_with_few_redraws(capsys):
    progress = ProgressBarCallback(redraws=10)
    redraws = []
    for done in range(1, 1001):
        before = progress.done
        progress(done, 1000)
        if progress.done != before:
            redraws.append(done)
    assert progress.bar.completed == 1000
    assert redraws[-1] == 1000 and len(redraws) == 10
    assert '1000/1000' in capsys.readouterr().out
    progress.close()
    assert capsys.readouterr().out == '\n'


def test_close_without_a_bar_writes_nothing(capsys):
    ProgressBarCallback().close()
    assert capsys.readouterr().out == ''


def test_a_short_run_redraws_every_item():
    progress = ProgressBarCallback()
    for done in range(1, 4):
        progress(done, 3)
        assert progress.bar.completed == done


def test_stages_get_a_titled_bar_each(capsys):
    progress = StagedProgressBarCallback()
    for stage, total in (('trimmed', 4), ('untrimmed', 2)):
        for done in range(1, total + 1):
            progress(stage, done, total)
        assert progress.current.bar.completed == total
    out = capsys.readouterr().out
    assert out.index('trimmed:') < out.index('4/4') < out.index(
        'untrimmed:') < out.index('2/2')
