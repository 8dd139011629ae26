"""The validated ``matching`` conf of the settings' environment."""

from __future__ import annotations

from matching.splink_settings import MatchingConf
from matching.splink_settings import load_matching_conf as validate_conf
from runtime.config import Settings, load_matching_conf


def matching_conf(settings: Settings) -> MatchingConf:
    return validate_conf(load_matching_conf(settings))
