"""Training the Splink model: m by EM on traveller records, u by sampling, the prior from blocked pairs."""

from __future__ import annotations

import json
import logging

import numpy as np

from matching.splink_settings import MatchingConf, blocking_rule, neutralise_absence

log = logging.getLogger("upt.match")


def match_weights(predictions) -> np.ndarray:
    """The match_weight column of Splink predictions (Spark or DuckDB) as an array."""
    try:
        frame = predictions.as_spark_dataframe().select("match_weight").toPandas()
    except NotImplementedError:  # not the Spark backend
        frame = predictions.as_pandas_dataframe()
    return frame["match_weight"].to_numpy(dtype=float)


def prior_from_blocked_pairs(weights: np.ndarray, profiles: int, iterations: int = 100) -> float:
    """The prior p whose expected number of matches equals the sum of the blocked pairs' probabilities.

    ``weights``: log2 Bayes factors of every blocked pair (match weights at prior 0.5). Iterates
    p <- sum(p * BF / (p * BF + 1 - p)) / (all pairs); pairs the blocking never compares are taken
    as non-matches, so this errs low. Replaces deterministic rules, whose pairs (same surname and
    birth date...) the identity rules have already joined, so they find almost none among profiles.
    """
    total = profiles * (profiles - 1) / 2
    if not len(weights) or total <= 0:
        return 1e-6
    bayes = np.power(2.0, np.clip(weights, -200, 200))
    prior = min(len(weights) / total, 0.5)
    for _ in range(iterations):
        updated = float(np.sum(prior * bayes / (prior * bayes + 1 - prior)) / total)
        updated = min(max(updated, 1e-12), 0.5)
        if abs(updated - prior) <= 1e-9 * prior:
            break
        prior = updated
    return prior


def floor_m(model: dict, minimum: float) -> dict:
    """Raise every learned m probability to at least ``minimum`` (no level is impossible for a match)."""
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            if level.get("m_probability") is None or level["m_probability"] < minimum:
                level["m_probability"] = minimum
    return model


def train_model(db_api, profiles, travellers, conf: MatchingConf, profile_count: int) -> tuple[dict, object]:
    """m by EM on traveller records, u by random sampling of profiles, prior from the blocked pairs.

    ``profiles`` / ``travellers``: the identified rows of the profile and per-traveller features
    (Spark or pandas frames, whatever ``db_api`` registers), FEATURE_COLUMNS only.
    """
    from splink import Linker

    training = conf.training
    u_options = {
        "max_pairs": float(training.get("max_pairs_for_u", 2e6)),
        "seed": int(training.get("seed", 42)),
        "num_chunks": int(training.get("u_chunks", 1)),
    }
    records = db_api.register(travellers)
    linker = Linker(records, conf.settings_creator(), log_level=None)
    # EM needs u for its E step: traveller u here; the model keeps the profiles' u below.
    linker.training.estimate_u_using_random_sampling(**u_options)
    failed = []
    for rule in training["em_blocking_rules"]:
        before = linker.misc.save_model_to_json()
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(blocking_rule(rule))
        except ValueError as exc:
            # Splink 5 refuses an m of exactly 0 (a level EM saw only among non-matches, common on
            # small data); the other sessions still estimate those comparisons. A failed session
            # leaves the linker's settings without the blocked comparisons, so restore them.
            log.warning(json.dumps({"event": "em_session_failed", "rule": rule, "error": str(exc)[:300]}))
            failed.append(rule)
            linker = Linker(records, before, log_level=None)
    if len(failed) == len(training["em_blocking_rules"]):
        raise RuntimeError(f"every EM session failed: {failed}")
    trained = floor_m(linker.misc.save_model_to_json(), float(training.get("min_m_probability", 0.001)))

    scored = db_api.register(profiles)
    linker = Linker(scored, conf.settings_creator(), log_level=None)
    linker.training.estimate_u_using_random_sampling(**u_options)
    model = linker.misc.save_model_to_json()
    for target, source in zip(model["comparisons"], trained["comparisons"], strict=True):
        for level, learned in zip(target["comparison_levels"], source["comparison_levels"], strict=True):
            if "m_probability" in learned:
                level["m_probability"] = learned["m_probability"]
    # Levels never seen among the sampled profile pairs: rarer than one in the sample.
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if not level.get("is_null_level") and not level.get("u_probability"):
                level["u_probability"] = 1 / u_options["max_pairs"]
    model = neutralise_absence(model, conf)
    model["probability_two_random_records_match"] = 0.5
    weights = match_weights(Linker(scored, model, log_level=None).inference.predict(warning_mode="never"))
    model["probability_two_random_records_match"] = prior_from_blocked_pairs(weights, profile_count)
    expected = [c["column"] for c in conf.comparisons]
    if [c["output_column_name"] for c in model["comparisons"]] != expected:
        raise RuntimeError(f"trained model lost comparisons: {model['comparisons']!r:.200}")
    return model, Linker(scored, model, log_level=None)
