"""Training maths of the Splink model: the prior's fixed point and the floor on m probabilities."""

from __future__ import annotations

import numpy as np
import pytest

from matching.model.training import floor_m, prior_from_blocked_pairs


def test_prior_is_the_expected_share_of_matches_among_all_pairs():
    # 5 certain matches among 50 blocked pairs of 100 profiles (4,950 pairs in all).
    weights = np.array([80.0] * 5 + [-80.0] * 45)
    assert prior_from_blocked_pairs(weights, 100) == pytest.approx(5 / 4950, rel=1e-6)


def test_prior_is_capped_at_one_half_and_has_a_floor_without_pairs():
    assert prior_from_blocked_pairs(np.array([80.0, 80.0, 80.0]), 3) == 0.5
    assert prior_from_blocked_pairs(np.array([1.0]), 1) == 1e-6
    assert prior_from_blocked_pairs(np.array([]), 100) == 1e-6


def test_prior_counts_an_uncertain_pair_by_its_probability_at_the_prior():
    weights = np.array([0.0])  # Bayes factor 1: the pair is as likely as any pair
    prior = prior_from_blocked_pairs(weights, 2)  # one pair in all: p = p, any start is a fixed point
    assert prior == pytest.approx(0.5)
    prior = prior_from_blocked_pairs(np.array([10.0] * 2), 10)
    bayes = 2.0**10
    assert prior == pytest.approx(2 * prior * bayes / (prior * bayes + 1 - prior) / 45, rel=1e-6)


def test_floor_m_raises_low_and_missing_m_but_not_null_levels():
    model = {
        "comparisons": [
            {
                "comparison_levels": [
                    {"is_null_level": True},
                    {"m_probability": 0.5},
                    {"m_probability": 0.0001},
                    {},
                ]
            }
        ]
    }
    levels = floor_m(model, 0.001)["comparisons"][0]["comparison_levels"]
    assert levels == [
        {"is_null_level": True},
        {"m_probability": 0.5},
        {"m_probability": 0.001},
        {"m_probability": 0.001},
    ]
