"""Arrow-batched record builders: one Python pass per batch of staged business objects.

The native transforms (``transforms/<object>.py``) are the specification of every record; a
builder here must produce identical rows (pinned by equivalence tests that run both on the same
input). A builder is a plain function over Arrow record batches, run by ``mapInArrow``: the Python
worker's code is generic and warm once, so a table costs no Catalyst planning of a wide tree and no
generated code for the JIT to compile.
"""


def builders() -> dict:
    """ACCP table -> Arrow builder replacing its native projection (same input frame as ``to_accp``)."""
    from transforms.arrow import hotel_stay

    return {hotel_stay.REVENUE_OBJECT_TYPE: hotel_stay.revenue_items}
