"""triage: deliverability health-check and triage for senders.

Data flows one way: inputs -> ``dns`` (one injectable resolver) -> ``checks``
-> ``deferrals`` -> verdict -> ``report`` renderers -> ``cli``.
"""

__version__ = "0.1.0"
