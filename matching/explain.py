"""The waterfall of one scored pair: the prior, then each comparison's level and weight.

Splink's waterfall chart is HTML for a notebook; a reviewer at a terminal needs the same numbers as
text (``upt matches --explain``). The input is one Splink prediction row scored with
``retain_intermediate_calculation_columns`` (gamma_*, mw_*, mw_tf_adj_* columns) and the stored model
JSON, whose level order gives each gamma value its label.
"""

from __future__ import annotations

import math


def level_labels(comparison: dict) -> dict[int, str]:
    """gamma value -> level label for one comparison of a saved Splink model.

    Splink numbers the null level -1 and the other levels from n-1 (the first listed) down to 0.
    """
    levels = comparison["comparison_levels"]
    others = [lvl for lvl in levels if not lvl.get("is_null_level")]
    labels = {-1: "NULL on one side (no evidence)"}
    for index, level in enumerate(others):
        labels[len(others) - 1 - index] = level.get("label_for_charts") or level.get("sql_condition", "")
    return labels


def _log2(value) -> float:
    return math.log2(value) if value and value > 0 else 0.0


def _weight(row: dict, name: str) -> float:
    """log2 Bayes factor of one comparison, term-frequency adjustment included.

    Splink 5 retains match weights (``mw_<name>``, ``mw_tf_adj_<name>``); older versions Bayes
    factors (``bf_...``).
    """
    if f"mw_{name}" in row:
        return float(row.get(f"mw_{name}") or 0.0) + float(row.get(f"mw_tf_adj_{name}") or 0.0)
    return _log2(row.get(f"bf_{name}", 1.0)) + _log2(row.get(f"bf_tf_adj_{name}", 1.0))


def waterfall(model: dict, row: dict) -> list[dict]:
    """Rows (step, level, weight, cumulative) from the prior to the pair's match weight."""
    prior = float(model["probability_two_random_records_match"])
    total = math.log2(prior / (1 - prior))
    steps = [{"step": "prior", "level": f"p = {prior:.3g}", "weight": total, "cumulative": total}]
    for comparison in model["comparisons"]:
        name = comparison["output_column_name"]
        gamma = row.get(f"gamma_{name}")
        gamma = -1 if gamma is None else int(gamma)
        weight = _weight(row, name)
        total += weight
        label = level_labels(comparison).get(gamma, f"level {gamma}")
        steps.append({"step": name, "level": label, "weight": weight, "cumulative": total})
    return steps


def format_waterfall(steps: list[dict], source: str, target: str, probability: float) -> str:
    """Fixed-width text: one line per step, the final match weight and probability last."""
    lines = [f"pair {source} - {target}", f"{'comparison':16s} {'level':58s} {'weight':>8s} {'total':>8s}"]
    for s in steps:
        lines.append(f"{s['step']:16s} {s['level'][:58]:58s} {s['weight']:8.2f} {s['cumulative']:8.2f}")
    lines.append(f"match weight {steps[-1]['cumulative']:.2f}, match probability {probability:.4f}")
    return "\n".join(lines)
