"""Regression test for clipspy's fact-memory leak (ReleaseFact called with two arguments in <= 1.0.6).

If this fails after a clipspy upgrade, check whether upstream fixed the leak and the patch in
lexgap/engine/clips_runtime.py is still right.
"""
import pytest

from lexgap.engine.clips_runtime import Runner

pytestmark = pytest.mark.slow  # hundreds of assessments: run by CI, left out of the quick loop


def test_clips_memory_stays_flat_over_many_assessments(kb):
    runner = Runner(kb)
    values = {q.id: "yes" for q in kb.questionnaire.questions if q.type == "yes_no"}

    def one_round():
        runner.reset()
        for question, value in values.items():
            runner.set(question, value)
        runner.run()

    for _ in range(20):
        one_round()
    before = runner.env.eval("(mem-used)")
    for _ in range(200):
        one_round()
    after = runner.env.eval("(mem-used)")
    assert after - before < 64 * 1024, f"CLIPS memory grew by {after - before} bytes over 200 assessments"
