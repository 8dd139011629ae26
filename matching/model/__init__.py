"""The Splink model of ``upt match``: training, prediction, stored versions, tables and export."""
