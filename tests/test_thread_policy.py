"""ThreadPolicy: which thread count the next steps use, from fake step times (no clock)."""

from __future__ import annotations

import pytest

from nnlite.utils.thread_policy import PolicySettings, ThreadPolicy

SETTINGS = PolicySettings(settle=2, window=8, margin=0.1, first_hold=64, max_hold=256,
                          probe_share=0.05, slowdown=1.5, probe_budget=2.0, early_steps=3,
                          clearly_slower=1.5)


def run(policy: ThreadPolicy, cost: dict[int, float], steps: int, samples: int = 32) -> list[int]:
    """Feed ``steps`` steps whose time depends on the count in use; the counts used, in order."""
    used = []
    for _ in range(steps):
        used.append(policy.threads)
        policy.record(cost[policy.threads] * samples, samples)
    return used


def test_starts_on_one_thread_and_probes_all_threads():
    policy = ThreadPolicy(4, SETTINGS)
    used = run(policy, {1: 1e-5, 4: 1e-5}, 8 + 2 + 8)
    assert used[:8] == [1] * 8          # the measuring window
    assert used[8:] == [4] * 10         # settle + window of the probe
    assert set(policy.estimates) == {1, 4}


def test_the_faster_count_wins():
    idle = ThreadPolicy(2, SETTINGS)
    run(idle, {1: 2e-5, 2: 1e-5}, 18)
    assert (idle.threads, idle.phase) == (2, "hold")
    busy = ThreadPolicy(2, SETTINGS)
    run(busy, {1: 1e-5, 2: 3e-5}, 18)
    assert (busy.threads, busy.phase) == (1, "hold")


def test_hysteresis_keeps_the_incumbent_when_the_other_is_barely_faster():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 1.00e-5, 2: 0.95e-5}, 18)  # 5 % faster: less than the 10 % margin
    assert policy.threads == 1


def test_a_probe_that_is_far_slower_stops_after_one_step():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 1e-5, 2: 1e-3}, 8)
    assert policy.phase == "probe"
    run(policy, {1: 1e-5, 2: 1e-3}, 1)  # 100x slower: over the budget of 2 windows at once
    assert (policy.threads, policy.phase) == (1, "hold")


def test_a_probe_clearly_slower_stops_after_its_first_steps():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 1e-5, 2: 1e-5}, 8)
    used = run(policy, {1: 1e-5, 2: 1.8e-5}, 2 + 3)  # 1.8x: under the budget, over 1.5x
    assert used == [2] * 5
    assert (policy.threads, policy.phase) == (1, "hold")
    assert policy.estimates[2] == pytest.approx(1.8e-5)


def test_hold_doubles_while_the_same_count_keeps_winning():
    policy = ThreadPolicy(2, SETTINGS)
    cost = {1: 1e-5, 2: 2e-5}
    run(policy, cost, 18)
    holds = []
    for _ in range(4):
        while policy.phase == "hold":
            run(policy, cost, 1)
        holds.append(policy.hold)
        while policy.phase != "hold":
            run(policy, cost, 1)
    assert policy.hold == 256  # capped by max_hold
    assert holds == [64, 128, 256, 256]


def test_hold_resets_when_the_winner_changes():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 1e-5, 2: 2e-5}, 18)      # 1 wins
    while policy.phase == "hold":
        run(policy, {1: 1e-5, 2: 2e-5}, 1)
    run(policy, {1: 1e-5, 2: 0.5e-5}, 10)    # the load is gone: 2 now wins
    assert (policy.threads, policy.hold) == (2, SETTINGS.first_hold)


def test_a_slowdown_while_holding_probes_at_once():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 2e-5, 2: 1e-5}, 18)       # idle: 2 threads win
    assert policy.threads == 2
    used = run(policy, {1: 2e-5, 2: 40e-5}, 2 + 8 + 1)  # load arrives
    assert used[-1] == 1 and policy.phase == "probe"


def test_a_costly_probe_is_followed_by_a_long_enough_hold():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 1e-5, 2: 1e-3}, 9)        # the probe cost one 1 ms/sample step
    assert policy.phase == "hold"
    probe_seconds = 1e-3 * 32
    steps = round(probe_seconds / SETTINGS.probe_share / (1e-5 * 32))  # 2,000 steps
    used = run(policy, {1: 1e-5, 2: 1e-3}, steps - 10)
    assert set(used) == {1} and policy.phase == "hold"
    assert 2 in run(policy, {1: 1e-5, 2: 1e-3}, 20)  # the next probe


def test_time_per_sample_so_a_short_last_batch_looks_no_faster():
    policy = ThreadPolicy(2, SETTINGS)
    for k in range(8):
        samples = 16 if k == 7 else 32
        policy.record(1e-5 * samples, samples)
    assert policy.estimates[1] == pytest.approx(1e-5)


def test_same_times_same_decisions():
    def decisions() -> list[int]:
        policy = ThreadPolicy(2, SETTINGS)
        times = [(1 + (k * 7919) % 13) * 1e-4 for k in range(3000)]
        return [policy.record(t, 32) for t in times]

    first = decisions()
    assert first == decisions()
    assert len(set(first)) == 2  # it did switch


def test_one_core_never_switches():
    policy = ThreadPolicy(1, SETTINGS)
    assert not policy.adaptive
    assert set(run(policy, {1: 1e-5}, 100)) == {1}
    assert policy.switches == 0


def test_bad_thread_count():
    with pytest.raises(ValueError, match="max_threads must be >= 1, got 0"):
        ThreadPolicy(0)


def test_the_next_fit_keeps_the_decision_and_measures_again():
    policy = ThreadPolicy(2, SETTINGS)
    run(policy, {1: 1e-5, 2: 1e-3}, 9)            # busy: 1 thread won
    policy.new_fit()
    assert (policy.threads, policy.phase, policy.estimates) == (1, "hold", {})
    used = run(policy, {1: 3e-5, 2: 3e-3}, 30)    # a slower model: no false "slowdown"
    assert set(used) == {1} and policy.estimates == {1: 3e-5}


def test_the_next_fit_starts_over_unless_one_thread_won():
    for cost, steps in (({1: 1e-5, 2: 1e-5}, 9),          # in the middle of the probe
                        ({1: 2e-5, 2: 1e-5}, 18)):        # all threads won
        policy = ThreadPolicy(2, SETTINGS)
        run(policy, cost, steps)
        assert policy.threads == 2
        policy.new_fit()
        assert (policy.threads, policy.phase, policy.estimates) == (1, "measure", {})
        used = run(policy, cost, 8 + 2 + 8)
        assert used[:8] == [1] * 8 and used[8:] == [2] * 10


def test_contended_only_when_all_threads_lost_by_far():
    granular = ThreadPolicy(2, SETTINGS)
    run(granular, {1: 1.00e-5, 2: 1.05e-5}, 18)  # idle, small products: 2 threads gain nothing
    assert (granular.threads, granular.contended) == (1, False)
    busy = ThreadPolicy(2, SETTINGS)
    run(busy, {1: 1e-5, 2: 3e-5}, 18)  # a busy core: 2 threads 3x slower
    assert (busy.threads, busy.contended) == (1, True)
    busy.new_fit()  # the decision carries into the next fit, and so does the reason
    assert (busy.threads, busy.contended) == (1, True)
    idle = ThreadPolicy(2, SETTINGS)
    run(idle, {1: 2e-5, 2: 1e-5}, 18)
    assert (idle.threads, idle.contended) == (2, False)
