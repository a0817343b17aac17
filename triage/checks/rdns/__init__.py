"""Reverse DNS, forward confirmation and HELO for a sending IP (``triage rdns``)."""

from triage.checks.rdns.check import MAX_FORWARD, check_rdns, parse_ip
from triage.checks.rdns.generic import GenericDetector
from triage.checks.rdns.result import HeloResult, RdnsResult

__all__ = ["MAX_FORWARD", "GenericDetector", "HeloResult", "RdnsResult", "check_rdns", "parse_ip"]
