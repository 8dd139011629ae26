"""Connected components of the identity graph, computed with joins (no driver-side graph).

Min-label propagation with pointer jumping: every node starts labelled with its own id; each round a
node takes the smallest label among itself and its neighbours, then the label of its label (which
halves path lengths, so chains converge in about log(diameter) rounds). The loop stops when a round
changes no label; the only number brought to the driver per round is that count. Lineage is cut with
``localCheckpoint`` every few rounds so plans stay small.
"""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

MAX_ROUNDS = 60


def connected_components(nodes: DataFrame, edges: DataFrame, checkpoint_every: int = 2) -> tuple[DataFrame, int]:
    """(node, component) for every node in ``nodes`` (column ``node``) or in ``edges`` (``src``, ``dst``).

    ``component`` is the smallest node id of the component. Returns the labels and the rounds run.
    """
    links = edges.select("src", "dst").where(F.col("src") != F.col("dst"))
    both = links.unionByName(links.select(F.col("dst").alias("src"), F.col("src").alias("dst"))).distinct()
    labels = (
        nodes.select("node")
        .unionByName(links.select(F.col("src").alias("node")))
        .unionByName(links.select(F.col("dst").alias("node")))
        .distinct()
        .withColumn("label", F.col("node"))
    ).localCheckpoint()
    both = both.localCheckpoint()
    rounds = 0
    while rounds < MAX_ROUNDS:
        rounds += 1
        from_neighbours = (
            both.join(labels.withColumnRenamed("node", "src"), "src")
            .groupBy(F.col("dst").alias("node"))
            .agg(F.min("label").alias("nlabel"))
        )
        stepped = labels.join(from_neighbours, "node", "left").select(
            "node", F.least("label", F.coalesce("nlabel", "label")).alias("label")
        )
        # Pointer jumping: adopt the label of my label.
        jumped = (
            stepped.alias("a")
            .join(stepped.alias("b"), F.col("a.label") == F.col("b.node"), "left")
            .select(F.col("a.node").alias("node"), F.least("a.label", F.coalesce("b.label", "a.label")).alias("label"))
        )
        if rounds % checkpoint_every == 0:
            jumped = jumped.localCheckpoint()
        changed = jumped.join(labels, ["node", "label"], "left_anti").count()
        labels = jumped
        if changed == 0:
            break
    return labels.select("node", F.col("label").alias("component")), rounds
